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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connector: starts the plugin, asks it for task configs, runs a {@link TaskRunner} per
 * config on the worker's task pool, and owns the connector's {@link ConnectorOffsets}.
 *
 * <p>Threads: every call into the plugin instance ({@code start}, {@code taskConfigs},
 * {@code stop}) runs on this runner's own connector thread, one at a time, so a plugin that
 * blocks in {@code start} (listing shards of an unreachable stream, say) holds up this connector
 * only. {@link #start} returns at once; {@link #stop} interrupts a start still under way and waits
 * for it at most {@link #ABANDON_START_AFTER}, after which the instance is abandoned: its
 * {@code stop} runs on its thread when its {@code start} returns, and it never starts tasks.
 * {@link #start}, {@link #stop}, {@link #restartTask}, {@link #pause} and {@link #resume} come from
 * the worker's lifecycle thread; {@link #status}, {@link #taskConfigs} and
 * {@link #awaitStarted} may be called from any thread.
 */
final class ConnectorRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRunner.class);
    /** How long a stop waits for a plugin still in {@code start} before it abandons the instance. */
    static final Duration ABANDON_START_AFTER = Duration.ofMillis(500);

    private final ConnectorConfig config;
    private final SourceConnector plugin;
    private final WorkerServices services;
    private final ExecutorService taskPool;
    // This instance's plugin calls, in order; its one thread ends after the plugin's stop.
    private final ExecutorService connectorThread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    // Guarded by this: once set, no task is started any more.
    private boolean stopping;
    private volatile Thread starting;
    // Connector thread only: a plugin stopped before its start was called gets no stop either.
    private boolean startCalled;
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
            ExecutorService taskPool) {
        this.config = requireNonNull(config, "config is null");
        this.plugin = requireNonNull(plugin, "plugin is null");
        this.services = requireNonNull(services, "services is null");
        this.taskPool = requireNonNull(taskPool, "taskPool is null");
        this.connectorThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "connector-" + config.name());
            // A plugin that never returns from start must not keep the JVM from exiting.
            t.setDaemon(true);
            return t;
        });
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
    synchronized boolean restartTask(int id) {
        if (stopping || id < 0 || id >= tasks.size()) {
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
     * Starts the plugin and then its tasks on this connector's own thread, and returns at once;
     * the connector is UNASSIGNED until the plugin's {@code start} and {@code taskConfigs} return.
     * A failure marks the connector FAILED with a readable trace.
     */
    void start() {
        try {
            connectorThread.execute(this::startPlugin);
        } catch (RejectedExecutionException e) {
            started.complete(null);
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

    /**
     * Waits until the plugin's start has finished (started, failed or abandoned); false on timeout.
     * Only to answer a request with the state after the start; nothing depends on it.
     */
    boolean awaitStarted(Duration timeout) {
        try {
            started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private void startPlugin() {
        synchronized (this) {
            if (stopping) {
                started.complete(null);
                return;
            }
            starting = Thread.currentThread();
        }
        startCalled = true;
        try {
            plugin.start(new Context(), config.connectorProps());
            if (isStopping()) {
                return;
            }
            commitPolicy = plugin.offsetCommitPolicy().orElse(new OffsetCommitPolicy(
                    services.config().offsetFlushInterval(), 0, Duration.ZERO));
            List<Map<String, String>> configs = askTaskConfigs();
            synchronized (this) {
                starting = null;
                if (stopping) {
                    return;
                }
                state = paused ? State.PAUSED : State.RUNNING;
                trace = null;
                startTasks(configs);
            }
            LOG.info("connector {} started with {} task(s)", config.name(), tasks.size());
        } catch (Throwable e) {
            // Errors too: a plugin sizing a list by a huge tasks.max throws OutOfMemoryError, and
            // the connector, not the worker, must show it.
            starting = null;
            if (isStopping()) {
                LOG.info("connector {} was stopped during its start, which ended with: {}", config.name(),
                        masking.redact(ErrorSummary.of(e)));
            } else {
                fail(e);
            }
        } finally {
            // A stop during start interrupted this thread; the plugin's stop, queued next, must not see that.
            Thread.interrupted();
            started.complete(null);
        }
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    /**
     * Stops the tasks (which hand their offsets over), commits once more, then stops the plugin
     * on its own thread. Waits for the plugin's stop at most {@code timeout}, and for a plugin
     * still in {@code start} at most {@link #ABANDON_START_AFTER}; see the class comment.
     */
    void stop(Duration timeout) {
        Thread inStart;
        synchronized (this) {
            stopping = true;
            inStart = starting;
            stopTasks(timeout);
        }
        if (inStart != null) {
            inStart.interrupt();
        }
        commitOffsets();
        Future<?> pluginStopped;
        try {
            pluginStopped = connectorThread.submit(() -> {
                if (!startCalled) {
                    return;
                }
                try {
                    plugin.stop();
                } catch (RuntimeException e) {
                    LOG.warn("connector {} stop threw: {}", config.name(), masking.redact(ErrorSummary.of(e)));
                }
            });
        } catch (RejectedExecutionException e) {
            pluginStopped = CompletableFuture.completedFuture(null);
        }
        connectorThread.shutdown();
        Duration wait = started.isDone() ? timeout : ABANDON_START_AFTER;
        try {
            pluginStopped.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("connector {} did not {} within {} ms; it is abandoned, and its stop runs when its start returns",
                    config.name(), started.isDone() ? "stop" : "return from its start", wait.toMillis());
        } catch (ExecutionException e) {
            LOG.warn("connector {} stop failed: {}", config.name(), masking.redact(ErrorSummary.of(e.getCause())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (state != State.FAILED) {
            state = State.STOPPED;
        }
    }

    /** Asks every task to stop, and a plugin still in its start to give up, without waiting; {@link #stop} waits. */
    void requestStop() {
        Thread inStart = starting;
        if (inStart != null) {
            inStart.interrupt();
        }
        tasks.forEach(TaskRunner::stop);
    }

    /** Asks the plugin for task configs again and restarts the tasks if they changed. Connector thread only. */
    private void reconfigure() {
        if (state == State.FAILED || state == State.STOPPED || isStopping()) {
            return;
        }
        try {
            List<Map<String, String>> configs = askTaskConfigs();
            synchronized (this) {
                if (stopping) {
                    return;
                }
                List<Map<String, String>> current = tasks.stream().map(TaskRunner::taskConfig).toList();
                if (configs.equals(current)) {
                    return;
                }
                LOG.info("connector {} reconfigures its tasks: {} -> {}", config.name(), current.size(), configs.size());
                stopTasks(services.config().shutdownTimeout());
                commitOffsets();
                startTasks(configs);
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    synchronized void pause() {
        paused = true;
        tasks.forEach(TaskRunner::pause);
        if (state == State.RUNNING) {
            state = State.PAUSED;
        }
    }

    synchronized void resume() {
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

    private synchronized void fail(Throwable error) {
        String summary = masking.redact(ErrorSummary.of(error));
        LOG.error("connector {} failed: {}", config.name(), summary);
        state = State.FAILED;
        trace = summary;
        stopTasks(services.config().shutdownTimeout());
    }

    /** Runs on this connector's thread; nothing when the connector is being stopped. */
    private void onConnectorThread(Runnable action) {
        try {
            connectorThread.execute(action);
        } catch (RejectedExecutionException e) {
            LOG.debug("connector {} is stopping; a request of its plugin is dropped", config.name());
        }
    }

    private final class Context implements ConnectorContext {
        @Override
        public String connectorName() {
            return config.name();
        }

        @Override
        public void requestTaskReconfiguration() {
            onConnectorThread(ConnectorRunner.this::reconfigure);
        }

        @Override
        public void raiseError(Throwable error) {
            onConnectorThread(() -> {
                if (!isStopping()) {
                    fail(error);
                }
            });
        }

        @Override
        public OffsetReader offsetReader() {
            return offsets;
        }
    }
}
