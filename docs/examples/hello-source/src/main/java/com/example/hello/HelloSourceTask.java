package com.example.hello;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends one task's greetings. Greeting {@code n} of task {@code t} is a record with:
 * <ul>
 *   <li>the value {@code "<greeting> #n"}, in UTF-8;</li>
 *   <li>the key {@code task-t} and the property {@code hello.seq=n};</li>
 *   <li>the partition {@code {connector: <name>, task: t}} and the offset {@code {seq: n}}.</li>
 * </ul>
 *
 * <p>Threads: {@link #start} and {@link #poll} run on the task thread. {@link #stop} comes from
 * another thread and wakes a waiting {@code poll} at once.
 */
public final class HelloSourceTask implements SourceTask {
    static final String OFFSET_SEQ = "seq";
    static final String PROPERTY_SEQ = "hello.seq";
    static final String METRIC_SENT = "hello_greetings_total";

    /** With interval 0, the most greetings one poll returns: it bounds what the task holds at once. */
    private static final int MAX_BATCH = 100;

    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    // Read by the metrics scrape on another thread.
    private final LongAdder sent = new LongAdder();

    private SourcePartition partition;
    private String key;
    private String greeting;
    private long count;
    private Duration interval;
    private long nextSeq;
    private Instant nextDue;

    /** Created by {@link HelloSourceConnector#createTask()}. */
    public HelloSourceTask() {
        this(Clock.systemUTC());
    }

    /** A task on {@code clock}, so that a test moves time instead of sleeping. */
    HelloSourceTask(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The source partition of task {@code taskId} of connector {@code connector}. */
    static SourcePartition partition(String connector, int taskId) {
        return SourcePartition.of("connector", connector, "task", taskId);
    }

    @Override
    public void start(SourceTaskContext context) {
        Config config = HelloSourceConnector.SCHEMA.parse(context.config());
        greeting = config.getString(HelloSourceConnector.GREETING);
        count = config.getLong(HelloSourceConnector.COUNT);
        interval = config.getDuration(HelloSourceConnector.INTERVAL);
        partition = partition(context.connectorName(), context.taskId());
        key = "task-" + context.taskId();
        // A committed offset is a greeting that reached Pulsar: go on after it. A first start begins at 0.
        nextSeq = context.offsetReader().offset(partition).map(HelloSourceTask::after).orElse(0L);
        nextDue = clock.instant();
        context.metrics().counter(METRIC_SENT, "Greetings this task handed to the runtime since it started.",
                Map.of(), sent::doubleValue);
    }

    private static long after(SourceOffset offset) {
        long seq = offset.getLong(OFFSET_SEQ, -1);
        if (seq < 0) {
            throw new ConnectException("the committed offset " + offset + " has no '" + OFFSET_SEQ
                    + "' of 0 or more; reset this connector's offsets");
        }
        return seq + 1;
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
        Instant now = clock.instant();
        if (finished() || now.isBefore(nextDue)) {
            Duration wait = finished() ? timeout : min(timeout, Duration.between(now, nextDue));
            // Returns early when stop() is called. An empty list is fine: the runtime polls again.
            stopped.await(wait.toNanos(), TimeUnit.NANOSECONDS);
            return List.of();
        }
        long left = count == 0 ? Long.MAX_VALUE : count - nextSeq;
        int n = (int) Math.min(left, interval.isZero() ? MAX_BATCH : 1);
        List<SourceRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = nextSeq++;
            records.add(new SourceRecord(partition, SourceOffset.of(OFFSET_SEQ, seq), null, key,
                    (greeting + " #" + seq).getBytes(UTF_8), Map.of(PROPERTY_SEQ, Long.toString(seq)), now));
        }
        nextDue = now.plus(interval);
        sent.add(n);
        return records;
    }

    private boolean finished() {
        return count > 0 && nextSeq >= count;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void stop() {
        stopped.countDown();
    }
}
