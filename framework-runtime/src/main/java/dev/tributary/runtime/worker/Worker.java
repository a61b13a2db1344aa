package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.runtime.config.ConnectorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone worker: runs connectors and their tasks on a bounded pool of
 * {@code worker.threads} threads, and commits their acknowledged offsets every
 * {@code offset.flush.interval.ms} and when they stop.
 *
 * <p>Connector lifecycle changes run one at a time on a single connector thread; the public
 * methods may be called from any thread and wait for the change to finish.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerServices services;
    private final ConnectorValidator validator;
    private final ExecutorService taskPool;
    private final ExecutorService connectorThread;
    private final ScheduledExecutorService committer;
    private final Map<String, ConnectorRunner> connectors = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public Worker(WorkerServices services) {
        this.services = requireNonNull(services, "services is null");
        this.validator = new ConnectorValidator(services.plugins());
        this.taskPool = Executors.newFixedThreadPool(services.config().workerThreads(), named("task-pool"));
        this.connectorThread = Executors.newSingleThreadExecutor(named("connector-lifecycle"));
        this.committer = Executors.newSingleThreadScheduledExecutor(named("offset-committer"));
        // Each connector commits on its own interval; the tick only checks which are due.
        long tick = Math.min(100, services.config().offsetFlushInterval().toMillis());
        committer.scheduleWithFixedDelay(this::commitDue, tick, tick, TimeUnit.MILLISECONDS);
    }

    public ConnectorValidator validator() {
        return validator;
    }

    /**
     * Validates and starts a connector.
     *
     * @throws ConfigException with one line per bad field, or when the name is taken
     */
    public ConnectorStatus startConnector(Map<String, String> flatConfig) {
        ConnectorConfig config = validator.parse(flatConfig);
        return onConnectorThread(() -> {
            if (closed) {
                throw new IllegalStateException("the worker is shutting down");
            }
            if (connectors.containsKey(config.name())) {
                throw new ConfigException("name: a connector called '" + config.name() + "' is already running");
            }
            SourceConnector plugin = services.plugins().newConnector(config.connectorClass());
            ConnectorRunner runner = new ConnectorRunner(config, plugin, services, taskPool, connectorThread);
            connectors.put(config.name(), runner);
            runner.start();
            return runner.status();
        });
    }

    /** Stops a connector and its tasks, committing what Pulsar acknowledged. False if unknown. */
    public boolean stopConnector(String name) {
        return onConnectorThread(() -> {
            ConnectorRunner runner = connectors.remove(name);
            if (runner == null) {
                return false;
            }
            runner.stop(services.config().shutdownTimeout());
            return true;
        });
    }

    public boolean pauseConnector(String name) {
        return onConnectorThread(() -> find(name).map(r -> {
            r.pause();
            return true;
        }).orElse(false));
    }

    public boolean resumeConnector(String name) {
        return onConnectorThread(() -> find(name).map(r -> {
            r.resume();
            return true;
        }).orElse(false));
    }

    public Optional<ConnectorStatus> status(String name) {
        return find(name).map(ConnectorRunner::status);
    }

    public List<String> connectorNames() {
        return connectors.keySet().stream().sorted().toList();
    }

    public Optional<ConnectorConfig> connectorConfig(String name) {
        return find(name).map(ConnectorRunner::config);
    }

    private void commitDue() {
        for (ConnectorRunner runner : connectors.values()) {
            try {
                runner.commitIfDue();
            } catch (RuntimeException e) {
                LOG.error("offset commit of {} threw unexpectedly: {}", runner.name(), ErrorSummary.of(e));
            }
        }
    }

    /** Commits every connector's acknowledged offsets now. */
    public void commitAll() {
        for (ConnectorRunner runner : connectors.values()) {
            try {
                runner.commitOffsets();
            } catch (RuntimeException e) {
                LOG.error("offset commit of {} threw unexpectedly: {}", runner.name(), ErrorSummary.of(e));
            }
        }
    }

    /**
     * Stops every connector: tasks stop polling, in-flight records get up to
     * {@code task.shutdown.timeout.ms} to be acknowledged, and offsets are committed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping {} connector(s)", connectors.size());
        try {
            onConnectorThread(() -> {
                List<ConnectorRunner> runners = new ArrayList<>(connectors.values());
                connectors.clear();
                // Tasks of all connectors stop together, so shutdown takes one timeout, not one per connector.
                runners.forEach(ConnectorRunner::requestStop);
                for (ConnectorRunner runner : runners) {
                    runner.stop(services.config().shutdownTimeout());
                }
                return null;
            });
        } finally {
            committer.shutdownNow();
            connectorThread.shutdown();
            taskPool.shutdownNow();
        }
    }

    private Optional<ConnectorRunner> find(String name) {
        return Optional.ofNullable(name).map(connectors::get);
    }

    private <T> T onConnectorThread(java.util.concurrent.Callable<T> action) {
        Future<T> future = connectorThread.submit(action);
        try {
            return future.get(services.config().shutdownTimeout().toMillis() + Duration.ofSeconds(60).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(ErrorSummary.of(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the connector change did not finish in time", e);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
    }
}
