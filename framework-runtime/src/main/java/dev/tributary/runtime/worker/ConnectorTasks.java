package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.OffsetCommitPolicy;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.RecordTooLargePolicy;
import dev.tributary.runtime.offsets.ConnectorOffsets;
import dev.tributary.runtime.sink.ProducerSettings;
import dev.tributary.runtime.sink.PulsarRecordWriter;
import dev.tributary.runtime.sink.PulsarTransactionalOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks of one connector that this worker runs, whichever of them it was given, and their
 * shared {@link ConnectorOffsets}: offsets are tracked and committed per connector, in one batch
 * for all its tasks here, as the store format has always been.
 *
 * <p>Threads: changes ({@link #startTask}, {@link #stopTask}, {@link #restartTask},
 * {@link #replaceAll}, {@link #stopAll}, {@link #pause}, {@link #resume}) are synchronized on this
 * group; {@link #commitOffsets} comes from the worker's committer thread or a stopping caller;
 * {@link #statuses} and {@link #taskConfigs} may be called from any thread.
 */
final class ConnectorTasks {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorTasks.class);

    private final ConnectorConfig config;
    private final WorkerServices services;
    private final ExecutorService taskPool;
    private final ConnectorOffsets offsets;
    private final SecretMasking masking;
    // Guarded by this; by task id.
    private final Map<Integer, Running> tasks = new TreeMap<>();
    // Creates the tasks: the running connector instance when this worker runs it, else a fresh one.
    private volatile SourceConnector taskFactory;
    private volatile OffsetCommitPolicy commitPolicy;
    private volatile long lastCommitNanos = System.nanoTime();
    private volatile String commitError;
    private volatile boolean paused;
    private volatile List<TaskRunner> snapshot = List.of();

    private record Running(TaskRunner task, Future<?> future) {
    }

    ConnectorTasks(ConnectorConfig config, SourceConnector taskFactory, WorkerServices services,
            ExecutorService taskPool) {
        this.config = requireNonNull(config, "config is null");
        this.taskFactory = requireNonNull(taskFactory, "taskFactory is null");
        this.services = requireNonNull(services, "services is null");
        this.taskPool = requireNonNull(taskPool, "taskPool is null");
        // In a group a task may move to another worker: each writes through its own scope, so its successor fences it.
        this.offsets = new ConnectorOffsets(config.name(), services.offsetStore(), services.config().groupId().isPresent());
        this.masking = SecretMasking.of(ConnectorRunner.schemaOf(taskFactory), config.connectorProps());
    }

    ConnectorConfig config() {
        return config;
    }

    ConnectorOffsets offsets() {
        return offsets;
    }

    /** The started connector instance creates the tasks from now on, and its commit policy applies. */
    void startedBy(SourceConnector instance, OffsetCommitPolicy policy) {
        this.taskFactory = requireNonNull(instance, "instance is null");
        this.commitPolicy = policy;
    }

    synchronized boolean isEmpty() {
        return tasks.isEmpty();
    }

    synchronized boolean has(int id) {
        return tasks.containsKey(id);
    }

    /** The config of each task running here, by task id. */
    Map<Integer, Map<String, String>> taskConfigs() {
        Map<Integer, Map<String, String>> configs = new TreeMap<>();
        for (TaskRunner task : snapshot) {
            configs.put(task.id(), task.taskConfig());
        }
        return configs;
    }

    /** Starts task {@code id} with {@code taskConfig}, paused if the connector is; false when it already runs. */
    synchronized boolean startTask(int id, Map<String, String> taskConfig) {
        if (tasks.containsKey(id)) {
            return false;
        }
        TaskRunner task = newTask(id, taskConfig);
        tasks.put(id, new Running(task, taskPool.submit(task)));
        snapshot();
        return true;
    }

    /**
     * Stops task {@code id}, waiting for it at most {@code task.shutdown.timeout.ms}; its
     * acknowledged offsets are handed over and go out with the next commit.
     *
     * @return false when there is no such task
     */
    synchronized boolean stopTask(int id) {
        Running running = tasks.remove(id);
        if (running == null) {
            return false;
        }
        awaitTaskStop(running, services.config().shutdownTimeout());
        services.metrics().removeTask(config.name(), id);
        snapshot();
        return true;
    }

    /**
     * Stops task {@code id}, commits the acknowledged offsets, and starts it again with the same
     * config, paused if the connector is.
     *
     * @return false when there is no such task
     */
    synchronized boolean restartTask(int id) {
        Running old = tasks.get(id);
        if (old == null) {
            return false;
        }
        awaitTaskStop(old, services.config().shutdownTimeout());
        services.metrics().removeTask(config.name(), id);
        // The fresh task starts from the store's offsets (in a group it claims its scope again, which fences
        // what the old one handed over): commit first, or a restart repeats what was acknowledged since the last commit.
        commitOffsets();
        TaskRunner fresh = newTask(id, old.task().taskConfig());
        tasks.put(id, new Running(fresh, taskPool.submit(fresh)));
        snapshot();
        LOG.info("task {}-{} restarted", config.name(), id);
        return true;
    }

    /**
     * Runs exactly {@code configs} (task {@code i} with {@code configs.get(i)}): when they differ
     * from the tasks running, stops every task, commits, and starts the new ones.
     */
    synchronized void replaceAll(List<Map<String, String>> configs) {
        List<Map<String, String>> current = new ArrayList<>(taskConfigs().values());
        if (configs.equals(current) && tasks.keySet().equals(ids(configs.size()))) {
            return;
        }
        if (!tasks.isEmpty()) {
            LOG.info("connector {} reconfigures its tasks: {} -> {}", config.name(), current.size(), configs.size());
            stopAll(services.config().shutdownTimeout());
            commitOffsets();
        }
        for (int id = 0; id < configs.size(); id++) {
            startTask(id, configs.get(id));
        }
    }

    private static java.util.Set<Integer> ids(int count) {
        java.util.Set<Integer> ids = new java.util.TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(i);
        }
        return ids;
    }

    /** Asks every task to stop without waiting. */
    void requestStop() {
        snapshot.forEach(TaskRunner::stop);
    }

    /**
     * Stops every task, all at once, waiting for them together at most {@code timeout}; their
     * offsets are handed over, not committed (call {@link #commitOffsets}).
     */
    synchronized void stopAll(Duration timeout) {
        List<Map.Entry<Integer, Running>> all = new ArrayList<>(tasks.entrySet());
        all.forEach(e -> e.getValue().task().stop());
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<Integer, Running> e : all) {
            TaskRunner task = e.getValue().task();
            try {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!task.awaitStopped(left)) {
                    LOG.warn("task {}-{} did not stop within {} ms; interrupting it", config.name(), task.id(), timeout.toMillis());
                    e.getValue().future().cancel(true);
                    task.awaitStopped(Duration.ofSeconds(5));
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
            services.metrics().removeTask(config.name(), task.id());
        }
        tasks.clear();
        snapshot();
    }

    synchronized void pause() {
        paused = true;
        snapshot.forEach(TaskRunner::pause);
    }

    synchronized void resume() {
        paused = false;
        snapshot.forEach(TaskRunner::resume);
    }

    /** Commits if this connector's commit interval has passed since its last commit. */
    void commitIfDue() {
        if (System.nanoTime() - lastCommitNanos >= commitInterval().toNanos()) {
            commitOffsets();
        }
    }

    /**
     * Writes the acknowledged offsets of every task as one batch, retrying as the connector's
     * commit policy says. A failure is shown in the status of the connector's tasks; the offsets
     * stay pending and go out with the next commit.
     */
    void commitOffsets() {
        lastCommitNanos = System.nanoTime();
        OffsetCommitPolicy policy = commitPolicy;
        int retries = policy == null ? 0 : policy.retries();
        for (int attempt = 0; attempt < retries; attempt++) {
            if (tryCommit()) {
                return;
            }
            try {
                Thread.sleep(policy.retryBackoff().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        tryCommit();
    }

    /**
     * One attempt. A failure shows in the status at once, not only after the policy's last retry:
     * against a store that is down, the retries alone can take most of a minute.
     */
    private boolean tryCommit() {
        long begin = System.nanoTime();
        try {
            int written = offsets.commit().size();
            if (commitError != null) {
                LOG.info("offset commits for {} work again", config.name());
                commitError = null;
            }
            if (written > 0) {
                recordCommit(System.nanoTime() - begin, true);
            }
            return true;
        } catch (RuntimeException e) {
            recordCommit(System.nanoTime() - begin, false);
            String summary = "offset commit failed, will retry: " + masking.redact(ErrorSummary.of(e));
            if (!summary.equals(commitError)) {
                LOG.warn("connector {}: {}", config.name(), summary);
            }
            commitError = summary;
            return false;
        }
    }

    private void recordCommit(long nanos, boolean success) {
        for (TaskRunner task : snapshot) {
            services.metrics().task(config.name(), task.id()).recordCommit(nanos, success);
        }
    }

    /** The status of each task running here, by id; a failing commit shows in each task's trace. */
    List<TaskStatus> statuses() {
        String error = commitError;
        List<TaskStatus> statuses = new ArrayList<>();
        for (TaskRunner task : snapshot) {
            TaskStatus s = task.status();
            if (error != null && s.trace() == null) {
                s = new TaskStatus(s.id(), s.state(), error, s.workerId());
            }
            statuses.add(s);
        }
        return statuses;
    }

    private TaskRunner newTask(int taskId, Map<String, String> taskConfig) {
        ProducerSettings producerSettings = ProducerSettings.from(services.config());
        RecordTooLargePolicy tooLarge = config.recordTooLarge();
        Duration transactionTimeout = services.config().exactlyOnceTransactionTimeout();
        TaskOutput output = services.config().exactlyOnce().enabled()
                ? TaskOutput.exactlyOnce(new PulsarTransactionalOutput(services.pulsar(), services.fencing()::get,
                        services.offsetStore(), producerSettings, config.topic(), transactionTimeout), tooLarge)
                : new TaskOutput(
                        () -> new PulsarRecordWriter(services.pulsar(), producerSettings, config.topic(),
                                config.name() + "-" + taskId).startDefaultProducer(),
                        tooLarge,
                        () -> new PulsarRecordWriter(services.pulsar(), producerSettings.forDeadLetters(),
                                tooLarge.deadLetterTopic(), config.name() + "-" + taskId + "-dead-letter"));
        TaskRunner task = new TaskRunner(config.name(), taskId, taskConfig, taskFactory, output, offsets,
                services.metrics(), RestartPolicy.from(services.config()), services.config().shutdownTimeout(),
                services.clock(), services.workerId(), masking::redact, () -> transactionLength(transactionTimeout));
        if (paused) {
            task.pause();
        }
        return task;
    }

    /** The connector's own commit interval once it started with a commit policy, else {@code offset.flush.interval.ms}. */
    private Duration commitInterval() {
        OffsetCommitPolicy policy = commitPolicy;
        return policy == null ? services.config().offsetFlushInterval() : policy.interval();
    }

    /**
     * How long one transaction of an exactly-once task stays open: the connector's commit interval,
     * at most half the transaction timeout so that a commit is never too late for its transaction.
     */
    private Duration transactionLength(Duration transactionTimeout) {
        Duration interval = commitInterval();
        Duration most = transactionTimeout.dividedBy(2);
        return interval.compareTo(most) > 0 ? most : interval;
    }

    private void awaitTaskStop(Running running, Duration timeout) {
        TaskRunner task = running.task();
        task.stop();
        try {
            if (!task.awaitStopped(timeout)) {
                LOG.warn("task {}-{} did not stop within {} ms; interrupting it", config.name(), task.id(), timeout.toMillis());
                running.future().cancel(true);
                task.awaitStopped(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Guarded by this: the tasks in id order, for readers that must not wait for a change. */
    private void snapshot() {
        snapshot = tasks.values().stream().map(Running::task).toList();
    }
}
