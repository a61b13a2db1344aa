package dev.tributary.kinesis.reader;

import dev.tributary.kinesis.proxy.FanOutConsumer;
import dev.tributary.kinesis.proxy.FetchResult;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.ShardPage;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.proxy.StreamRef;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * A hand-written Kinesis behind the proxy seam: shards with records, iterators that can be made
 * to expire, and failures queued per operation. Thread-safe enough for one fetcher.
 */
public final class FakeKinesisProxy implements KinesisProxy {
    final Map<String, List<KinesisRecord>> shards = new LinkedHashMap<>();
    final Map<String, ShardInfo> shardInfos = new LinkedHashMap<>();
    final Deque<Throwable> getRecordsFailures = new ArrayDeque<>();
    final Deque<Throwable> iteratorFailures = new ArrayDeque<>();
    final List<StartPosition> iteratorRequests = new CopyOnWriteArrayList<>();
    final AtomicInteger getRecordsCalls = new AtomicInteger();
    /** The limit of every GetRecords call, in order. */
    final List<Integer> getRecordsLimits = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger generation = new AtomicInteger();
    /** When the stream was created; {@link #recreate} moves it on. */
    public volatile Instant created = Instant.parse("2026-01-01T00:00:00Z");
    private long nextSequence = 1000;

    /** Adds an open shard. */
    public synchronized FakeKinesisProxy shard(String shardId, String... parents) {
        shards.put(shardId, new ArrayList<>());
        shardInfos.put(shardId, new ShardInfo(shardId, parents.length > 0 ? parents[0] : null,
                parents.length > 1 ? parents[1] : null, null));
        return this;
    }

    /** Closes a shard: once its records are read, GetRecords returns no next iterator. */
    public synchronized void close(String shardId) {
        ShardInfo s = shardInfos.get(shardId);
        shardInfos.put(shardId, new ShardInfo(s.shardId(), s.parentShardId(), s.adjacentParentShardId(), "99999999"));
    }

    synchronized KinesisRecord put(String shardId, String partitionKey, byte[] data) {
        KinesisRecord record = new KinesisRecord(Long.toString(nextSequence++) + "0000000000000000000000",
                partitionKey, data, Instant.ofEpochSecond(1_700_000_000L + nextSequence), "NONE");
        shards.get(shardId).add(record);
        return record;
    }

    /**
     * Deletes the stream and creates it again under the same name: the shards keep their ids but
     * lose their records, and the creation time moves on.
     */
    public synchronized void recreate() {
        shards.replaceAll((id, records) -> new ArrayList<>());
        shardInfos.replaceAll((id, s) -> new ShardInfo(id, s.parentShardId(), s.adjacentParentShardId(), null));
        created = created.plusSeconds(3600);
        generation.incrementAndGet();
    }

    /** Every iterator handed out so far stops working, as after five minutes. */
    void expireIterators() {
        generation.incrementAndGet();
    }

