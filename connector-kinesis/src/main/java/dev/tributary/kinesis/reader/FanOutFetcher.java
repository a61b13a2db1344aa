package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.KplDeaggregator;
import dev.tributary.kinesis.proxy.FetchResult;
import dev.tributary.kinesis.proxy.KinesisErrors;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.StartPosition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a task's shards with enhanced fan-out: one SubscribeToShard stream per shard, through
 * the connector's registered consumer, over HTTP/2. Kinesis pushes events; the fetcher asks for
 * one event at a time and only while the {@link RecordBuffer} has room, so a slow Pulsar holds the
 * stream back instead of filling memory (the buffer may hold one event per shard beyond
 * {@code receiveQueueSize}).
 *
 * <p>Kinesis ends each subscription after five minutes; it is renewed at once after the last
 * record received (or the last continuation sequence number). ResourceInUse (a subscription still
 * open), throttling and server errors back off with jitter and subscribe again.
 */
public final class FanOutFetcher extends ShardFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutFetcher.class);
    private static final long TICK_MILLIS = 50;

    private final KinesisProxy proxy;
    private final Map<String, String> consumerArns;
    private final Map<ShardReader, Flow.Subscription> subscriptions = new HashMap<>();
    private final Deque<ShardReader> waitingForRoom = new ArrayDeque<>();

    /**
     * @param consumerArns the fan-out consumer's ARN for each stream, by stream name
     */
    public FanOutFetcher(KinesisProxy proxy, Map<String, String> consumerArns, ReaderSettings settings, RecordMapper mapper,
            KplDeaggregator deaggregator, List<ShardAssignment> shards, Map<SourcePartition, SourceOffset> committed,
            ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        super(settings, mapper, deaggregator, shards, committed, scheduler, nanoTime);
        this.proxy = requireNonNull(proxy, "proxy is null");
        this.consumerArns = Map.copyOf(consumerArns);
    }

    @Override
    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    void onSpace() {
        // Shards that stopped asking for events while the buffer was full ask again.
        while (!waitingForRoom.isEmpty() && hasRoom()) {
            Flow.Subscription subscription = subscriptions.get(waitingForRoom.poll());
            if (subscription != null) {
                subscription.request(1);
            }
        }
        tick();
    }

    private boolean hasRoom() {
        return buffer.queuedRecords() < settings.receiveQueueSize() && buffer.queuedBytes() < settings.receiveQueueBytes();
    }

    private void tick() {
        if (closed || failure != null) {
            return;
        }
        long now = nanoTime.getAsLong();
        for (ShardReader reader : readers) {
            if (reader.state == ShardReader.State.WAITING_FOR_PARENTS && parentsFinished(reader, now)) {
                reader.state = ShardReader.State.NEEDS_ITERATOR;
            }
            if (reader.state == ShardReader.State.NEEDS_ITERATOR && now >= reader.nextFetchAtNanos && hasRoom()) {
                subscribe(reader);
            }
        }
    }

    private void subscribe(ShardReader reader) {
        String consumerArn = consumerArns.get(reader.stream.name());
        if (consumerArn == null) {
            fail(reader, new IllegalStateException("no fan-out consumer is registered for stream " + reader.stream.name()));
            return;
        }
        reader.state = ShardReader.State.BUSY;
        LOG.debug("shard {}: subscribing at {}", reader, reader.position);
        proxy.subscribe(consumerArn, reader.shardId, reader.position, new ShardSubscriber(reader))
                .whenComplete((ignored, error) -> scheduler.execute(() -> onSubscriptionEnd(reader, error)));
    }

    /** A subscription ended: after five minutes (renew), at the shard's end, or with an error. */
    private void onSubscriptionEnd(ShardReader reader, Throwable error) {
        subscriptions.remove(reader);
        waitingForRoom.remove(reader);
        if (closed || reader.state == ShardReader.State.ENDED) {
            return;
        }
        if (error == null) {
            reader.iteratorRenewals++;
            reader.state = ShardReader.State.NEEDS_ITERATOR;
            reader.nextFetchAtNanos = 0;
            return;
        }
        KinesisErrors.Kind kind = KinesisErrors.classify(error);
        switch (kind) {
            case THROTTLED, TRANSIENT, IN_USE, EXPIRED_ITERATOR -> {
                reader.consecutiveErrors++;
                if (kind == KinesisErrors.Kind.THROTTLED) {
                    reader.throttles++;
                }
                Duration wait = backoff(reader.consecutiveErrors);
                if (reader.consecutiveErrors == 1 || reader.consecutiveErrors % 10 == 0) {
                    LOG.warn("shard {}: subscription ended with {} ({} in a row); subscribing again in {} ms", reader,
                            KinesisErrors.describe(error), reader.consecutiveErrors, wait.toMillis());
                }
                reader.state = ShardReader.State.NEEDS_ITERATOR;
                reader.nextFetchAtNanos = nanoTime.getAsLong() + wait.toNanos();
            }
            case NOT_FOUND -> {
                LOG.warn("shard {} no longer exists ({}); treating it as ended", reader, KinesisErrors.describe(error));
                endShard(reader);
            }
            default -> fail(reader, error);
        }
    }

    /** Takes one shard's events, one at a time; runs on the SDK's threads, one event after another. */
    private final class ShardSubscriber implements Flow.Subscriber<FetchResult> {
        private final ShardReader reader;

        ShardSubscriber(ShardReader reader) {
            this.reader = reader;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            scheduler.execute(() -> {
                subscriptions.put(reader, subscription);
                requestOrWait(subscription);
            });
        }

        @Override
        public void onNext(FetchResult event) {
            // Converting here keeps the scheduler thread free; events of one shard never overlap.
            ShardBatch batch = toBatch(reader, event);
            scheduler.execute(() -> {
                reader.consecutiveErrors = 0;
                reader.millisBehindLatest = event.millisBehindLatest();
                reader.fetchedRecords += event.records().size();
                reader.fetchedBytes += batch.bytes();
                if (!batch.records().isEmpty() || batch.endOffset() != null) {
                    buffer.add(batch, 0);
                }
                if (event.shardEnded()) {
                    LOG.info("shard {} is read to its end", reader);
                    reader.state = ShardReader.State.ENDED;
                    Flow.Subscription s = subscriptions.remove(reader);
                    if (s != null) {
                        s.cancel();
                    }
                    return;
                }
                // Renew after the last record seen; with none yet, after the continuation Kinesis gave.
                if (reader.lastSequenceNumber != null && reader.skipSequenceNumber == null) {
                    reader.position = StartPosition.afterSequence(reader.lastSequenceNumber);
                } else if (reader.skipSequenceNumber == null && event.nextIterator() != null) {
                    reader.position = StartPosition.afterSequence(event.nextIterator());
                }
                Flow.Subscription s = subscriptions.get(reader);
                if (s != null) {
                    requestOrWait(s);
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            // The subscription's future fails too; onSubscriptionEnd handles it.
        }

        @Override
        public void onComplete() {
            // The subscription's future completes too; onSubscriptionEnd renews it.
        }

        private void requestOrWait(Flow.Subscription subscription) {
            if (hasRoom()) {
                subscription.request(1);
            } else if (!waitingForRoom.contains(reader)) {
                waitingForRoom.add(reader);
            }
        }
    }

    @Override
    public void close() {
        super.close();
        // Cancel the open streams before the client closes, or closing its HTTP/2 pools waits for them.
        try {
            scheduler.submit(() -> subscriptions.values().forEach(Flow.Subscription::cancel)).get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            LOG.debug("could not cancel the subscriptions before closing: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
