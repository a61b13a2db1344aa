package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.OffsetCommitPolicy;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.runtime.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * Runs one connector instance: starts the plugin, asks it for task configs and reports them to
 * the {@link TaskConfigListener} its starter gave, again whenever the plugin asks for a
 * reconfiguration and the configs changed. It runs no task itself: whoever gets the configs
 * decides where the tasks run (see {@link Worker}).
 *
 * <p>Threads: every call into the plugin instance ({@code start}, {@code taskConfigs},
 * {@code stop}) runs on this runner's own connector thread, one at a time, so a plugin that
 * blocks in {@code start} (listing shards of an unreachable stream, say) holds up this connector
 * only. {@link #start} returns at once; {@link #stop} interrupts a start still under way and waits
 * for it at most {@link #ABANDON_START_AFTER}, after which the instance is abandoned: its
 * {@code stop} runs on its thread when its {@code start} returns, and it never reports task configs.
 * {@link #start}, {@link #stop}, {@link #pause} and {@link #resume} come from the caller of the
 * {@link Worker}; {@link #state}, {@link #trace}, {@link #taskConfigs} and {@link #awaitStarted}
 * may be called from any thread. The listener is called on this connector's own thread, holding
 * this instance, so that a stop that began never sees configs reported after it.
 */
final class ConnectorRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRunner.class);
    /** How long a stop waits for a plugin still in {@code start} before it abandons the instance. */
    static final Duration ABANDON_START_AFTER = Duration.ofMillis(500);

    private final ConnectorConfig config;
    private final SourceConnector plugin;
    private final WorkerServices services;
    private final ConnectorTasks tasks;
    private final TaskConfigListener listener;
    // This instance's plugin calls, in order; its one thread ends after the plugin's stop.
    private final ExecutorService connectorThread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    // Guarded by this: once set, no task is started any more.
    private boolean stopping;
    private volatile Thread starting;
    // Connector thread only: a plugin stopped before its start was called gets no stop either.
    private boolean startCalled;
    private final SecretMasking masking;
    // The task configs last reported to the listener; empty before the first report.
    private volatile List<Map<String, String>> reported = List.of();
    private volatile State state = State.UNASSIGNED;
    private volatile String trace;
    private volatile boolean paused;

    /**
     * @param tasks this connector's tasks on this worker: the instance reads offsets through them
     *     and hands them its commit policy; it never starts or stops them
     */
    ConnectorRunner(ConnectorConfig config, SourceConnector plugin, WorkerServices services,
            ConnectorTasks tasks, TaskConfigListener listener) {
        this.config = requireNonNull(config, "config is null");
        this.plugin = requireNonNull(plugin, "plugin is null");
        this.services = requireNonNull(services, "services is null");
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.connectorThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "connector-" + config.name());
            // A plugin that never returns from start must not keep the JVM from exiting.
            t.setDaemon(true);
            return t;
        });
        this.masking = SecretMasking.of(schemaOf(plugin), config.connectorProps());
    }

    /** The plugin's schema, to know its secrets; empty when the plugin cannot say. */
    static Optional<ConfigSchema> schemaOf(SourceConnector plugin) {
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

    /** The task configs last reported, by task id; empty before the plugin gave any. */
    List<Map<String, String>> taskConfigs() {
        return reported;
    }

    State state() {
        return state;
    }

    /** Why the instance FAILED, secrets redacted; null otherwise. */
    String trace() {
        return trace;
    }

    /**
     * Starts the plugin and asks for its task configs on this connector's own thread, and returns
     * at once;
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
            tasks.startedBy(plugin, plugin.offsetCommitPolicy().orElse(new OffsetCommitPolicy(
                    services.config().offsetFlushInterval(), 0, Duration.ZERO)));
            List<Map<String, String>> configs = askTaskConfigs();
            synchronized (this) {
                starting = null;
                if (stopping) {
                    return;
                }
                state = paused ? State.PAUSED : State.RUNNING;
                trace = null;
                report(configs);
            }
            LOG.info("connector {} started with {} task config(s)", config.name(), configs.size());
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
     * Marks the instance stopping, so that it reports no task configs any more, and interrupts a
     * start still under way; {@link #stop} finishes the stop. Idempotent.
     */
    void beginStop() {
        Thread inStart;
        synchronized (this) {
            stopping = true;
            inStart = starting;
        }
        if (inStart != null) {
            inStart.interrupt();
        }
    }

    /**
     * Stops the plugin on its own thread, after {@link #beginStop}. Waits for the plugin's stop at
     * most {@code timeout}, and for a plugin still in {@code start} at most
     * {@link #ABANDON_START_AFTER}; see the class comment.
     */
    void stop(Duration timeout) {
        beginStop();
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

    /** Asks the plugin for task configs again and reports them if they changed. Connector thread only. */
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
                if (configs.equals(reported)) {
                    return;
                }
                report(configs);
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Reports task configs to the listener. Connector thread only, holding this, not stopping. */
    private void report(List<Map<String, String>> configs) {
        reported = List.copyOf(configs);
        listener.onTaskConfigs(config.name(), reported);
    }

    synchronized void pause() {
        paused = true;
        if (state == State.RUNNING) {
            state = State.PAUSED;
        }
    }

    synchronized void resume() {
        paused = false;
        if (state == State.PAUSED) {
            state = State.RUNNING;
        }
    }

    private synchronized void fail(Throwable error) {
        String summary = masking.redact(ErrorSummary.of(error));
        LOG.error("connector {} failed: {}", config.name(), summary);
        state = State.FAILED;
        trace = summary;
        listener.onFailure(config.name(), summary);
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
            return tasks.offsets();
        }
    }
}
