package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what one source task does, for {@link MetricsRegistry#snapshots()}. Obtain it from
 * {@link MetricsRegistry#task}.
 *
 * <p>Threads: every method may be called from any thread, concurrently: the task thread, Pulsar's
 * I/O threads and the offset committer. The {@code record*} methods never block and do not
 * allocate, so they are safe on the data path; they never throw, and treat a negative argument
 * as zero rather than fail a record over a metric.
 *
 * <p>Latency summaries: the quantiles and {@code _max} cover a sliding window of the last 50 to
 * 60 seconds (six rotating 10-second HdrHistogram intervals), so they follow the present instead
 * of averaging over the task's life; {@code _count} and {@code _sum} are cumulative, as
 * Prometheus's {@code rate()} expects. Latencies are kept in microseconds to 3 significant
 * digits; values over 10 minutes count as 10 minutes in the quantiles and maximum, but with
 * their true value in {@code _sum}. An empty window gives {@code NaN} quantiles and a
 * {@code _max} of 0.
 */
public final class TaskMetrics {
    static final String POLL_CALLS = "tributary_task_poll_calls_total";
    static final String POLL_RECORDS = "tributary_task_poll_records_total";
    static final String POLL_RATE = "tributary_task_poll_rate";
    static final String RECORDS_WRITTEN = "tributary_task_records_written_total";
    static final String BYTES_WRITTEN = "tributary_task_bytes_written_total";
    static final String SEND_FAILURES = "tributary_task_send_failures_total";
    static final String RECORDS_SKIPPED = "tributary_task_records_skipped_total";
    static final String RECORDS_DEAD_LETTERED = "tributary_task_records_dead_lettered_total";
    static final String SEND_ACK_LATENCY = "tributary_task_send_ack_latency_seconds";
    static final String COMMIT_LATENCY = "tributary_task_offset_commit_latency_seconds";
    static final String COMMITS = "tributary_task_offset_commits_total";
    static final String QUEUE_DEPTH = "tributary_task_queue_depth";
    private static final String REASON_TOO_LARGE = "too_large";

    /** Every sample name a task emits, so that ad-hoc metrics cannot collide with them. */
    static final Set<String> SAMPLE_NAMES = Set.of(POLL_CALLS, POLL_RECORDS, POLL_RATE, RECORDS_WRITTEN,
            BYTES_WRITTEN, SEND_FAILURES, RECORDS_SKIPPED, RECORDS_DEAD_LETTERED, SEND_ACK_LATENCY,
            SEND_ACK_LATENCY + "_count", SEND_ACK_LATENCY + "_sum", SEND_ACK_LATENCY + "_max", COMMIT_LATENCY, COMMIT_LATENCY + "_count",
            COMMIT_LATENCY + "_sum", COMMIT_LATENCY + "_max", COMMITS, QUEUE_DEPTH);

    private static final Logger log = LoggerFactory.getLogger(TaskMetrics.class);

    private final String connector;
    private final int taskId;
    private final Labels labels;
    private final Labels tooLargeLabels;
    private final Labels successLabels;
    private final Labels failureLabels;
    private final LongAdder pollCalls = new LongAdder();
    private final LongAdder pollRecords = new LongAdder();
    private final MovingRate pollRate;
    private final LongAdder recordsWritten = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder skippedTooLarge = new LongAdder();
    private final LongAdder deadLetteredTooLarge = new LongAdder();
    private final LatencyWindow sendToAck;
    private final LatencyWindow commitLatency;
    private final LongAdder commitSuccesses = new LongAdder();
    private final LongAdder commitFailures = new LongAdder();
    private volatile LongSupplier queueDepth;

    TaskMetrics(String connector, int taskId, LongSupplier nanoTime) {
        this.connector = requireNonNull(connector, "connector is null");
        this.taskId = taskId;
        requireNonNull(nanoTime, "nanoTime is null");
        this.labels = Labels.of("connector", connector, "task", Integer.toString(taskId));
        this.tooLargeLabels = labels.add("reason", REASON_TOO_LARGE);
        this.successLabels = labels.add("result", "success");
        this.failureLabels = labels.add("result", "failure");
        this.pollRate = new MovingRate(nanoTime);
        this.sendToAck = new LatencyWindow(nanoTime, List.of(0.5, 0.99, 0.999));
        this.commitLatency = new LatencyWindow(nanoTime, List.of(0.5, 0.99));
    }

    public String connector() {
        return connector;
    }

    public int taskId() {
        return taskId;
    }

    /** One call to the task's {@code poll}, which returned {@code records} records (0 for none). */
    public void recordPoll(int records) {
        long count = Math.max(0, records);
        pollCalls.increment();
        pollRecords.add(count);
        pollRate.mark(count);
    }

    /** Pulsar acknowledged one record whose payload was {@code bytes} long. */
    public void recordWritten(int bytes) {
        recordsWritten.increment();
        bytesWritten.add(Math.max(0, bytes));
    }

    /** How long one record took from hand-off to the Pulsar producer until the broker's ack. */
    public void recordSendToAck(long nanos) {
        sendToAck.record(nanos);
    }

    /** Pulsar failed to take one record. */
    public void recordSendFailure() {
        sendFailures.increment();
    }

    /** One record was larger than Pulsar's maximum message size and was skipped, by the connector's policy. */
    public void recordSkippedTooLarge() {
        skippedTooLarge.increment();
    }

    /** One record too large for Pulsar's main topic was acknowledged by the dead-letter topic. */
    public void recordDeadLetteredTooLarge() {
        deadLetteredTooLarge.increment();
    }

    /** One offset commit, which took {@code nanos} and succeeded or failed; both count in the latency. */
    public void recordCommit(long nanos, boolean success) {
        commitLatency.record(nanos);
        if (success) {
            commitSuccesses.increment();
        } else {
            commitFailures.increment();
        }
    }

    /**
     * Where to read the number of records handed to Pulsar and not yet acknowledged. It is read at
     * scrape time, on the scraping thread, so it must be thread-safe and cheap; it replaces any
     * earlier supplier. Until one is set, the task has no queue-depth series.
     */
    public void setQueueDepth(LongSupplier queueDepth) {
        this.queueDepth = requireNonNull(queueDepth, "queueDepth is null");
    }

    void collect(MetricFamilies out) {
        out.counter(POLL_CALLS, "Calls to the source task's poll.", labels, pollCalls.sum());
        out.counter(POLL_RECORDS, "Records returned by the source task's poll.", labels, pollRecords.sum());
        out.gauge(POLL_RATE,
                "Records polled per second, as a one-minute moving rate; use rate() on the counter for alerts.",
                labels, pollRate.perSecond());
        out.counter(RECORDS_WRITTEN, "Records acknowledged by Pulsar.", labels, recordsWritten.sum());
        out.counter(BYTES_WRITTEN, "Payload bytes of the records acknowledged by Pulsar.", labels, bytesWritten.sum());
        out.counter(SEND_FAILURES, "Records that Pulsar failed to take.", labels, sendFailures.sum());
        out.counter(RECORDS_SKIPPED, "Records dropped by the connector's error policy, by reason.", tooLargeLabels,
                skippedTooLarge.sum());
        out.counter(RECORDS_DEAD_LETTERED, "Records written to the dead-letter topic instead of their own, by reason.",
                tooLargeLabels, deadLetteredTooLarge.sum());
        summary(out, SEND_ACK_LATENCY,
                "Seconds from handing a record to the Pulsar producer until the broker acknowledged it.",
                sendToAck.snapshot());
        summary(out, COMMIT_LATENCY, "Seconds one offset commit took, successful or not.", commitLatency.snapshot());
        String commitsHelp = "Offset commits, by result.";
        out.counter(COMMITS, commitsHelp, successLabels, commitSuccesses.sum());
        out.counter(COMMITS, commitsHelp, failureLabels, commitFailures.sum());
        LongSupplier depth = queueDepth;
        if (depth != null) {
            try {
                out.gauge(QUEUE_DEPTH, "Records handed to Pulsar and not yet acknowledged.", labels, depth.getAsLong());
            } catch (RuntimeException e) {
                // One broken supplier must not fail the whole scrape.
                log.warn("Queue depth of task {}-{} could not be read; the series is left out", connector, taskId, e);
            }
        }
    }

    private void summary(MetricFamilies out, String name, String help, LatencySnapshot snapshot) {
        out.summary(name, help, labels, snapshot);
        String max = name + "_max";
        out.gauge(max, "The largest value of " + name + " in the last minute.", labels, snapshot.maxSeconds());
    }
}
