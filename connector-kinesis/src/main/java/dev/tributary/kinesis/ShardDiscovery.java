package dev.tributary.kinesis;

import static java.util.Objects.requireNonNull;

import dev.tributary.kinesis.proxy.KinesisErrors;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.ShardPage;
import dev.tributary.kinesis.proxy.StreamRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Lists a stream's shards with ListShards, page by page. An expired page token starts the listing
 * again from the first page; throttling is retried after {@code backoff}.
 */
final class ShardDiscovery {
    private static final int MAX_ATTEMPTS = 5;

    private final KinesisProxy proxy;
    private final Duration backoff;

    ShardDiscovery(KinesisProxy proxy, Duration backoff) {
        this.proxy = requireNonNull(proxy, "proxy is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
    }

    /** Every shard of the stream, open and closed, as Kinesis still lists them. Blocks. */
    List<ShardInfo> shards(StreamRef stream) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return listAll(stream);
            } catch (CompletionException e) {
                KinesisErrors.Kind kind = KinesisErrors.classify(e);
                if (kind == KinesisErrors.Kind.FATAL || kind == KinesisErrors.Kind.NOT_FOUND) {
                    throw new IllegalStateException("cannot list the shards of stream " + stream.name() + ": "
                            + KinesisErrors.describe(e), KinesisErrors.unwrap(e));
                }
                last = e;
                if (kind != KinesisErrors.Kind.EXPIRED_TOKEN) {
                    TimeUnit.MILLISECONDS.sleep(backoff.toMillis() * attempt);
                }
            }
        }
        throw new IllegalStateException("cannot list the shards of stream " + stream.name() + " after "
                + MAX_ATTEMPTS + " attempts: " + KinesisErrors.describe(last), last);
    }

    private List<ShardInfo> listAll(StreamRef stream) {
        List<ShardInfo> shards = new ArrayList<>();
        String token = null;
        do {
            ShardPage page = proxy.listShards(stream, token).join();
            shards.addAll(page.shards());
            token = page.nextToken();
        } while (token != null);
        return shards;
    }
}
