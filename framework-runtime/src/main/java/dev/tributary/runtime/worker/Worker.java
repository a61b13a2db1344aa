package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the connector instances and tasks it is told to run, on a bounded pool of
 * {@code worker.threads} threads, and commits the acknowledged offsets of the tasks it runs every
 * {@code offset.flush.interval.ms} (or as the connector's commit policy says) and when they stop.
 * It knows nothing of config stores, target-state persistence, REST or herders: a herder decides
 * what runs here. Kafka Connect's {@code Worker} plays the same part.
 *
 * <p>A connector instance ({@link #startConnector}) starts the plugin and reports its task configs
 * to the {@link TaskConfigListener} its caller gives; it runs no task by itself. Tasks run by
 * {@link #startTask} (one, given its config) or {@link #replaceTasks} (all of one connector's,
 * as a standalone herder runs them). A task runs with or without its connector instance on this
 * worker: without it, the task is created by a fresh, unstarted plugin instance and its offsets
 * are committed on the worker's interval.
 *
 * <p>Offsets: the tasks of one connector on this worker share one {@link
 * dev.tributary.runtime.offsets.ConnectorOffsets} and commit in one batch, in the store's format
 * per connector; a task's offsets are handed over when it stops and go out with the next commit.
 *
 * <p>Threads: every method may be called from any thread, but changes to one connector must come
 * from one caller at a time (a herder's lifecycle thread); reads ({@link #connectorStatus},
 * {@link #taskStatuses}, {@link #taskConfigs}, {@link #offsets}) never wait for a change. Secrets:
 * traces in statuses are redacted with the connector's schema; task configs are in clear text,
 * for the herder to mask.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private final WorkerServices services;
    private final ExecutorService taskPool;
    private final ScheduledExecutorService committer;
    private final Map<String, ConnectorRunner> instances = new ConcurrentHashMap<>();
    private final Map<String, ConnectorTasks> tasks = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public Worker(WorkerServices services) {
        this.services = requireNonNull(services, "services is null");
        this.taskPool = Executors.newFixedThreadPool(services.config().workerThreads(), named("task-pool"));
        this.committer = Executors.newSingleThreadScheduledExecutor(named("offset-committer"));
        // Each connector commits on its own interval; the tick only checks which are due.
        long tick = Math.min(100, services.config().offsetFlushInterval().toMillis());
        committer.scheduleWithFixedDelay(this::commitDue, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** This worker's id in statuses, such as {@code 127.0.0.1:8083}. */
    public String workerId() {
        return services.workerId();
    }

    /**
     * Creates the connector's plugin and starts it on the connector's own thread, returning at
     * once; paused when {@code targetState} is PAUSED. Its task configs go to {@code listener}.
     *
     * @param targetState STARTED or PAUSED
     * @throws ConfigException when the plugin is not installed
     * @throws IllegalStateException when an instance of that connector already runs here, or the
     *     worker is closing
     * @throws RuntimeException or {@link Error} from the plugin's constructor: the caller shows
     *     the connector FAILED
     */
    public void startConnector(ConnectorConfig config, TargetState targetState, TaskConfigListener listener) {
        requireNonNull(config, "config is null");
        requireNonNull(listener, "listener is null");
        if (requireNonNull(targetState, "targetState is null") == TargetState.STOPPED) {
            throw new IllegalArgumentException("targetState: a connector instance starts STARTED or PAUSED, not STOPPED");
        }
        ensureOpen();
        if (instances.containsKey(config.name())) {
            throw new IllegalStateException("connector " + config.name() + " already runs on this worker");
        }
        SourceConnector plugin = services.plugins().newConnector(config.connectorClass());
        ConnectorTasks group = tasksOf(config, plugin);
        ConnectorRunner runner = new ConnectorRunner(config, plugin, services, group, listener);
        if (targetState == TargetState.PAUSED) {
            runner.pause();
        }
        instances.put(config.name(), runner);
        runner.start();
    }

    /**
     * Waits until the instance's plugin start has finished (started, failed or abandoned), at
     * most {@code timeout}; true when it did, or when no instance runs here.
     */
    public boolean awaitConnectorStarted(String connector, Duration timeout) {
        ConnectorRunner runner = instances.get(connector);
        return runner == null || runner.awaitStarted(timeout);
    }

    /**
     * Stops the connector instance (not its tasks): it reports nothing more, and its plugin's
     * {@code stop} is waited for at most {@code task.shutdown.timeout.ms}.
     *
     * @return false when no instance of it runs here
     */
    public boolean stopConnector(String connector) {
        ConnectorRunner runner = instances.remove(connector);
        if (runner == null) {
            return false;
        }
        runner.stop(services.config().shutdownTimeout());
        return true;
    }

    /**
     * Stops the connector instance and every task of the connector on this worker, and commits
     * their offsets: the instance first stops reporting, then the tasks stop together within
     * {@code task.shutdown.timeout.ms}, then their offsets are committed, then the plugin stops.
     *
     * @return false when neither instance nor task of it ran here
     */
    public boolean stopConnectorAndTasks(String connector) {
        ConnectorRunner runner = instances.get(connector);
        if (runner != null) {
            // First, so that no task configs reported from now on start tasks in a removed group.
            runner.beginStop();
            instances.remove(connector, runner);
        }
        ConnectorTasks group = tasks.remove(connector);
        if (group != null) {
            group.stopAll(services.config().shutdownTimeout());
            group.commitOffsets();
        }
        if (runner != null) {
            runner.stop(services.config().shutdownTimeout());
        }
        return runner != null || group != null;
    }

    /** Whether an instance of the connector runs here. */
    public boolean isConnectorRunning(String connector) {
        return instances.containsKey(connector);
    }

    /** The task configs the connector instance here last reported; empty when none runs here. */
    public List<Map<String, String>> connectorTaskConfigs(String connector) {
        ConnectorRunner runner = instances.get(connector);
        return runner == null ? List.of() : runner.taskConfigs();
    }

    /**
     * Starts one task of a connector with its config, paused when {@code targetState} is PAUSED.
     *
     * @param config the connector's config: its topic and record policy apply to the task
     * @return false when that task already runs here
     * @throws ConfigException when the plugin is not installed
     */
    public boolean startTask(ConnectorConfig config, int taskId, Map<String, String> taskConfig, TargetState targetState) {
        requireNonNull(config, "config is null");
        requireNonNull(taskConfig, "taskConfig is null");
        requireNonNull(targetState, "targetState is null");
        if (taskId < 0) {
            throw new IllegalArgumentException("taskId: must be 0 or more, was " + taskId);
        }
        ensureOpen();
        ConnectorTasks group = tasksOf(config, null);
        synchronized (group) {
            if (targetState == TargetState.PAUSED && group.isEmpty()) {
                group.pause();
            }
            return group.startTask(taskId, Map.copyOf(taskConfig));
        }
    }

    /**
     * Runs exactly these tasks of the connector here, task {@code i} with {@code taskConfigs.get(i)}:
     * when they differ from those running, stops them all, commits, and starts the new ones.
     *
     * @throws IllegalStateException when the worker is closing
     */
    public void replaceTasks(ConnectorConfig config, List<Map<String, String>> taskConfigs) {
        requireNonNull(config, "config is null");
        requireNonNull(taskConfigs, "taskConfigs is null");
        ensureOpen();
        tasksOf(config, null).replaceAll(List.copyOf(taskConfigs));
    }

    /**
     * Stops one task and commits the offsets of the connector's tasks here.
     *
     * @return false when that task does not run here
     */
    public boolean stopTask(String connector, int taskId) {
        ConnectorTasks group = tasks.get(connector);
        if (group == null || !group.stopTask(taskId)) {
            return false;
        }
        group.commitOffsets();
        return true;
    }

    /**
     * Stops every task of the connector here without committing: their offsets are handed over
     * and go out with the next commit. The connector's instance, if it runs here, goes on.
     */
    public void stopTasks(String connector) {
        ConnectorTasks group = tasks.get(connector);
        if (group != null) {
            group.stopAll(services.config().shutdownTimeout());
        }
    }

    /**
     * Stops one task, commits its acknowledged offsets, and starts it again with the same config.
     *
     * @return false when that task does not run here
     */
    public boolean restartTask(String connector, int taskId) {
        ConnectorTasks group = tasks.get(connector);
        return group != null && group.restartTask(taskId);
    }

    /** Pauses the connector's instance and tasks here: tasks stop polling, keeping producers and offsets. */
    public void pause(String connector) {
        ConnectorRunner runner = instances.get(connector);
        if (runner != null) {
            runner.pause();
        }
        ConnectorTasks group = tasks.get(connector);
        if (group != null) {
            group.pause();
        }
    }

    /** Resumes the connector's instance and tasks here. */
    public void resume(String connector) {
        ConnectorRunner runner = instances.get(connector);
        if (runner != null) {
            runner.resume();
        }
        ConnectorTasks group = tasks.get(connector);
        if (group != null) {
            group.resume();
        }
    }

    /**
     * The status of the connector instance here, with the statuses of the connector's tasks here.
     *
     * @return empty when no instance of it runs here
     */
    public Optional<ConnectorStatus> connectorStatus(String connector) {
        ConnectorRunner runner = instances.get(connector);
        if (runner == null) {
            return Optional.empty();
        }
        return Optional.of(new ConnectorStatus(connector, runner.state(), runner.trace(), services.workerId(),
                taskStatuses(connector)));
    }

    /** The status of each task of the connector running here, by task id. */
    public List<TaskStatus> taskStatuses(String connector) {
        ConnectorTasks group = tasks.get(connector);
        return group == null ? List.of() : group.statuses();
    }

    /** The config of each task of the connector running here, by task id. */
    public Map<Integer, Map<String, String>> taskConfigs(String connector) {
        ConnectorTasks group = tasks.get(connector);
        return group == null ? Map.of() : group.taskConfigs();
    }

    /**
     * The connector's committed offsets with those its tasks here acknowledged but did not commit
     * yet; empty when neither its instance nor a task of it runs here.
     */
    public Optional<Map<SourcePartition, SourceOffset>> offsets(String connector) {
        ConnectorTasks group = tasks.get(connector);
        return group == null ? Optional.empty() : Optional.of(group.offsets().allOffsets());
    }

    /** The connectors that have an instance or a task here, sorted. */
    public Set<String> connectors() {
        Set<String> names = new TreeSet<>(instances.keySet());
        names.addAll(tasks.keySet());
        return names;
    }

    /** Commits the acknowledged offsets of every connector's tasks here now. */
    public void commitAll() {
        for (ConnectorTasks group : tasks.values()) {
            try {
                group.commitOffsets();
            } catch (RuntimeException e) {
                LOG.error("offset commit of {} threw unexpectedly: {}", group.config().name(), ErrorSummary.of(e));
            }
        }
    }

    private void commitDue() {
        for (ConnectorTasks group : tasks.values()) {
            try {
                group.commitIfDue();
            } catch (RuntimeException e) {
                LOG.error("offset commit of {} threw unexpectedly: {}", group.config().name(), ErrorSummary.of(e));
            }
        }
    }

    /**
     * Stops every connector instance and task here: tasks stop polling, in-flight records get up to
     * {@code task.shutdown.timeout.ms} to be acknowledged (all connectors together, so shutdown
     * takes one timeout, not one per connector), offsets are committed, and the pools end.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Set<String> names = connectors();
            if (!names.isEmpty()) {
                LOG.info("stopping {} connector(s)", names.size());
            }
            instances.values().forEach(ConnectorRunner::beginStop);
            tasks.values().forEach(ConnectorTasks::requestStop);
            for (String name : names) {
                stopConnectorAndTasks(name);
            }
        } finally {
            committer.shutdownNow();
            taskPool.shutdownNow();
        }
    }

    /** The connector's task group, created for {@code config} when none runs here. */
    private ConnectorTasks tasksOf(ConnectorConfig config, SourceConnector instance) {
        return tasks.computeIfAbsent(config.name(), name -> new ConnectorTasks(config,
                instance != null ? instance : services.plugins().newConnector(config.connectorClass()),
                services, taskPool));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the worker is shutting down");
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

    @Override
    public String toString() {
        return "Worker[" + services.workerId() + ", connectors=" + connectors() + "]";
    }
}
