package dev.tributary.kinesis;

import static java.util.Objects.requireNonNull;

import dev.tributary.kinesis.proxy.KinesisErrors;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.ShardPage;
import dev.tributary.kinesis.proxy.StreamRef;
import dev.tributary.kinesis.reader.KinesisOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a stream's shards with ListShards, page by page, and finds when the stream was created.
 * An expired page token starts the listing again from the first page; throttling is retried after
 * {@code backoff}.
 */
final class ShardDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(ShardDiscovery.class);
    private static final int MAX_ATTEMPTS = 5;

    private final KinesisProxy proxy;
    private final Duration backoff;

    ShardDiscovery(KinesisProxy proxy, Duration backoff) {
        this.proxy = requireNonNull(proxy, "proxy is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
    }

    /** Every shard of the stream, open and closed, as Kinesis still lists them. Blocks. */
    List<ShardInfo> shards(StreamRef stream) throws InterruptedException {
        return withRetries(stream, "list the shards of", () -> listAll(stream));
    }

    /**
     * When the stream was created, in epoch millis; {@link KinesisOffsets#UNKNOWN_CREATION} when
     * Kinesis refuses to say (a policy without kinesis:DescribeStreamSummary), which is logged,
     * as a recreated stream then goes unnoticed. Blocks.
     */
    long creationTime(StreamRef stream) throws InterruptedException {
        try {
            return withRetries(stream, "describe", () -> await(proxy.streamCreationTime(stream))).toEpochMilli();
        } catch (IllegalStateException e) {
            if (e.getCause() != null && KinesisErrors.classify(e.getCause()) == KinesisErrors.Kind.FATAL) {
                LOG.warn("cannot tell when stream {} was created ({}); if it is deleted and created again, its new shards"
                        + " may be taken for the old ones and skipped. Allow kinesis:DescribeStreamSummary to notice",
                        stream.name(), KinesisErrors.describe(e.getCause()));
                return KinesisOffsets.UNKNOWN_CREATION;
            }
            throw e;
        }
    }

    private <T> T withRetries(StreamRef stream, String what, Call<T> call) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return call.get();
            } catch (CompletionException e) {
                KinesisErrors.Kind kind = KinesisErrors.classify(e);
                if (kind == KinesisErrors.Kind.FATAL || kind == KinesisErrors.Kind.NOT_FOUND) {
                    throw new IllegalStateException("cannot " + what + " stream " + stream.name() + ": "
                            + KinesisErrors.describe(e), KinesisErrors.unwrap(e));
                }
                last = e;
                long wait = kind == KinesisErrors.Kind.EXPIRED_TOKEN ? 0 : backoff.toMillis() * attempt;
                // Without this line a connector that cannot reach Kinesis looks idle, not stuck.
                LOG.warn("trying to {} stream {} failed (attempt {} of {}); trying again in {} ms: {}",
                        what, stream.name(), attempt, MAX_ATTEMPTS, wait, KinesisErrors.describe(e));
                TimeUnit.MILLISECONDS.sleep(wait);
            }
        }
        throw new IllegalStateException("cannot " + what + " stream " + stream.name() + " after "
                + MAX_ATTEMPTS + " attempts: " + KinesisErrors.describe(last), last);
    }

    /** One Kinesis call that may be retried; an interrupt ends it. */
    @FunctionalInterface
    private interface Call<T> {
        T get() throws InterruptedException;
    }

    /**
     * As {@link CompletableFuture#join}, but an interrupt ends the wait (and the request): the
     * runtime interrupts a connector's start when the connector is stopped or deleted, and join
     * would keep the start, and so the abandoned instance, waiting for the SDK's own timeouts.
     */
    static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    private List<ShardInfo> listAll(StreamRef stream) throws InterruptedException {
        List<ShardInfo> shards = new ArrayList<>();
        String token = null;
        do {
            ShardPage page = await(proxy.listShards(stream, token));
            shards.addAll(page.shards());
            token = page.nextToken();
        } while (token != null);
        return shards;
    }
}
