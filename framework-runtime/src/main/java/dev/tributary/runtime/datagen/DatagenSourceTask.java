package dev.tributary.runtime.datagen;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Config;
import dev.tributary.api.connector.ConnectException;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Generates one task's share of the {@code datagen} connector's records.
 *
 * <p>Record {@code seq} of task {@code t} (seq counts 0, 1, 2, … per task, across restarts) has:
 * <ul>
 *   <li>the id {@code "t-seq"}, such as {@code "3-17"}, unique in the connector;</li>
 *   <li>the key {@code "key-" + (seq % key.cardinality)};</li>
 *   <li>a value of exactly {@code record.size} ASCII bytes ({@code large.record.size} for every
 *       {@code large.record.every}-th record) that starts with the id:
 *       {@code {"id":"3-17","pad":"xxxx…"}}, closed after the padding, or, when an id is too long
 *       for that, the bare id followed by spaces; {@link DatagenPayload#idOf} reads the id back;</li>
 *   <li>the properties {@code datagen.id} (the id), {@code datagen.task} ({@code t}) and
 *       {@code datagen.seq} ({@code seq});</li>
 *   <li>the time it was generated, from the task's clock, as its event time;</li>
 *   <li>the partition {@code {datagen: <connector name>, task: t}} and the offset {@code {seq: seq}}.</li>
 * </ul>
 *
 * <p>On start the task resumes after its partition's committed offset, so a restart leaves no gap;
 * the records generated after the last commit are generated again, with the same ids. Under a
 * {@code rate}, record {@code k} of a run is due {@code k / rate} seconds after the run started;
 * {@link #poll} returns up to {@code batch.size} records that are due, and waits for the next one
 * otherwise. Once the task has generated its {@code count} share it only waits out each poll.
 *
 * <p>Threads: as {@link SourceTask} says; {@link #stop} may be called from any thread and wakes a
 * waiting {@link #poll} at once.
 */
public final class DatagenSourceTask implements SourceTask {
    static final String PROPERTY_ID = "datagen.id";
    static final String PROPERTY_TASK = "datagen.task";
    static final String PROPERTY_SEQ = "datagen.seq";
    static final String OFFSET_SEQ = "seq";

    /** The longest single wait, so that a poll notices a changed clock soon. */
    private static final Duration LONGEST_WAIT = Duration.ofMillis(100);
    /** The shortest wait for a due time, so that rounding at that time cannot spin the loop. */
    private static final Duration SHORTEST_WAIT = Duration.ofMillis(1);
    /** Caps a poll's timeout, so that adding it to the clock's time cannot overflow. */
    private static final Duration LONGEST_POLL = Duration.ofDays(1);

    private final Clock clock;
    private final Sleeper sleeper;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private SourcePartition partition;
    private String taskText;
    private int recordSize;
    private long largeEvery;
    private int largeSize;
    private int keyCardinality;
    private int batchSize;
    private long countShare;
    private RateSchedule schedule;
    private Instant runStart;
    private long runFirstSeq;
    private long nextSeq;

    /** A task on the system clock; the runtime creates it through {@link DatagenSourceConnector#createTask()}. */
    public DatagenSourceTask() {
        this(Clock.systemUTC());
    }

    /** A task whose rate and event times follow {@code clock}. */
    DatagenSourceTask(Clock clock) {
        this(clock, Sleeper.REAL);
    }

    /** A task whose waits go through {@code sleeper}, so that a test can move a fake clock instead. */
    DatagenSourceTask(Clock clock, Sleeper sleeper) {
        this.clock = requireNonNull(clock, "clock is null");
        this.sleeper = requireNonNull(sleeper, "sleeper is null");
    }

    /** The source partition of task {@code taskIndex} of connector {@code connectorName}. */
    static SourcePartition partition(String connectorName, int taskIndex) {
        return SourcePartition.of("datagen", connectorName, "task", taskIndex);
    }

    @Override
    public void start(SourceTaskContext context) {
        requireNonNull(context, "context is null");
        String connectorName = requireNonNull(context.connectorName(), "connector name is null");
        Config config = DatagenConfig.TASK_SCHEMA.parse(context.config());
        int taskIndex = config.getInt(DatagenConfig.TASK_INDEX);
        taskText = Integer.toString(taskIndex);
        recordSize = config.getInt(DatagenConfig.RECORD_SIZE);
        largeEvery = config.getLong(DatagenConfig.LARGE_RECORD_EVERY);
        largeSize = config.getInt(DatagenConfig.LARGE_RECORD_SIZE);
        keyCardinality = config.getInt(DatagenConfig.KEY_CARDINALITY);
        batchSize = config.getInt(DatagenConfig.BATCH_SIZE);
        countShare = config.getLong(DatagenConfig.COUNT);
        schedule = new RateSchedule(config.getDouble(DatagenConfig.RATE));
        partition = partition(connectorName, taskIndex);
        nextSeq = context.offsetReader().offset(partition).map(offset -> resumeAfter(offset, taskIndex)).orElse(0L);
        runFirstSeq = nextSeq;
        runStart = clock.instant();
    }

    private static long resumeAfter(SourceOffset offset, int taskIndex) {
        long seq;
        try {
            seq = offset.getLong(OFFSET_SEQ, -1);
        } catch (IllegalStateException e) {
            seq = -1;
        }
        if (seq < 0) {
            throw new ConnectException("the committed offset of datagen task " + taskIndex + " is " + offset
                    + ", which has no sequence number 'seq' of 0 or more; reset the connector's offsets");
        }
        return seq + 1;
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
        requireNonNull(timeout, "timeout is null");
        if (schedule == null) {
            throw new IllegalStateException("poll was called before start");
        }
        Instant now = clock.instant();
        Instant deadline = now.plus(timeout.isNegative() ? Duration.ZERO : min(timeout, LONGEST_POLL));
        while (stopped.getCount() > 0) {
            long elapsed = nanosSinceRunStart(now);
            int ready = ready(elapsed);
            if (ready > 0) {
                return generate(ready, now);
            }
            Duration left = Duration.between(now, deadline);
            if (left.isNegative() || left.isZero()) {
                return List.of();
            }
            Duration wait = min(left, LONGEST_WAIT);
            if (!finished()) {
                long untilDue = schedule.dueAtNanos(nextSeq - runFirstSeq) - elapsed;
                wait = min(wait, max(SHORTEST_WAIT, Duration.ofNanos(untilDue)));
            }
            sleeper.sleep(wait, stopped);
            now = clock.instant();
        }
        return List.of();
    }

    /** How many records may be generated now: due under the rate, left in the count share, within a batch. */
    private int ready(long elapsedNanos) {
        long leftInShare = countShare == 0 ? Long.MAX_VALUE : countShare - nextSeq;
        if (leftInShare <= 0) {
            return 0;
        }
        long due = schedule.dueCount(elapsedNanos) - (nextSeq - runFirstSeq);
        return (int) Math.min(batchSize, Math.min(leftInShare, Math.max(0, due)));
    }

    private boolean finished() {
        return countShare > 0 && nextSeq >= countShare;
    }

    private List<SourceRecord> generate(int n, Instant now) {
        List<SourceRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = nextSeq++;
            String seqText = Long.toString(seq);
            String id = taskText + "-" + seqText;
            records.add(new SourceRecord(partition, SourceOffset.of(OFFSET_SEQ, seq), null,
                    "key-" + (seq % keyCardinality), DatagenPayload.encode(id, sizeOf(seq)),
                    Map.of(PROPERTY_ID, id, PROPERTY_TASK, taskText, PROPERTY_SEQ, seqText), now));
        }
        return records;
    }

    /** The value size of record {@code seq}: large for every {@code large.record.every}-th. */
    private int sizeOf(long seq) {
        return largeEvery > 0 && (seq + 1) % largeEvery == 0 ? largeSize : recordSize;
    }

    private long nanosSinceRunStart(Instant now) {
        Duration elapsed = Duration.between(runStart, now);
        if (elapsed.isNegative()) {
            return 0;
        }
        try {
            return elapsed.toNanos();
        } catch (ArithmeticException e) {
            // Only after some 292 years of running: every record is due long since.
            return Long.MAX_VALUE;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public void stop() {
        stopped.countDown();
    }
}
