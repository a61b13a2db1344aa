package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.RetriableException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.api.metrics.PluginMetrics;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.metrics.TaskMetrics;
import dev.tributary.runtime.metrics.TaskPluginMetrics;
import dev.tributary.runtime.offsets.ConnectorOffsets;
import dev.tributary.runtime.offsets.OffsetTracker;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.RecordTooLargePolicy;
import dev.tributary.runtime.sink.RecordTooLargeException;
import dev.tributary.runtime.sink.RecordWriter;
import dev.tributary.runtime.sink.TransactionalOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task on a worker thread: polls it, hands each record to Pulsar, tracks
 * acknowledgements for the committer, and restarts the task with backoff when it fails.
 *
 * <p>A record larger than Pulsar's maximum message size is handled as the connector's
 * {@code errors.record.too.large} says: fail (the task fails and its offset stays before the
 * record), skip (counted as acknowledged without being written) or dead-letter (counted as
 * acknowledged once the dead-letter topic has it; a failure there fails the task). Records after
 * it may be acknowledged first, but the {@link OffsetTracker} commits only the contiguous
 * acknowledged prefix, so no committed offset passes a record still being handled.
 *
 * <p>Threads: {@link #run()} on a worker-pool thread; {@link #stop}, {@link #pause},
 * {@link #resume} and {@link #status} from any thread. Pulsar acknowledgements arrive on Pulsar's
 * I/O threads.
 */
final class TaskRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Properties added to a record sent to the dead-letter topic, saying why and where from. */
    static final String ERROR_REASON = "tributary.error.reason";
    static final String ERROR_TOPIC = "tributary.error.topic";
    static final String ERROR_PARTITION = "tributary.error.partition";
    static final String ERROR_OFFSET = "tributary.error.offset";
    static final String ERROR_CONNECTOR = "tributary.error.connector";
    static final String ERROR_TASK = "tributary.error.task";
    static final String ERROR_SIZE = "tributary.error.size.bytes";
    static final String ERROR_LIMIT = "tributary.error.limit.bytes";
    static final String REASON_TOO_LARGE = "too_large";

    private final String connector;
    private final int id;
    private final Map<String, String> taskConfig;
    private final SourceConnector plugin;
    private final TaskOutput output;
    private final ConnectorOffsets offsets;
    private final TaskMetrics metrics;
    private final MetricsRegistry metricsRegistry;
    private final RestartPolicy restartPolicy;
    private final Duration shutdownTimeout;
    private final Clock clock;
    private final String workerId;
    private final UnaryOperator<String> redact;
    /** How long one transaction lasts under exactly-once: the connector's commit interval, read at each commit. */
    private final Supplier<Duration> commitInterval;

    private final CountDownLatch finished = new CountDownLatch(1);
    // Whoever sets it first owns the task's one life: run() to run it, stop() to end it before it ran.
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final Object stateLock = new Object();
    private volatile boolean stopRequested;
    private volatile boolean paused;
    private volatile SourceTask current;
    private State state = State.UNASSIGNED;
    private String trace = "waiting for a free worker thread";

    TaskRunner(String connector, int id, Map<String, String> taskConfig, SourceConnector plugin,
            Supplier<RecordWriter> writers, ConnectorOffsets offsets, MetricsRegistry metricsRegistry,
            RestartPolicy restartPolicy, Duration shutdownTimeout, Clock clock, String workerId) {
        this(connector, id, taskConfig, plugin, TaskOutput.failingOnTooLarge(writers), offsets, metricsRegistry,
                restartPolicy, shutdownTimeout, clock, workerId, UnaryOperator.identity());
    }

    /**
     * @param output the task's writers and its policy for records too large for Pulsar
     * @param redact hides the connector's secrets in error summaries before they are logged or
     *     shown, in case a plugin's exception message holds one
     */
    TaskRunner(String connector, int id, Map<String, String> taskConfig, SourceConnector plugin,
            TaskOutput output, ConnectorOffsets offsets, MetricsRegistry metricsRegistry,
            RestartPolicy restartPolicy, Duration shutdownTimeout, Clock clock, String workerId,
            UnaryOperator<String> redact) {
        this(connector, id, taskConfig, plugin, output, offsets, metricsRegistry, restartPolicy, shutdownTimeout, clock,
                workerId, redact, () -> Duration.ofSeconds(1));
    }

    /**
     * @param commitInterval under exactly-once ({@link TaskOutput#exactlyOnce()}), how long each
     *     transaction stays open before the task commits it; read at each commit
     */
    TaskRunner(String connector, int id, Map<String, String> taskConfig, SourceConnector plugin,
            TaskOutput output, ConnectorOffsets offsets, MetricsRegistry metricsRegistry,
            RestartPolicy restartPolicy, Duration shutdownTimeout, Clock clock, String workerId,
            UnaryOperator<String> redact, Supplier<Duration> commitInterval) {
        this.commitInterval = requireNonNull(commitInterval, "commitInterval is null");
        this.redact = requireNonNull(redact, "redact is null");
        this.connector = requireNonNull(connector, "connector is null");
        this.id = id;
        this.taskConfig = Map.copyOf(taskConfig);
        this.plugin = requireNonNull(plugin, "plugin is null");
        this.output = requireNonNull(output, "output is null");
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.metricsRegistry = requireNonNull(metricsRegistry, "metricsRegistry is null");
        this.metrics = metricsRegistry.task(connector, id);
        this.restartPolicy = requireNonNull(restartPolicy, "restartPolicy is null");
        this.shutdownTimeout = requireNonNull(shutdownTimeout, "shutdownTimeout is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.workerId = requireNonNull(workerId, "workerId is null");
    }

    int id() {
        return id;
    }

    Map<String, String> taskConfig() {
        return taskConfig;
    }

    TaskStatus status() {
        synchronized (stateLock) {
            return new TaskStatus(id, state, trace, workerId);
        }
    }

    @Override
    public void run() {
        if (!claimed.compareAndSet(false, true)) {
            return;
        }
        String threadName = Thread.currentThread().getName();
        Thread.currentThread().setName("task-" + connector + "-" + id);
        try {
            runWithRestarts();
        } finally {
            Thread.currentThread().setName(threadName);
            finished.countDown();
        }
    }

    private void runWithRestarts() {
        int failures = 0;
        while (!stopRequested) {
            Instant started = clock.instant();
            Throwable failure = output.exactlyOnce() ? runOnceExactlyOnce() : runOnce();
            if (failure == null || stopRequested) {
                break;
            }
            if (fenced(failure)) {
                // A newer copy of this task runs elsewhere; starting again here would fence it in turn.
                String summary = summary(failure);
                LOG.error("task {}-{} was fenced and will not be restarted here: {}", connector, id, summary);
                setState(State.FAILED, summary);
                return;
            }
            if (Duration.between(started, clock.instant()).compareTo(RestartPolicy.HEALTHY_RUN) >= 0) {
                failures = 0;
            }
            failures++;
            String summary = summary(failure);
            if (failures > restartPolicy.maxAttempts()) {
                LOG.error("task {}-{} failed and will not be restarted ({} restarts allowed): {}", connector, id,
                        restartPolicy.maxAttempts(), summary);
                setState(State.FAILED, summary);
                return;
            }
            Duration backoff = restartPolicy.backoff(failures);
            LOG.warn("task {}-{} failed; restart {} of {} in {} ms: {}", connector, id, failures,
                    restartPolicy.maxAttempts(), backoff.toMillis(), summary);
            setState(State.RESTARTING, "restart " + failures + " of " + restartPolicy.maxAttempts() + " in "
                    + backoff.toMillis() + " ms after: " + summary);
            if (!sleepUnlessStopped(backoff)) {
                break;
            }
        }
        setState(State.STOPPED, null);
    }

    /** One life of the task, from start to stop or failure. Returns the failure, or null. */
    private Throwable runOnce() {
        SourceTask task = plugin.createTask();
        current = task;
        OffsetTracker tracker = new OffsetTracker();
        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
        Context context = new Context(offsets, new TaskPluginMetrics(metricsRegistry, connector, id));
        Consumer<Map<SourcePartition, SourceOffset>> committed = task::onOffsetsCommitted;
        RecordWriter writer = null;
        TooLargeRecords tooLarge = new TooLargeRecords(sendFailure, output.deadLetterWriters());
        boolean started = false;
        try {
            writer = output.writers().get();
            offsets.register(tracker, ConnectorOffsets.taskScope(id));
            offsets.addCommitListener(committed);
            metrics.setQueueDepth(tracker::inFlight);
            task.start(context);
            started = true;
            setState(paused ? State.PAUSED : State.RUNNING, null);
            while (!stopRequested) {
                tooLarge.handlePending();
                Throwable failed = sendFailure.get();
                if (failed != null) {
                    return failed;
                }
                List<SourceRecord> records = pollUnlessPaused(task);
                if (records != null) {
                    for (SourceRecord record : records) {
                        send(task, writer, tracker, record, sendFailure, tooLarge);
                    }
                }
                // Offsets without a record go behind this poll's records, so they never pass one of them.
                for (Map.Entry<SourcePartition, SourceOffset> marker = context.markers.poll(); marker != null;
                        marker = context.markers.poll()) {
                    tracker.track(marker.getKey(), marker.getValue()).ack();
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopRequested ? null : e;
        } catch (Throwable e) {
            return e;
        } finally {
            shutDown(task, started, writer, tracker, tooLarge);
            offsets.removeCommitListener(committed);
            context.pluginMetrics.removeAll();
            current = null;
        }
    }

    /**
     * One poll of the task, or, while the task is paused, a short wait; null when there is nothing
     * to send (paused, no records, or a {@link RetriableException} that the next poll retries).
     */
    private List<SourceRecord> pollUnlessPaused(SourceTask task) throws InterruptedException {
        if (paused) {
            setState(State.PAUSED, null);
            sleepUnlessStopped(Duration.ofMillis(100));
            return null;
        }
        setStateIf(State.PAUSED, State.RUNNING);
        List<SourceRecord> records;
        try {
            records = task.poll(POLL_TIMEOUT);
        } catch (RetriableException e) {
            LOG.warn("task {}-{} poll will be retried: {}", connector, id, summary(e));
            sleepUnlessStopped(Duration.ofSeconds(1));
            return null;
        }
        metrics.recordPoll(records == null ? 0 : records.size());
        return records;
    }

    /**
     * One life of the task under exactly-once delivery. The session fences older lives and claims
     * the task's offsets before the task starts (so that what it reads is final); records are sent
     * in the session's open transaction. Every commit interval the open transaction is sealed and
     * the task goes on sending into the next one, while the sealed one commits as soon as each of
     * its records is acknowledged, with the offsets that cover them; one transaction commits at a
     * time, so the next is sealed only after that commit. A failure, or a stop that cannot commit,
     * aborts what is open or sealed: none of its records is ever read, and the next life resumes
     * from the last commit. Returns the failure, or null.
     */
    private Throwable runOnceExactlyOnce() {
        SourceTask task = plugin.createTask();
        current = task;
        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
        Context context = new Context(offsets, new TaskPluginMetrics(metricsRegistry, connector, id));
        TransactionalOutput.Session session = null;
        TooLargeRecords tooLarge = null;
        Transactions transactions = null;
        boolean started = false;
        boolean stoppedCleanly = false;
        try {
            session = output.transactions().open(connector, id);
            // Only errors.record.too.large=fail passes validation here: a refused send fails its whole transaction.
            tooLarge = new TooLargeRecords(sendFailure, output.deadLetterWriters());
            transactions = new Transactions(task, session, tooLarge, sendFailure);
            RecordWriter writer = session.records();
            metrics.setQueueDepth(transactions::inFlight);
            task.start(context);
            started = true;
            setState(paused ? State.PAUSED : State.RUNNING, null);
            long windowStart = System.nanoTime();
            boolean uncommitted = false;
            while (!stopRequested) {
                tooLarge.handlePending();
                Throwable failed = sendFailure.get();
                if (failed != null) {
                    return unlessFenced(session, failed);
                }
                transactions.advance();
                if (uncommitted && !transactions.committing()
                        && System.nanoTime() - windowStart >= commitInterval.get().toNanos()) {
                    transactions.seal();
                    uncommitted = false;
                }
                List<SourceRecord> records = pollUnlessPaused(task);
                if (records != null) {
                    for (SourceRecord record : records) {
                        if (!session.inTransaction()) {
                            session.begin();
                            if (!uncommitted) {
                                windowStart = System.nanoTime();
                            }
                        }
                        uncommitted = true;
                        send(task, writer, transactions.open, record, sendFailure, tooLarge);
                    }
                }
                for (Map.Entry<SourcePartition, SourceOffset> marker = context.markers.poll(); marker != null;
                        marker = context.markers.poll()) {
                    transactions.open.track(marker.getKey(), marker.getValue()).ack();
                    if (!uncommitted) {
                        windowStart = System.nanoTime();
                        uncommitted = true;
                    }
                }
            }
            // A stop: the task stops producing, and what it wrote so far commits.
            started = false;
            try {
                task.stop();
            } catch (RuntimeException e) {
                LOG.warn("task {}-{} stop threw: {}", connector, id, summary(e));
            }
            transactions.awaitCommit();
            if (uncommitted) {
                transactions.seal();
                transactions.awaitCommit();
            }
            stoppedCleanly = true;
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stopRequested ? null : e;
        } catch (Throwable e) {
            if (stopRequested && !fenced(e)) {
                LOG.warn("task {}-{} could not commit its last transaction while stopping; it is aborted, and the"
                        + " next start resumes from the last commit: {}", connector, id, summary(e));
                return null;
            }
            return unlessFenced(session, e);
        } finally {
            if (started) {
                try {
                    task.stop();
                } catch (RuntimeException e) {
                    LOG.warn("task {}-{} stop threw: {}", connector, id, summary(e));
                }
            }
            if (session != null) {
                boolean committing = transactions != null && transactions.committing();
                if (!stoppedCleanly && (session.inTransaction() || committing)) {
                    LOG.info("task {}-{} aborts its open transaction; the next start resumes from the last commit",
                            connector, id);
                }
                session.close();
            }
            if (tooLarge != null) {
                tooLarge.close();
            }
            metrics.setQueueDepth(() -> 0L);
            context.pluginMetrics.removeAll();
            current = null;
        }
    }

    /**
     * The transactions of one exactly-once life, on the task thread: the open one's records, and
     * the sealed one, if any, on its way to its commit.
     */
    private final class Transactions {
        private final SourceTask task;
        private final TransactionalOutput.Session session;
        private final TooLargeRecords tooLarge;
        private final AtomicReference<Throwable> sendFailure;
        /** The records of the open transaction (or of the next one, before it begins). */
        private volatile OffsetTracker open = new OffsetTracker();
        /** The records of the sealed transaction; null when none waits for its commit. */
        private volatile OffsetTracker sealedRecords;
        private TransactionalOutput.Sealed sealed;
        private long sealedAt;
        private Map<SourcePartition, SourceOffset> committing;
        private CompletableFuture<Void> commit;

        Transactions(SourceTask task, TransactionalOutput.Session session, TooLargeRecords tooLarge,
                AtomicReference<Throwable> sendFailure) {
            this.task = task;
            this.session = session;
            this.tooLarge = tooLarge;
            this.sendFailure = sendFailure;
        }

        long inFlight() {
            OffsetTracker waiting = sealedRecords;
            return open.inFlight() + (waiting == null ? 0 : waiting.inFlight());
        }

        /** Whether a sealed transaction waits for its commit. */
        boolean committing() {
            return sealed != null;
        }

        /**
         * Seals the open transaction (opening one for offsets without records) and flushes its
         * records; later records go into the next. Only when no other waits for its commit.
         */
        void seal() throws Exception {
            if (sealed != null) {
                throw new IllegalStateException("a sealed transaction still waits for its commit");
            }
            if (!session.inTransaction()) {
                session.begin();
            }
            session.records().flush();
            sealedAt = System.nanoTime();
            sealedRecords = open;
            sealed = session.seal();
            open = new OffsetTracker();
        }

        /**
         * Moves the sealed transaction's commit on without blocking: starts it once its records are
         * all acknowledged, and finishes it once the broker answered.
         *
         * @throws Exception when its records were not acknowledged in time, or its commit failed
         */
        void advance() throws Exception {
            if (sealed == null) {
                return;
            }
            if (commit == null) {
                if (sealedRecords.inFlight() > 0) {
                    if (System.nanoTime() - sealedAt > shutdownTimeout.toNanos()) {
                        throw new IllegalStateException(sealedRecords.inFlight() + " records of a transaction were not"
                                + " acknowledged within " + shutdownTimeout.toMillis() + " ms; the transaction is aborted");
                    }
                    return;
                }
                committing = sealedRecords.takeCommittable();
                commit = sealed.commit(committing);
            }
            if (!commit.isDone()) {
                return;
            }
            try {
                commit.join();
            } catch (CompletionException e) {
                metrics.recordCommit(System.nanoTime() - sealedAt, false);
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw cause instanceof Exception x ? x : new IllegalStateException(cause);
            }
            metrics.recordCommit(System.nanoTime() - sealedAt, true);
            Map<SourcePartition, SourceOffset> done = committing;
            sealed = null;
            sealedRecords = null;
            commit = null;
            committing = null;
            if (!done.isEmpty()) {
                try {
                    task.onOffsetsCommitted(done);
                } catch (RuntimeException e) {
                    LOG.warn("task {}-{} onOffsetsCommitted threw: {}", connector, id, summary(e));
                }
            }
        }

        /** Waits until the sealed transaction, if any, has committed. */
        void awaitCommit() throws Exception {
            while (sealed != null) {
                tooLarge.handlePending();
                Throwable failed = sendFailure.get();
                if (failed != null) {
                    throw failed instanceof Exception x ? x : new IllegalStateException(failed);
                }
                advance();
                if (sealed != null) {
                    Thread.sleep(1);
                }
            }
        }
    }

    /**
     * {@code failure}, or, when a newer copy of the task has fenced this one meanwhile, a fencing
     * failure that names it: an old copy whose transaction merely timed out while it was paused
     * must fail for good, not start again and fence the copy that replaced it.
     */
    private Throwable unlessFenced(TransactionalOutput.Session session, Throwable failure) {
        if (session == null || fenced(failure) || !session.fencedOut()) {
            return failure;
        }
        OffsetWriterFencedException fenced = new OffsetWriterFencedException("task " + id + " of connector '"
                + connector + "' was started again elsewhere while this copy was failing (" + summary(failure)
                + "), so this copy is fenced and must stop");
        fenced.initCause(failure);
        return fenced;
    }

    /** Whether {@code error}, or one of its causes, says that a newer copy of this task fenced this one. */
    private static boolean fenced(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof OffsetWriterFencedException) {
                return true;
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return false;
    }

    private void send(SourceTask task, RecordWriter writer, OffsetTracker tracker, SourceRecord record,
            AtomicReference<Throwable> sendFailure, TooLargeRecords tooLarge) throws Exception {
        OffsetTracker.Tracked tracked = tracker.track(record.partition(), record.offset());
        long handedOff = System.nanoTime();
        // The callback form: no future of the runtime's own per record, on top of the client's.
        writer.send(record, (messageId, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof RecordTooLargeException e) {
                    tooLarge.add(record, tracked, e);
                    return;
                }
                metrics.recordSendFailure();
                sendFailure.compareAndSet(null, error);
                return;
            }
            tracked.ack();
            metrics.recordSendToAck(System.nanoTime() - handedOff);
            metrics.recordWritten(record.value().length);
            try {
                task.onRecordAcked(record);
            } catch (RuntimeException e) {
                LOG.warn("task {}-{} onRecordAcked threw: {}", connector, id, summary(e));
            }
        });
    }

    /** Stops the task, lets in-flight records finish, and hands acknowledged offsets to the committer. */
    private void shutDown(SourceTask task, boolean started, RecordWriter writer, OffsetTracker tracker,
            TooLargeRecords tooLarge) {
        if (started) {
            try {
                task.stop();
            } catch (RuntimeException e) {
                LOG.warn("task {}-{} stop threw: {}", connector, id, summary(e));
            }
        }
        if (writer != null) {
            writer.flush();
            long deadline = System.nanoTime() + shutdownTimeout.toNanos();
            while (tracker.inFlight() > 0 && System.nanoTime() < deadline) {
                // Records too large for Pulsar that arrive now are skipped or dead-lettered still;
                // under fail they stay unacknowledged and are read again at the next start.
                tooLarge.handlePending();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (tracker.inFlight() > 0) {
                LOG.warn("task {}-{} stopped with {} records unacknowledged; they will be sent again on restart",
                        connector, id, tracker.inFlight());
            }
            writer.close();
        }
        tooLarge.close();
        offsets.unregister(tracker);
        metrics.setQueueDepth(() -> 0L);
    }

    private String summary(Throwable error) {
        return redact.apply(ErrorSummary.of(error));
    }

    /**
     * Asks the task to stop; returns at once. A task that never got a pool thread is stopped
     * here and then, so that {@link #awaitStopped} does not wait for a run that will not come.
     */
    void stop() {
        stopRequested = true;
        if (claimed.compareAndSet(false, true)) {
            setState(State.STOPPED, null);
            finished.countDown();
            return;
        }
        SourceTask task = current;
        if (task != null) {
            try {
                task.stop();
            } catch (RuntimeException e) {
                LOG.warn("task {}-{} stop threw: {}", connector, id, summary(e));
            }
        }
    }

    /** Waits until the task has stopped and its offsets are handed over; false on timeout. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
    }

    /** Sleeps in short slices so that a stop is noticed; returns false if a stop was requested. */
    private boolean sleepUnlessStopped(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (!stopRequested && System.nanoTime() < deadline) {
                Thread.sleep(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stopRequested;
    }

    private void setState(State next, String nextTrace) {
        synchronized (stateLock) {
            state = next;
            trace = nextTrace;
        }
    }

    private void setStateIf(State expected, State next) {
        synchronized (stateLock) {
            if (state == expected) {
                state = next;
                trace = null;
            }
        }
    }

    /**
     * The records of one life of the task that Pulsar refused as too large, and what the
     * connector's policy does with them. Refusals arrive on any thread; they are handled on the
     * task thread, which alone may block on a producer or create one.
     */
    private final class TooLargeRecords implements AutoCloseable {
        private record Refused(SourceRecord record, OffsetTracker.Tracked tracked, RecordTooLargeException error) {
        }

        private final java.util.Queue<Refused> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final AtomicReference<Throwable> sendFailure;
        private final Supplier<RecordWriter> deadLetterWriters;
        private RecordWriter deadLetters;

        TooLargeRecords(AtomicReference<Throwable> sendFailure, Supplier<RecordWriter> deadLetterWriters) {
            this.sendFailure = sendFailure;
            this.deadLetterWriters = deadLetterWriters;
        }

        void add(SourceRecord record, OffsetTracker.Tracked tracked, RecordTooLargeException error) {
            pending.add(new Refused(record, tracked, error));
        }

        /** Handles every refusal so far; task thread only. */
        void handlePending() {
            for (Refused refused = pending.poll(); refused != null; refused = pending.poll()) {
                try {
                    handle(refused);
                } catch (Exception e) {
                    metrics.recordSendFailure();
                    sendFailure.compareAndSet(null, e);
                }
            }
        }

        private void handle(Refused refused) throws Exception {
            SourceRecord record = refused.record();
            RecordTooLargeException error = refused.error();
            RecordTooLargePolicy policy = output.recordTooLarge();
            switch (policy.action()) {
                case FAIL -> {
                    metrics.recordSendFailure();
                    sendFailure.compareAndSet(null, new RecordTooLargeException(failureLine(record, error), error));
                }
                case SKIP -> {
                    LOG.warn("task {}-{} skipped a record too large for Pulsar ({}=skip): partition {} offset {},"
                            + " {} bytes, limit {}", connector, id, ConnectorConfig.ERRORS_RECORD_TOO_LARGE,
                            record.partition(), record.offset(), error.sizeBytes(), limitWords(error));
                    metrics.recordSkippedTooLarge();
                    refused.tracked().ack();
                }
                case DEAD_LETTER -> {
                    if (deadLetters == null) {
                        deadLetters = deadLetterWriters.get();
                    }
                    deadLetters.send(deadLetter(record, error, policy.deadLetterTopic())).whenComplete((id, failed) -> {
                        if (failed != null) {
                            metrics.recordSendFailure();
                            sendFailure.compareAndSet(null, new IllegalStateException("the dead-letter topic "
                                    + policy.deadLetterTopic() + " did not take the record at partition "
                                    + record.partition() + " offset " + record.offset() + " (" + error.sizeBytes()
                                    + " bytes); its offset stays before it", failed));
                            return;
                        }
                        refused.tracked().ack();
                        metrics.recordDeadLetteredTooLarge();
                    });
                    LOG.warn("task {}-{} sent a record too large for Pulsar to {} ({}=dead-letter): partition {}"
                            + " offset {}, {} bytes, limit {}", connector, id, policy.deadLetterTopic(),
                            ConnectorConfig.ERRORS_RECORD_TOO_LARGE, record.partition(), record.offset(),
                            error.sizeBytes(), limitWords(error));
                }
            }
        }

        /** The whole record, unchanged, with properties that say why it is here and where it came from. */
        private SourceRecord deadLetter(SourceRecord record, RecordTooLargeException error, String topic) {
            Map<String, String> properties = new java.util.LinkedHashMap<>(record.properties());
            properties.put(ERROR_REASON, REASON_TOO_LARGE);
            properties.put(ERROR_TOPIC, error.topic());
            properties.put(ERROR_PARTITION, record.partition().toString());
            properties.put(ERROR_OFFSET, record.offset().toString());
            properties.put(ERROR_CONNECTOR, connector);
            properties.put(ERROR_TASK, Integer.toString(id));
            properties.put(ERROR_SIZE, Long.toString(error.sizeBytes()));
            if (error.limitBytes() >= 0) {
                properties.put(ERROR_LIMIT, Long.toString(error.limitBytes()));
            }
            return new SourceRecord(record.partition(), record.offset(), topic, record.key(), record.value(),
                    properties, record.eventTime());
        }

        @Override
        public void close() {
            if (deadLetters != null) {
                deadLetters.flush();
                deadLetters.close();
                deadLetters = null;
            }
        }
    }

    /** The one line a task fails with under {@code errors.record.too.large=fail}: the record, the sizes, the fix. */
    static String failureLine(SourceRecord record, RecordTooLargeException error) {
        return "the record at partition " + record.partition() + " offset " + record.offset() + " for topic "
                + error.topic() + " is " + error.sizeBytes() + " bytes, more than " + error.limitText() + "; set "
                + ConnectorConfig.ERRORS_RECORD_TOO_LARGE + " to skip, or to dead-letter with "
                + ConnectorConfig.ERRORS_DEAD_LETTER_TOPIC + ", to go past it, or raise the broker's maxMessageSize";
    }

    private static String limitWords(RecordTooLargeException error) {
        return error.limitBytes() < 0 ? "unknown" : error.limitBytes() + " bytes";
    }

    private final class Context implements SourceTaskContext {
        private final OffsetReader reader;
        private final TaskPluginMetrics pluginMetrics;
        private final java.util.Queue<Map.Entry<SourcePartition, SourceOffset>> markers =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        Context(OffsetReader reader, TaskPluginMetrics pluginMetrics) {
            this.reader = reader;
            this.pluginMetrics = pluginMetrics;
        }

        @Override
        public PluginMetrics metrics() {
            return pluginMetrics;
        }

        @Override
        public String connectorName() {
            return connector;
        }

        @Override
        public int taskId() {
            return id;
        }

        @Override
        public Map<String, String> config() {
            return taskConfig;
        }

        @Override
        public OffsetReader offsetReader() {
            return reader;
        }

        @Override
        public void commitOffset(SourcePartition partition, SourceOffset offset) {
            markers.add(Map.entry(requireNonNull(partition, "partition is null"), requireNonNull(offset, "offset is null")));
        }
    }
}
