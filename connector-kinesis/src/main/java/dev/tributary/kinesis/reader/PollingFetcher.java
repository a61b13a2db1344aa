package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.Deaggregated;
import dev.tributary.kinesis.kpl.KplDeaggregator;
import dev.tributary.kinesis.kpl.UserRecord;
import dev.tributary.kinesis.proxy.FetchResult;
import dev.tributary.kinesis.proxy.KinesisErrors;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.proxy.StreamRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a task's shards with GetRecords: one scheduler thread decides which shard to fetch next,
 * the calls run asynchronously on the SDK's threads, and at most {@code maxConcurrentFetches}
 * are in flight. There is no thread per shard, so one task serves hundreds of shards.
 *
 * <p>Per shard it keeps to Kinesis's limits (five calls a second, 2 MB a second): while behind it
 * fetches again as soon as those allow, and when caught up it waits {@code pollInterval}.
 * Throttling and server errors back off with jitter; an expired iterator is renewed after the last
 * record fetched; a shard that no longer exists counts as ended. Fetching pauses while the
 * {@link RecordBuffer} is full, which is how a slow Pulsar slows the reads.
 *
 * <p>A child shard is read only once every parent's end has been committed: ends committed
 * before the start come from the offsets given to the constructor, later ones through
 * {@link #onCommitted}.
 */
public final class PollingFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollingFetcher.class);
    private static final long TICK_MILLIS = 20;
    private static final long PARENT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final KinesisProxy proxy;
    private final ReaderSettings settings;
    private final RecordMapper mapper;
    private final KplDeaggregator deaggregator;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final List<ShardReader> readers = new ArrayList<>();
    private final Set<String> finishedShards = ConcurrentHashMap.newKeySet();
    private final RecordBuffer buffer;
    private volatile Throwable failure;
    private volatile boolean closed;
    private int inFlight;
    private int nextReader;

    /**
     * @param committed the committed offsets of this connector's partitions, at least those of the
     *     assigned shards and their parents
     */
    public PollingFetcher(KinesisProxy proxy, ReaderSettings settings, RecordMapper mapper, KplDeaggregator deaggregator,
            List<ShardAssignment> shards, Map<SourcePartition, SourceOffset> committed,
            ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        this.proxy = requireNonNull(proxy, "proxy is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.deaggregator = requireNonNull(deaggregator, "deaggregator is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.buffer = new RecordBuffer(settings.receiveQueueSize(), settings.receiveQueueBytes(),
                () -> scheduler.execute(this::tick));
        committed.forEach((partition, offset) -> {
            if (KinesisOffsets.isShardEnd(offset)) {
                finishedShards.add(shardKey(partition));
            }
        });
        for (ShardAssignment a : shards) {
            StreamRef stream = new StreamRef(a.stream(), a.streamArn().isEmpty() ? null : a.streamArn());
            SourcePartition partition = KinesisOffsets.partition(a.stream(), a.shardId());
            ShardReader reader = new ShardReader(stream, a.shardId(), partition,
                    a.waitFor().stream().map(p -> a.stream() + "/" + p).toList());
            SourceOffset offset = committed.get(partition);
            if (offset != null && KinesisOffsets.isShardEnd(offset)) {
                reader.state = ShardReader.State.ENDED;
            } else if (offset != null) {
                // Resume AT the committed record and skip what of it is done, so a resume inside a KPL aggregate is exact.
                reader.skipSequenceNumber = offset.getString(KinesisOffsets.SEQUENCE_NUMBER);
                reader.skipThroughSubSequence = offset.getLong(KinesisOffsets.SUB_SEQUENCE_NUMBER, 0);
                reader.lastSequenceNumber = reader.skipSequenceNumber;
                reader.lastSubSequence = reader.skipThroughSubSequence;
                reader.position = StartPosition.atSequence(reader.skipSequenceNumber);
                reader.state = ShardReader.State.NEEDS_ITERATOR;
            } else {
                // A child holds only records written after its parents closed: read it all.
                reader.position = a.child() ? StartPosition.trimHorizon() : settings.initialPosition();
                reader.state = reader.waitFor.isEmpty() ? ShardReader.State.NEEDS_ITERATOR : ShardReader.State.WAITING_FOR_PARENTS;
            }
            readers.add(reader);
        }
    }

    /** Starts fetching on the scheduler thread. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The next records, waiting up to {@code timeout}. Also returns the ends of shards read to the
     * end, each after that shard's last records.
     *
     * @throws KinesisReadException when a shard hit an error that retries cannot fix
     */
    public List<ShardBatch> poll(Duration timeout) throws InterruptedException {
        Throwable failed = failure;
        if (failed != null) {
            throw new KinesisReadException(KinesisErrors.describe(failed), failed);
        }
        return buffer.drain(timeout.toMillis());
    }

    /** Offsets the runtime has made durable; shard ends among them let children start. */
    public void onCommitted(Map<SourcePartition, SourceOffset> offsets) {
        offsets.forEach((partition, offset) -> {
            if (KinesisOffsets.isShardEnd(offset)) {
                finishedShards.add(shardKey(partition));
            }
        });
    }

    /** The shards of this task, for metrics: stream/shard, and the figures of each. */
    public Collection<ShardReader> shards() {
        return List.copyOf(readers);
    }

    private void tick() {
        if (closed || failure != null) {
            return;
        }
        try {
            long now = nanoTime.getAsLong();
            int count = readers.size();
            // Start where the last tick stopped, so no shard is starved when calls are capped.
            for (int i = 0; i < count && inFlight < settings.maxConcurrentFetches(); i++) {
                ShardReader reader = readers.get((nextReader + i) % count);
                if (!advance(reader, now)) {
                    nextReader = (nextReader + i) % count;
                    return;
                }
            }
            nextReader = count == 0 ? 0 : (nextReader + 1) % count;
        } catch (RuntimeException e) {
            LOG.error("the Kinesis fetcher failed", e);
            failure = e;
        }
    }

    /** Moves one shard along; returns false when the buffer is full, so no shard should fetch now. */
    private boolean advance(ShardReader reader, long now) {
        switch (reader.state) {
            case WAITING_FOR_PARENTS -> {
                if (now >= reader.nextFetchAtNanos) {
                    if (finishedShards.containsAll(reader.waitFor)) {
                        LOG.info("shard {}: every parent is finished and committed; reading it now", reader);
                        reader.state = ShardReader.State.NEEDS_ITERATOR;
                    } else {
                        reader.nextFetchAtNanos = now + PARENT_CHECK_NANOS;
                    }
                }
            }
            case NEEDS_ITERATOR -> {
                if (now >= reader.nextFetchAtNanos) {
                    requestIterator(reader);
                }
            }
            case READY -> {
                if (now >= reader.nextFetchAtNanos) {
                    int granted = buffer.reserve(settings.maxRecordsPerFetch());
                    if (granted == 0) {
                        return false;
                    }
                    requestRecords(reader, granted, now);
                }
            }
            default -> {
                // BUSY and ENDED shards wait for nothing here.
            }
        }
        return true;
    }

    private void requestIterator(ShardReader reader) {
        reader.state = ShardReader.State.BUSY;
        inFlight++;
        proxy.shardIterator(reader.stream, reader.shardId, reader.position).whenComplete((iterator, error) ->
                scheduler.execute(() -> {
                    inFlight--;
                    if (error != null) {
                        onError(reader, error, ShardReader.State.NEEDS_ITERATOR, 0);
                    } else if (iterator == null) {
                        // Kinesis gives no iterator for a closed shard that has been read to its end.
                        endShard(reader);
                    } else {
                        reader.iterator = iterator;
                        reader.consecutiveErrors = 0;
                        reader.state = ShardReader.State.READY;
                        reader.nextFetchAtNanos = 0;
                    }
                }));
    }

    private void requestRecords(ShardReader reader, int granted, long now) {
        reader.state = ShardReader.State.BUSY;
        inFlight++;
        proxy.records(reader.stream, reader.iterator, granted).whenComplete((result, error) -> {
            // Converting here, on the SDK's completion thread, keeps the scheduler thread free for others.
            ShardBatch batch = error == null ? toBatch(reader, result) : null;
            scheduler.execute(() -> {
                inFlight--;
                if (error != null) {
                    onError(reader, error, ShardReader.State.READY, granted);
                    return;
                }
                reader.consecutiveErrors = 0;
                reader.millisBehindLatest = result.millisBehindLatest();
                reader.fetchedRecords += result.records().size();
                reader.fetchedBytes += batch.bytes();
                if (!batch.records().isEmpty() || batch.endOffset() != null) {
                    buffer.add(batch, granted);
                } else {
                    buffer.cancel(granted);
                }
                if (result.shardEnded()) {
                    LOG.info("shard {} is read to its end", reader);
                    reader.state = ShardReader.State.ENDED;
                    return;
                }
                reader.iterator = result.nextIterator();
                reader.state = ShardReader.State.READY;
                reader.nextFetchAtNanos = nextFetchTime(now, result, batch.bytes());
            });
        });
    }

    /** When the shard may be fetched again: soon while behind, after the poll interval when caught up. */
    private long nextFetchTime(long callStart, FetchResult result, long bytes) {
        if (result.records().isEmpty() || result.millisBehindLatest() == 0) {
            return nanoTime.getAsLong() + settings.pollInterval().toNanos();
        }
        long byteSpacing = bytes * 1_000_000_000L / ReaderSettings.SHARD_BYTES_PER_SECOND;
        return callStart + Math.max(ReaderSettings.MIN_FETCH_SPACING.toNanos(), byteSpacing);
    }

    /** De-aggregates and maps a fetch's records, skipping what a resume point says is done. */
    private ShardBatch toBatch(ShardReader reader, FetchResult result) {
        List<SourceRecord> records = new ArrayList<>(result.records().size());
        long bytes = 0;
        for (KinesisRecord record : result.records()) {
            bytes += record.data().length;
            Deaggregated unpacked = deaggregator.deaggregate(record.data(), record.partitionKey());
            if (unpacked.hasProblem()) {
                LOG.warn("shard {}: record {} looks like a KPL aggregate but is not a valid one ({}); it is passed on as it is",
                        reader, record.sequenceNumber(), unpacked.problem());
            }
            int vsResume = reader.skipSequenceNumber == null ? 1
                    : KinesisOffsets.compare(record.sequenceNumber(), reader.skipSequenceNumber);
            for (UserRecord user : unpacked.records()) {
                // Before the resume point everything is in Pulsar; at it, the user records up to the committed subsequence.
                if (vsResume < 0 || (vsResume == 0 && user.subSequenceNumber() <= reader.skipThroughSubSequence)) {
                    continue;
                }
                records.add(mapper.map(reader.partition, reader.shardId, record, user, result.millisBehindLatest()));
                reader.lastSubSequence = user.subSequenceNumber();
            }
            if (vsResume >= 0) {
                reader.skipSequenceNumber = null;
                if (vsResume > 0) {
                    reader.lastSubSequence = unpacked.records().isEmpty() ? 0 : reader.lastSubSequence;
                }
            }
            reader.lastSequenceNumber = record.sequenceNumber();
        }
        SourceOffset end = result.shardEnded() ? endOffset(reader) : null;
        return new ShardBatch(reader.partition, records, result.records().size(), bytes, end);
    }

    private SourceOffset endOffset(ShardReader reader) {
        return KinesisOffsets.shardEnd(reader.lastSequenceNumber == null ? "0" : reader.lastSequenceNumber,
                reader.lastSubSequence);
    }

    /** Queues the shard's end with no records, so it is committed after those already queued. */
    private void endShard(ShardReader reader) {
        LOG.info("shard {} has ended", reader);
        buffer.add(new ShardBatch(reader.partition, List.of(), 0, 0, endOffset(reader)), 0);
        reader.state = ShardReader.State.ENDED;
    }

    private void onError(ShardReader reader, Throwable error, ShardReader.State retryState, int reserved) {
        buffer.cancel(reserved);
        KinesisErrors.Kind kind = KinesisErrors.classify(error);
        switch (kind) {
            case THROTTLED, TRANSIENT, IN_USE -> {
                reader.consecutiveErrors++;
                if (kind == KinesisErrors.Kind.THROTTLED) {
                    reader.throttles++;
                }
                Duration wait = backoff(reader.consecutiveErrors);
                if (reader.consecutiveErrors == 1 || reader.consecutiveErrors % 10 == 0) {
                    LOG.warn("shard {}: {} ({} in a row); retrying in {} ms", reader, KinesisErrors.describe(error),
                            reader.consecutiveErrors, wait.toMillis());
                }
                reader.state = retryState;
                reader.nextFetchAtNanos = nanoTime.getAsLong() + wait.toNanos();
            }
            case EXPIRED_ITERATOR -> {
                // Renew after the last record fetched, so nothing is read twice and nothing is skipped.
                reader.iteratorRenewals++;
                if (reader.lastSequenceNumber != null && reader.skipSequenceNumber == null) {
                    reader.position = StartPosition.afterSequence(reader.lastSequenceNumber);
                }
                LOG.info("shard {}: iterator expired; renewing it at {}", reader, reader.position);
                reader.state = ShardReader.State.NEEDS_ITERATOR;
                reader.nextFetchAtNanos = 0;
            }
            case NOT_FOUND -> {
                LOG.warn("shard {} no longer exists ({}); treating it as ended", reader, KinesisErrors.describe(error));
                endShard(reader);
            }
            default -> {
                LOG.error("shard {}: {}", reader, KinesisErrors.describe(error));
                failure = error;
                buffer.wakeUp();
            }
        }
    }

    /** {@code backoffTime}, doubled per consecutive error up to 16 times, with ±50% jitter. */
    private Duration backoff(int consecutiveErrors) {
        long base = settings.backoffTime().toMillis() << Math.min(4, consecutiveErrors - 1);
        long jittered = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
        return Duration.ofMillis(Math.max(1, jittered));
    }

    private static String shardKey(SourcePartition partition) {
        return partition.getString(KinesisOffsets.STREAM) + "/" + partition.getString(KinesisOffsets.SHARD);
    }

    /** Stops fetching and wakes a waiting poll. Calls in flight finish into the void. */
    @Override
    public void close() {
        closed = true;
        buffer.wakeUp();
    }
}
