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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a task's shards with GetRecords: one scheduler thread decides which shard to fetch next,
 * the calls run asynchronously on the SDK's threads, and at most {@code maxConcurrentFetches}
 * are in flight. There is no thread per shard, so one task serves hundreds of shards. Each call
 * asks for as many records as fit in {@code maxBytesPerFetch} by the sizes the shard's records
 * had so far ({@link FetchSizer}), up to {@code maxRecordsPerFetch}.
 *
 * <p>Per shard it keeps to Kinesis's limits (five calls a second, 2 MB a second), unless
 * {@code paceShardReads} is off: while behind it fetches again as soon as those allow; when
 * caught up it calls once a {@code pollInterval} (a busy shard whose records of one interval do not
 * fit in one call, once an even share of it, {@link CallSpacing}), at its own place in that period
 * so that the task's shards do not call together ({@link #onShardGrid}); it doubles
 * the wait while the shard stays idle, up to four times {@code pollInterval}, and an idle shard's
 * call waits for the next point of a grid that all idle shards share ({@link #onIdleGrid}). Throttling and
 * server errors back off with jitter; an expired iterator is renewed after the last record
 * fetched; a shard that no longer exists counts as ended. Fetching pauses while the
 * {@link RecordBuffer} is full, which is how a slow Pulsar slows the reads, and while the records
 * waiting in it would last the task two fetch round trips (the smoothed time from a call's start to
 * its records in the buffer), which keeps a buffer that Pulsar drains slowly from sitting full.
 */
public final class PollingFetcher extends ShardFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(PollingFetcher.class);
    private static final long TICK_MILLIS = 20;
    private static final int MAX_IDLE_DOUBLINGS = 2;

    private final KinesisProxy proxy;
    /** The grid idle shards' next calls are put on ({@link #onIdleGrid}). */
    private final long idleGridNanos;
    private int inFlight;
    private int nextReader;
    /** The record size the task's last response showed: where a shard not yet fetched starts. */
    private long taskRecordBytes;
    /** Where the grids of caught-up calls start ({@link #onShardGrid}). */
    private final long gridEpochNanos;
    /** How long a GetRecords call that returned records took to reach the buffer, smoothed; 0 before the first. */
    private long fetchNanos;

    public PollingFetcher(KinesisProxy proxy, ReaderSettings settings, RecordMapper mapper, KplDeaggregator deaggregator,
            List<ShardAssignment> shards, Map<SourcePartition, SourceOffset> committed,
            ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        super(settings, mapper, deaggregator, shards, committed, scheduler, nanoTime);
        this.proxy = requireNonNull(proxy, "proxy is null");
        this.idleGridNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS), settings.pollInterval().toNanos() / 4);
        this.gridEpochNanos = nanoTime.getAsLong();
        for (int i = 0; i < readers.size(); i++) {
            readers.get(i).callPhase = (double) i / readers.size();
        }
    }

    @Override
    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    void onSpace() {
        tick();
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
                if (parentsFinished(reader, now)) {
                    reader.state = ShardReader.State.NEEDS_ITERATOR;
                }
            }
            case NEEDS_ITERATOR -> {
                if (now >= reader.nextFetchAtNanos) {
                    requestIterator(reader);
                }
            }
            case READY -> {
                if (now >= reader.nextFetchAtNanos) {
                    boolean behind = reader.idleFetches == 0 && reader.millisBehindLatest > 0;
                    int granted = buffer.reserve(reader.sizer.recordsToAsk(settings, behind, taskRecordBytes), fetchNanos);
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
            // Converting here, on the thread that completed the call (an event loop of the HTTP
            // client), keeps the scheduler thread free for others.
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
                long recordBytes = reader.sizer.observe(result.records());
                if (recordBytes > 0) {
                    taskRecordBytes = recordBytes;
                }
                if (!result.records().isEmpty()) {
                    long took = nanoTime.getAsLong() - now;
                    fetchNanos = fetchNanos == 0 ? took : (4 * fetchNanos + took) / 5;
                }
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
                reader.nextFetchAtNanos = nextFetchTime(reader, now, result, batch.bytes());
            });
        });
    }

    /**
     * When the shard may be fetched again: soon while behind; when caught up, at its next place on
     * its grid of the poll interval, or of an even share of it for a shard one call per interval
     * cannot carry ({@link CallSpacing}, {@link #onShardGrid}); after a growing interval while idle.
     */
    private long nextFetchTime(ShardReader reader, long callStart, FetchResult result, long bytes) {
        int records = result.records().size();
        if (records == 0 || result.millisBehindLatest() == 0) {
            long cycleRecords = reader.cycleRecords + records;
            long cycleNanos = reader.caughtUpCallStartNanos == 0 ? 0 : callStart - reader.caughtUpCallStartNanos;
            reader.caughtUpCallStartNanos = callStart;
            reader.cycleRecords = 0;
            reader.idleFetches = records == 0 ? reader.idleFetches + 1 : 0;
            long pollInterval = settings.pollInterval().toNanos();
            if (records == 0) {
                int doublings = Math.min(MAX_IDLE_DOUBLINGS, Math.max(0, reader.idleFetches - 1));
                return onIdleGrid(nanoTime.getAsLong() + (pollInterval << doublings));
            }
            long share = CallSpacing.caughtUpWait(pollInterval, cycleRecords, cycleNanos,
                    reader.sizer.recordsToAsk(settings, false, taskRecordBytes));
            long period = Math.max(1, Math.min(pollInterval, share));
            return Math.max(onShardGrid(reader, callStart + period / 2, period), callStart + pacedSpacing(bytes));
        }
        reader.idleFetches = 0;
        reader.cycleRecords += records;
        return callStart + pacedSpacing(bytes);
    }

    /** The least time between the starts of a shard's calls that Kinesis's limits ask for, or 0 when not pacing. */
    private long pacedSpacing(long bytes) {
        if (!settings.paceShardReads()) {
            return 0;
        }
        long byteSpacing = bytes * 1_000_000_000L / ReaderSettings.SHARD_BYTES_PER_SECOND;
        return Math.max(ReaderSettings.MIN_FETCH_SPACING.toNanos(), byteSpacing);
    }

    /**
     * The first point at or after {@code earliest} of the shard's own grid for caught-up calls: every
     * {@code period} (the poll interval, or its even share from {@link CallSpacing}), offset by the
     * shard's {@link ShardReader#callPhase} of a period. Called from half a period after its last
     * call's start, a shard keeps to one call a period, and the task's shards keep their places
     * in it: shards started together no longer call together, and their responses, up to a call's
     * worth of records each, do not reach the buffer at once to wait behind each other (section 4
     * of BENCHMARKS.md). A shard's first call on its grid may come as soon as half a period after
     * the previous one, or as late as one and a half; with {@code paceShardReads} on, Kinesis's
     * limits still bound it.
     */
    private long onShardGrid(ShardReader reader, long earliest, long period) {
        long offset = gridEpochNanos + (long) (reader.callPhase * period);
        long periods = Math.floorDiv(earliest - offset + period - 1, period);
        return offset + periods * period;
    }

    /**
     * {@code due}, put off to the next point of a grid of a quarter {@code pollInterval} (at least a
     * tick) that every shard of the JVM shares: idle shards' calls then go out together, and one
     * wake-up of this fetcher and of the HTTP client's event loops serves many of them, which
     * takes about 40% off the CPU of an idle call (BENCHMARKS.md, notes). A record
     * arriving on an idle shard waits at most a quarter interval longer. Shards with records are
     * not put on it: their responses arriving together would queue their records behind each
     * other.
     */
    private long onIdleGrid(long due) {
        long offset = Math.floorMod(due, idleGridNanos);
        return offset == 0 ? due : due + (idleGridNanos - offset);
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
            default -> fail(reader, error);
        }
    }
}
