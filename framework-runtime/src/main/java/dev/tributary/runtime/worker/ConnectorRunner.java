package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.OffsetCommitPolicy;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.RecordTooLargePolicy;
import dev.tributary.runtime.offsets.ConnectorOffsets;
import dev.tributary.runtime.sink.ProducerSettings;
import dev.tributary.runtime.sink.PulsarRecordWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connector: starts the plugin, asks it for task configs, runs a {@link TaskRunner} per
 * config on the worker's task pool, and owns the connector's {@link ConnectorOffsets}.
 *
 * <p>Lifecycle calls ({@link #start}, {@link #stop}, {@link #reconfigure}, {@link #restartTask})
 * come from the worker's single connector thread, one at a time. {@link #status} and
 * {@link #taskConfigs} may be called from any thread.
 */
final class ConnectorRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRunner.class);

    private final ConnectorConfig config;
    private final SourceConnector plugin;
    private final WorkerServices services;
    private final ExecutorService taskPool;
    private final ExecutorService connectorThread;
    private final ConnectorOffsets offsets;
    private final SecretMasking masking;
    private final List<TaskRunner> tasks = new CopyOnWriteArrayList<>();
    private final List<Future<?>> taskFutures = new CopyOnWriteArrayList<>();
    private volatile State state = State.UNASSIGNED;
    private volatile String trace;
    private volatile String commitError;
    private volatile boolean paused;
    private volatile OffsetCommitPolicy commitPolicy;
    private volatile long lastCommitNanos = System.nanoTime();

    ConnectorRunner(ConnectorConfig config, SourceConnector plugin, WorkerServices services,
            ExecutorService taskPool, ExecutorService connectorThread) {
        this.config = requireNonNull(config, "config is null");
        this.plugin = requireNonNull(plugin, "plugin is null");
        this.services = requireNonNull(services, "services is null");
        this.taskPool = requireNonNull(taskPool, "taskPool is null");
        this.connectorThread = requireNonNull(connectorThread, "connectorThread is null");
        this.offsets = new ConnectorOffsets(config.name(), services.offsetStore());
        this.masking = SecretMasking.of(schemaOf(plugin), config.connectorProps());
    }

    /** The plugin's schema, to know its secrets; empty when the plugin cannot say. */
    private static Optional<ConfigSchema> schemaOf(SourceConnector plugin) {
        try {
            return Optional.ofNullable(plugin.configSchema());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    String name() {
        return config.name();
    }

    ConnectorConfig config() {
        return config;
    }

    ConnectorOffsets offsets() {
        return offsets;
    }

    /** The config of each running task, by task id; empty when no task runs. */
    List<Map<String, String>> taskConfigs() {
        return List.copyOf(tasks).stream().map(TaskRunner::taskConfig).toList();
    }

    /**
     * Stops task {@code id} (handing its acknowledged offsets over) and starts it again with the
     * same config, paused if the connector is.
     *
     * @return false when there is no such task
     */
    boolean restartTask(int id) {
        if (id < 0 || id >= tasks.size()) {
            return false;
        }
        TaskRunner old = tasks.get(id);
        awaitTaskStop(old, taskFutures.get(id), services.config().shutdownTimeout());
        services.metrics().removeTask(config.name(), id);
        TaskRunner fresh = newTask(id, old.taskConfig());
        tasks.set(id, fresh);
        taskFutures.set(id, taskPool.submit(fresh));
        LOG.info("task {}-{} restarted", config.name(), id);
        return true;
    }

    /**
     * Starts the plugin and its tasks. A failure, including an {@link Error} such as a stack
     * overflow from the plugin, marks the connector FAILED with a readable trace.
     */
    void start() {
        try {
            plugin.start(new Context(), config.connectorProps());
            commitPolicy = plugin.offsetCommitPolicy().orElse(new OffsetCommitPolicy(
                    services.config().offsetFlushInterval(), 0, Duration.ZERO));
            state = paused ? State.PAUSED : State.RUNNING;
            trace = null;
            startTasks(askTaskConfigs());
            LOG.info("connector {} started with {} task(s)", config.name(), tasks.size());
        } catch (RuntimeException | VirtualMachineError | LinkageError e) {
            // A plugin that overflows its stack, runs out of memory or misses a class fails itself, not the request.
            fail(e);
        }
    }

    /**
     * The plugin's task configs, checked: at most {@code tasks.max} of them, none null. An
     * {@link Error} from the plugin (out of memory for an absurd list, a stack overflow) is turned
     * into an exception that fails this connector, so that it never escapes to the request or the
     * thread that asked.
     */
    private List<Map<String, String>> askTaskConfigs() {
        int max = config.tasksMax();
        List<Map<String, String>> configs;
        try {
            configs = plugin.taskConfigs(max);
        } catch (Error e) {
            throw new IllegalStateException("the connector's taskConfigs(" + max + ") failed with "
                    + e.getClass().getSimpleName() + "; lower tasks.max or fix the connector", e);
        }
        if (configs == null) {
            throw new IllegalStateException("the connector's taskConfigs(" + max + ") returned null instead of a list");
        }
        if (configs.size() > max) {
            throw new IllegalStateException("the connector's taskConfigs(" + max + ") returned " + configs.size()
                    + " task configs, more than tasks.max=" + max);
        }
        if (configs.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalStateException("the connector's taskConfigs(" + max + ") returned a null task config");
        }
        return configs;
    }

    /** Stops the tasks (which hand their offsets over), commits once more, then stops the plugin. */
    void stop(Duration timeout) {
        stopTasks(timeout);
        commitOffsets();
        try {
            plugin.stop();
        } catch (RuntimeException e) {
            LOG.warn("connector {} stop threw: {}", config.name(), masking.redact(ErrorSummary.of(e)));
        }
        if (state != State.FAILED) {
            state = State.STOPPED;
        }
    }

    /** Asks every task to stop, without waiting; {@link #stop} waits. */
    void requestStop() {
        tasks.forEach(TaskRunner::stop);
    }

    /** Asks the plugin for task configs again and restarts the tasks if they changed. */
    void reconfigure() {
        if (state == State.FAILED || state == State.STOPPED) {
            return;
        }
        try {
            List<Map<String, String>> configs = askTaskConfigs();
            List<Map<String, String>> current = tasks.stream().map(TaskRunner::taskConfig).toList();
            if (configs.equals(current)) {
                return;
            }
            LOG.info("connector {} reconfigures its tasks: {} -> {}", config.name(), current.size(), configs.size());
            stopTasks(services.config().shutdownTimeout());
            commitOffsets();
            startTasks(configs);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    void pause() {
        paused = true;
        tasks.forEach(TaskRunner::pause);
        if (state == State.RUNNING) {
            state = State.PAUSED;
        }
    }

    void resume() {
        paused = false;
        tasks.forEach(TaskRunner::resume);
        if (state == State.PAUSED) {
            state = State.RUNNING;
        }
    }

    /** Commits if this connector's commit interval has passed since its last commit. */
    void commitIfDue() {
        OffsetCommitPolicy policy = commitPolicy;
        Duration interval = policy == null ? services.config().offsetFlushInterval() : policy.interval();
        if (System.nanoTime() - lastCommitNanos >= interval.toNanos()) {
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
        for (TaskRunner task : tasks) {
            services.metrics().task(config.name(), task.id()).recordCommit(nanos, success);
        }
    }

    ConnectorStatus status() {
        List<TaskStatus> taskStatuses = new ArrayList<>();
        for (TaskRunner task : List.copyOf(tasks)) {
            TaskStatus s = task.status();
            if (commitError != null && s.trace() == null) {
                s = new TaskStatus(s.id(), s.state(), commitError, s.workerId());
            }
            taskStatuses.add(s);
        }
        return new ConnectorStatus(config.name(), state, trace, services.workerId(), taskStatuses);
    }

    private void startTasks(List<Map<String, String>> configs) {
        for (int id = 0; id < configs.size(); id++) {
            TaskRunner task = newTask(id, configs.get(id));
            tasks.add(task);
            taskFutures.add(taskPool.submit(task));
        }
    }

    private TaskRunner newTask(int taskId, Map<String, String> taskConfig) {
        ProducerSettings producerSettings = ProducerSettings.from(services.config());
        RecordTooLargePolicy tooLarge = config.recordTooLarge();
        TaskOutput output = new TaskOutput(
                () -> new PulsarRecordWriter(services.pulsar(), producerSettings, config.topic(),
                        config.name() + "-" + taskId),
                tooLarge,
                () -> new PulsarRecordWriter(services.pulsar(), producerSettings.forDeadLetters(),
                        tooLarge.deadLetterTopic(), config.name() + "-" + taskId + "-dead-letter"));
        TaskRunner task = new TaskRunner(config.name(), taskId, taskConfig, plugin, output, offsets,
                services.metrics(), RestartPolicy.from(services.config()), services.config().shutdownTimeout(),
                services.clock(), services.workerId(), masking::redact);
        if (paused) {
            task.pause();
        }
        return task;
    }

    private void awaitTaskStop(TaskRunner task, Future<?> future, Duration timeout) {
        task.stop();
        try {
            if (!task.awaitStopped(timeout)) {
                LOG.warn("task {}-{} did not stop within {} ms; interrupting it", config.name(), task.id(), timeout.toMillis());
                future.cancel(true);
                task.awaitStopped(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopTasks(Duration timeout) {
        tasks.forEach(TaskRunner::stop);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < tasks.size(); i++) {
            TaskRunner task = tasks.get(i);
            try {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!task.awaitStopped(left)) {
                    LOG.warn("task {}-{} did not stop within {} ms; interrupting it", config.name(), task.id(), timeout.toMillis());
                    taskFutures.get(i).cancel(true);
                    task.awaitStopped(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            services.metrics().removeTask(config.name(), task.id());
        }
        tasks.clear();
        taskFutures.clear();
    }

    private void fail(Throwable error) {
        String summary = masking.redact(ErrorSummary.of(error));
        LOG.error("connector {} failed: {}", config.name(), summary);
        state = State.FAILED;
        trace = summary;
        stopTasks(services.config().shutdownTimeout());
    }

    private final class Context implements ConnectorContext {
        @Override
        public String connectorName() {
            return config.name();
        }

        @Override
        public void requestTaskReconfiguration() {
            connectorThread.execute(ConnectorRunner.this::reconfigure);
        }

        @Override
        public void raiseError(Throwable error) {
            connectorThread.execute(() -> fail(error));
        }

        @Override
        public OffsetReader offsetReader() {
            return offsets;
        }
    }
}
