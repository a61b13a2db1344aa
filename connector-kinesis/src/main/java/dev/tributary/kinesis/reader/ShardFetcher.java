package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.metrics.PluginMetrics;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.Deaggregated;
import dev.tributary.kinesis.kpl.KplDeaggregator;
import dev.tributary.kinesis.kpl.UserRecord;
import dev.tributary.kinesis.proxy.FetchResult;
import dev.tributary.kinesis.proxy.KinesisErrors;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.proxy.StreamRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the two ways of reading shards share: the shards' states and resume points, the bounded
 * {@link RecordBuffer}, KPL de-aggregation and record mapping, shard ends, and the rule that a
 * child shard is read only once every parent's end is committed (ends committed before the start
 * come from the offsets given to the constructor, later ones through {@link #onCommitted}).
 *
 * <p>Subclasses mutate shard state on the {@code scheduler} thread only.
 */
public abstract class ShardFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardFetcher.class);
    static final long PARENT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    final ReaderSettings settings;
    final RecordMapper mapper;
    final KplDeaggregator deaggregator;
    final ScheduledExecutorService scheduler;
    final LongSupplier nanoTime;
    final List<ShardReader> readers = new ArrayList<>();
    final Set<String> finishedShards = ConcurrentHashMap.newKeySet();
    final RecordBuffer buffer;
    volatile Throwable failure;
    volatile boolean closed;

    /**
     * @param committed the committed offsets of this connector's partitions, at least those of the
     *     assigned shards and their parents
     */
    ShardFetcher(ReaderSettings settings, RecordMapper mapper, KplDeaggregator deaggregator,
            List<ShardAssignment> shards, Map<SourcePartition, SourceOffset> committed,
            ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        this.settings = requireNonNull(settings, "settings is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.deaggregator = requireNonNull(deaggregator, "deaggregator is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.buffer = new RecordBuffer(settings.receiveQueueSize(), settings.receiveQueueBytes(),
                settings.maxRecordsPerFetch(), 2 * settings.maxRecordsPerFetch(), nanoTime,
                () -> scheduler.execute(this::onSpace));
        Map<String, Long> createdAt = new HashMap<>();
        Set<String> open = new HashSet<>();
        shards.forEach(a -> {
            createdAt.put(a.stream(), a.streamCreatedAt());
            if (a.open()) {
                open.add(a.stream() + "/" + a.shardId());
            }
        });
        committed.forEach((partition, offset) -> {
            long created = createdAt.getOrDefault(partition.getString(KinesisOffsets.STREAM), KinesisOffsets.UNKNOWN_CREATION);
            if (KinesisOffsets.isShardEnd(offset)
                    && !KinesisOffsets.isOfAnotherStream(offset, created, open.contains(shardKey(partition)))) {
                finishedShards.add(shardKey(partition));
            }
        });
        for (ShardAssignment a : shards) {
            StreamRef stream = new StreamRef(a.stream(), a.streamArn().isEmpty() ? null : a.streamArn());
            SourcePartition partition = KinesisOffsets.partition(a.stream(), a.shardId());
            ShardReader reader = new ShardReader(stream, a.shardId(), partition,
                    a.waitFor().stream().map(p -> a.stream() + "/" + p).toList(), a.streamCreatedAt());
            SourceOffset offset = committed.get(partition);
            boolean recreated = offset != null && KinesisOffsets.isOfAnotherStream(offset, a.streamCreatedAt(), a.open());
            if (recreated) {
                long was = offset.getLong(KinesisOffsets.STREAM_CREATED_AT, KinesisOffsets.UNKNOWN_CREATION);
                LOG.warn("shard {}: its committed offset {} is of an earlier stream of that name ({}), not of this one"
                        + " (created at {}); reading this stream's shard from its start (TRIM_HORIZON)", reader, offset,
                        was == KinesisOffsets.UNKNOWN_CREATION ? "it ends a shard that is open now"
                                : "created at " + Instant.ofEpochMilli(was),
                        a.streamCreatedAt() == KinesisOffsets.UNKNOWN_CREATION ? "an unknown time"
                                : Instant.ofEpochMilli(a.streamCreatedAt()));
                offset = null;
            }
            Optional<StartPosition> start = offset == null ? Optional.empty() : KinesisOffsets.startPosition(offset);
            if (offset != null && KinesisOffsets.isShardEnd(offset)) {
                reader.state = ShardReader.State.ENDED;
            } else if (start.isPresent()) {
                // No record delivered yet, and a start chosen for this shard (an imported KCL start sentinel).
                reader.position = start.get();
                reader.state = reader.waitFor.isEmpty() ? ShardReader.State.NEEDS_ITERATOR : ShardReader.State.WAITING_FOR_PARENTS;
            } else if (offset != null) {
                // Resume AT the committed record and skip what of it is done, so a resume inside a KPL aggregate is exact.
                reader.skipSequenceNumber = offset.getString(KinesisOffsets.SEQUENCE_NUMBER);
                reader.skipThroughSubSequence = offset.getLong(KinesisOffsets.SUB_SEQUENCE_NUMBER, 0);
                reader.lastSequenceNumber = reader.skipSequenceNumber;
                reader.lastSubSequence = reader.skipThroughSubSequence;
                reader.position = StartPosition.atSequence(reader.skipSequenceNumber);
                reader.state = ShardReader.State.NEEDS_ITERATOR;
            } else {
                // A child holds only records written after its parents closed, and a recreated stream's shard only
                // records written after the offsets were: read it all.
                reader.position = a.child() || recreated ? StartPosition.trimHorizon() : settings.initialPosition();
                reader.state = reader.waitFor.isEmpty() ? ShardReader.State.NEEDS_ITERATOR : ShardReader.State.WAITING_FOR_PARENTS;
            }
            readers.add(reader);
        }
    }

    /**
     * Reports each shard's lag, records and bytes fetched, throttles and iterator renewals
     * (subscription renewals with fan-out), labelled by stream and shard.
     */
    public void registerMetrics(PluginMetrics metrics) {
        for (ShardReader r : readers) {
            Map<String, String> labels = Map.of("stream", r.stream.name(), "shard", r.shardId);
            metrics.gauge("kinesis_shard_millis_behind_latest", "How far the last fetch was behind the tip of the shard.",
                    labels, () -> r.millisBehindLatest);
            metrics.counter("kinesis_shard_records_fetched_total", "Kinesis records fetched from the shard.",
                    labels, () -> r.fetchedRecords);
            metrics.counter("kinesis_shard_bytes_fetched_total", "Payload bytes fetched from the shard.",
                    labels, () -> r.fetchedBytes);
            metrics.counter("kinesis_shard_throttles_total", "Calls Kinesis throttled for the shard.",
                    labels, () -> r.throttles);
            metrics.counter("kinesis_shard_iterator_renewals_total",
                    "Expired iterators renewed (or fan-out subscriptions renewed) for the shard.", labels, () -> r.iteratorRenewals);
        }
    }

    /** Starts reading; shard work then runs on the scheduler thread. */
    public abstract void start();

    /** The buffer has room again: resume reading shards that paused for it. */
    abstract void onSpace();

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

    /**
     * Whether a shard waiting for its parents may start; if not, it is checked again in a while.
     * Called on the scheduler thread.
     */
    boolean parentsFinished(ShardReader reader, long now) {
        if (now < reader.nextFetchAtNanos) {
            return false;
        }
        if (finishedShards.containsAll(reader.waitFor)) {
            LOG.info("shard {}: every parent is finished and committed; reading it now", reader);
            return true;
        }
        reader.nextFetchAtNanos = now + PARENT_CHECK_NANOS;
        return false;
    }

    /** De-aggregates and maps a fetch's records, skipping what a resume point says is done. */
    ShardBatch toBatch(ShardReader reader, FetchResult result) {
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
                records.add(mapper.map(reader.partition, reader.shardId, record, user, result.millisBehindLatest(),
                        reader.streamCreatedAt));
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

    SourceOffset endOffset(ShardReader reader) {
        return KinesisOffsets.shardEnd(reader.lastSequenceNumber == null ? "0" : reader.lastSequenceNumber,
                reader.lastSubSequence, reader.streamCreatedAt);
    }

    /** Queues the shard's end with no records, so it is committed after those already queued. */
    void endShard(ShardReader reader) {
        LOG.info("shard {} has ended", reader);
        buffer.add(new ShardBatch(reader.partition, List.of(), 0, 0, endOffset(reader)), 0);
        reader.state = ShardReader.State.ENDED;
    }

    /** Stops everything: a retry cannot fix {@code error}. The next poll throws it. */
    void fail(ShardReader reader, Throwable error) {
        LOG.error("shard {}: {}", reader, KinesisErrors.describe(error));
        failure = error;
        buffer.wakeUp();
    }

    /** {@code backoffTime}, doubled per consecutive error up to 16 times, with ±50% jitter. */
    Duration backoff(int consecutiveErrors) {
        long base = settings.backoffTime().toMillis() << Math.min(4, consecutiveErrors - 1);
        long jittered = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
        return Duration.ofMillis(Math.max(1, jittered));
    }

    static String shardKey(SourcePartition partition) {
        return partition.getString(KinesisOffsets.STREAM) + "/" + partition.getString(KinesisOffsets.SHARD);
    }

    /** Stops reading and wakes a waiting poll. Calls in flight finish into the void. */
    @Override
    public void close() {
        closed = true;
        buffer.wakeUp();
    }
}