    @Override
    public CompletableFuture<String> streamArn(StreamRef stream) {
        return CompletableFuture.completedFuture("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream.name());
    }

    @Override
    public CompletableFuture<Instant> streamCreationTime(StreamRef stream) {
        return CompletableFuture.completedFuture(created);
    }

    @Override
    public synchronized CompletableFuture<ShardPage> listShards(StreamRef stream, String nextToken) {
        return CompletableFuture.completedFuture(new ShardPage(List.copyOf(shardInfos.values()), null));
    }

    @Override
    public synchronized CompletableFuture<String> shardIterator(StreamRef stream, String shardId, StartPosition position) {
        iteratorRequests.add(position);
        Throwable failure = iteratorFailures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        List<KinesisRecord> records = shards.get(shardId);
        if (records == null) {
            return CompletableFuture.failedFuture(ResourceNotFoundException.builder().message("no shard " + shardId).build());
        }
        int index = switch (position.type()) {
            case TRIM_HORIZON -> 0;
            case LATEST -> records.size();
            case AT_TIMESTAMP -> (int) records.stream().filter(r -> r.arrival().isBefore(position.timestamp())).count();
            case AT_SEQUENCE_NUMBER -> indexOf(records, position.sequenceNumber(), false);
            case AFTER_SEQUENCE_NUMBER -> indexOf(records, position.sequenceNumber(), true);
        };
        return CompletableFuture.completedFuture(shardId + ":" + index + ":" + generation.get());
    }

    private static int indexOf(List<KinesisRecord> records, String sequence, boolean after) {
        BigInteger target = new BigInteger(sequence);
        for (int i = 0; i < records.size(); i++) {
            int cmp = new BigInteger(records.get(i).sequenceNumber()).compareTo(target);
            if (after ? cmp > 0 : cmp >= 0) {
                return i;
            }
        }
        return records.size();
    }

    @Override
    public synchronized CompletableFuture<FetchResult> records(StreamRef stream, String iterator, int limit) {
        getRecordsCalls.incrementAndGet();
        getRecordsLimits.add(limit);
        Throwable failure = getRecordsFailures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        String[] parts = iterator.split(":");
        if (Integer.parseInt(parts[2]) != generation.get()) {
            return CompletableFuture.failedFuture(ExpiredIteratorException.builder().message("Iterator expired").build());
        }
        String shardId = parts[0];
        int from = Integer.parseInt(parts[1]);
        List<KinesisRecord> records = shards.get(shardId);
        int to = Math.min(records.size(), from + limit);
        List<KinesisRecord> page = List.copyOf(records.subList(from, to));
        boolean ended = shardInfos.get(shardId).isClosed() && to == records.size();
        String next = ended ? null : shardId + ":" + to + ":" + generation.get();
        long behind = to < records.size() ? 1000L : 0L;
        return CompletableFuture.completedFuture(new FetchResult(page, next, behind));
    }

    /** Events per subscription before the fake ends it, as Kinesis does after five minutes. */
    volatile int eventsPerSubscription = 3;
    final AtomicInteger subscriptions = new AtomicInteger();
    final List<StartPosition> subscribePositions = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<FanOutConsumer> registerConsumer(String streamArn, String consumerName) {
        return CompletableFuture.completedFuture(new FanOutConsumer(streamArn + "/consumer/" + consumerName, "ACTIVE"));
    }

    @Override
    public CompletableFuture<FanOutConsumer> describeConsumer(String streamArn, String consumerName) {
        return registerConsumer(streamArn, consumerName);
    }

    /**
     * Pushes up to 5 records per event, one event per request, from its own thread; ends the
     * subscription after {@link #eventsPerSubscription} events, or at a closed shard's end.
     */
    @Override
    public CompletableFuture<Void> subscribe(String consumerArn, String shardId, StartPosition position,
            Flow.Subscriber<FetchResult> subscriber) {
        subscriptions.incrementAndGet();
        subscribePositions.add(position);
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<String> start = shardIterator(new StreamRef("s", null), shardId, position);
        if (start.isCompletedExceptionally()) {
            return start.thenApply(x -> null);
        }
        int[] index = {Integer.parseInt(start.join().split(":")[1])};
        java.util.concurrent.ExecutorService pusher = java.util.concurrent.Executors.newSingleThreadExecutor();
        int[] sent = {0};
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                pusher.execute(() -> {
                    if (done.isDone()) {
                        return;
                    }
                    List<KinesisRecord> page;
                    boolean ended;
                    synchronized (FakeKinesisProxy.this) {
                        List<KinesisRecord> records = shards.get(shardId);
                        int to = Math.min(records.size(), index[0] + 5);
                        page = List.copyOf(records.subList(index[0], to));
                        index[0] = to;
                        ended = shardInfos.get(shardId).isClosed() && to == records.size();
                    }
                    String continuation = ended ? null
                            : page.isEmpty() ? null : page.get(page.size() - 1).sequenceNumber();
                    subscriber.onNext(new FetchResult(page, ended ? null : (continuation == null ? "0" : continuation), 0));
                    if (ended || ++sent[0] >= eventsPerSubscription) {
                        subscriber.onComplete();
                        done.complete(null);
                        pusher.shutdown();
                    }
                });
            }

            @Override
            public void cancel() {
                done.complete(null);
                pusher.shutdown();
            }
        });
        return done;
    }

    @Override
    public void close() {
    }
}
