package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.config.ConnectorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone herder: keeps every connector's config and target state in a
 * {@link ConnectorConfigStore}, so that {@link #restore} brings them back after a restart, and
 * runs every connector and all its tasks in this process through its {@link Worker}, which runs
 * them on a bounded pool of {@code worker.threads} threads and commits their acknowledged offsets
 * every {@code offset.flush.interval.ms} and when they stop.
 *
 * <p>Connector lifecycle changes run one at a time on a single lifecycle thread, so changes to one
 * connector apply in the order they came; the public methods may be called from any thread and
 * wait for the change to finish. The slow part of a start, the plugin's {@code start} and
 * {@code taskConfigs}, runs on the connector's own thread (see {@link Worker#startConnector}), so a
 * plugin stuck in its start delays no other connector's change: a change waits for it at most
 * {@link #START_WAIT} before it answers with the connector still UNASSIGNED, and a stop waits for
 * it at most half a second, then abandons that plugin instance. A change that waited longer than the
 * change timeout behind others is withdrawn, never applied later; one already under way is waited
 * for and answered. Reads (status, info, offsets) do not wait for changes.
 *
 * <p>Secrets: configs are kept in clear text for the plugins, and every config, task config and
 * trace that leaves the worker through {@link Herder} is masked with the connector's
 * {@link SecretMasking}. Log lines name keys, never values.
 */
public final class StandaloneHerder implements ManagedHerder {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneHerder.class);
    /** How long a change waits for the starts it began before it answers; they go on after. */
    static final Duration START_WAIT = Duration.ofSeconds(5);

    private final WorkerServices services;
    private final ConnectorConfigStore store;
    private final ConnectorValidator validator;
    private final Worker worker;
    private final ExecutorService connectorThread;
    private final Map<String, Entry> connectors = new ConcurrentHashMap<>();
    private final ConnectorSchemas schemas;
    private final Duration changeTimeout;
    // The connectors the change under way started, for its caller to wait for. Connector thread only.
    private List<String> startedByChange;
    private volatile boolean closed;
    private volatile boolean ready;

    /** One connector the herder knows: its config and target state; the worker runs it while it runs. */
    private static final class Entry {
        final String name;
        volatile StoredConnector stored;
        // False while STOPPED, or when the connector could not be created (see startFailure).
        volatile boolean running;
        volatile String startFailure;
        // Restored from the store and not yet named by startConnector; see there. Connector thread only.
        boolean awaitingClaim;

        Entry(String name, StoredConnector stored) {
            this.name = name;
            this.stored = stored;
        }
    }

    /** A herder that keeps its connectors in memory only, with a worker of its own; for tests and embedding. */
    public StandaloneHerder(WorkerServices services) {
        this(services, ConnectorConfigStore.inMemory());
    }

    /**
     * A herder with a worker of its own.
     *
     * @param services what the connectors share
     * @param store where connector configs and target states are kept; the herder closes it
     */
    public StandaloneHerder(WorkerServices services, ConnectorConfigStore store) {
        this(new Worker(services), services, store);
    }

    /**
     * @param worker runs every connector and all its tasks; the herder closes it after stopping them
     * @param services what the connectors share; the same as the worker's
     * @param store where connector configs and target states are kept; the herder closes it
     */
    public StandaloneHerder(Worker worker, WorkerServices services, ConnectorConfigStore store) {
        this(worker, services, store, services.config().shutdownTimeout().plus(Duration.ofSeconds(60)));
    }

    /** As {@link #StandaloneHerder(WorkerServices, ConnectorConfigStore)}, with a change timeout: see below. */
    StandaloneHerder(WorkerServices services, ConnectorConfigStore store, Duration changeTimeout) {
        this(new Worker(services), services, store, changeTimeout);
    }

    /**
     * @param changeTimeout how long a change may wait for the lifecycle thread before it is
     *     withdrawn and answered with {@link WorkerTimeoutException}
     */
    StandaloneHerder(Worker worker, WorkerServices services, ConnectorConfigStore store, Duration changeTimeout) {
        this.worker = requireNonNull(worker, "worker is null");
        this.changeTimeout = requireNonNull(changeTimeout, "changeTimeout is null");
        this.services = requireNonNull(services, "services is null");
        this.schemas = new ConnectorSchemas(services.plugins());
        this.store = requireNonNull(store, "store is null");
        this.validator = new ConnectorValidator(services.plugins(), services.config().exactlyOnce());
        this.connectorThread = Executors.newSingleThreadExecutor(named("connector-lifecycle"));
    }

    public ConnectorValidator validator() {
        return validator;
    }

    /** As {@link #restore(Set)}. */
    @Override
    public void start(Set<String> givenAtStart) {
        restore(givenAtStart);
    }

    /**
     * Starts every connector of the store in its target state, waiting for their starts at most
     * {@link #START_WAIT}. A connector that cannot be started (its plugin is gone, its config no
     * longer valid, its start throws, even an {@link Error}) is kept and shown FAILED with the
     * reason, so that it can be fixed or deleted over REST; the worker starts all the same. Call
     * once, before the worker takes requests.
     */
    public void restore() {
        restore(Set.of());
    }

    /**
     * As {@link #restore()}, but the connectors named in {@code givenAtStart} are only loaded:
     * they start when {@link #startConnector} names them, with the config it gives. Otherwise a
     * connector whose file was changed while the worker was down would first run for a while
     * with its old config, reading from the old endpoint or writing to the old topic.
     */
    public void restore(Set<String> givenAtStart) {
        requireNonNull(givenAtStart, "givenAtStart is null");
        onConnectorThread(() -> {
            Map<String, StoredConnector> stored = store.load();
            for (Map.Entry<String, StoredConnector> e : stored.entrySet()) {
                Entry entry = new Entry(e.getKey(), e.getValue());
                entry.awaitingClaim = true;
                connectors.put(entry.name, entry);
                if (!givenAtStart.contains(entry.name)) {
                    startIfWanted(entry);
                }
            }
            if (!stored.isEmpty()) {
                LOG.info("restored {} connector(s) from the store: {}", stored.size(), stored.keySet());
            }
            return null;
        });
        ready = true;
    }

    /**
     * Validates and starts a connector given on the command line or by an embedding program.
     *
     * <p>A connector of the same name that {@link #restore} brought back is taken over instead:
     * its config is replaced when it differs and it keeps its stored target state, so a worker
     * restarted with the same connector files resumes where it was.
     *
     * @throws ConfigException with one line per bad field, or when the name is taken
     */
    public ConnectorStatus startConnector(Map<String, String> flatConfig) {
        ConnectorConfig config = validator.parse(flatConfig);
        return fresh(onConnectorThread(() -> {
            ensureOpen();
            Entry existing = connectors.get(config.name());
            if (existing != null) {
                if (!existing.awaitingClaim) {
                    throw new ConfigException("name: a connector called '" + config.name() + "' is already running");
                }
                existing.awaitingClaim = false;
                if (!existing.stored.config().equals(flatConfig) || existing.startFailure != null) {
                    LOG.info("connector {} from the store takes the config given at start", config.name());
                    replace(existing, new StoredConnector(flatConfig, existing.stored.targetState()));
                } else if (!existing.running) {
                    // Held back by restore(givenAtStart); a STOPPED one stays stopped.
                    startIfWanted(existing);
                }
                return statusOf(existing);
            }
            return statusOf(create(config.name(), new StoredConnector(flatConfig, TargetState.STARTED)));
        }));
    }

    /** The status of a connector, if the worker knows it. */
    public Optional<ConnectorStatus> status(String name) {
        return find(name).map(this::statusOf);
    }

    @Override
    public List<String> connectorNames() {
        return connectors.keySet().stream().sorted().toList();
    }

    @Override
    public ConnectorInfo connectorInfo(String name) {
        return infoOf(require(name));
    }

    @Override
    public ConnectorStatus connectorStatus(String name) {
        return statusOf(find(name).orElseThrow(() -> new UnknownConnectorException("No status found for connector " + CallerText.shown(name))));
    }

    @Override
    public TaskStatus taskStatus(String name, int task) {
        ConnectorStatus status = connectorStatus(name);
        return status.tasks().stream().filter(t -> t.id() == task).findFirst()
                .orElseThrow(() -> new UnknownConnectorException("No status found for task " + CallerText.shown(name) + "-" + task));
    }

    @Override
    public Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
            TargetState initialState) {
        requireNonNull(name, "name is null");
        requireNonNull(config, "config is null");
        requireNonNull(initialState, "initialState is null");
        return fresh(onConnectorThread(() -> {
            ensureOpen();
            Entry existing = connectors.get(name);
            if (existing != null && !allowReplace) {
                throw new ConnectorExistsException("Connector " + CallerText.shown(name) + " already exists");
            }
            Map<String, String> stored = existing == null ? Map.of() : existing.stored.config();
            Map<String, String> full = SecretMasking.restoreHidden(config, stored, schemaOf(config));
            SecretMasking.requireSecretsResent(config, stored, full, schemaOf(full));
            ConnectorConfig parsed = validator.parse(full);
            if (!parsed.name().equals(name)) {
                throw new ConnectorStateException("Connector name configuration (" + parsed.name()
                        + ") doesn't match connector name in the URL (" + CallerText.shown(name) + ")");
            }
            if (existing == null) {
                return new Created(true, infoOf(create(name, new StoredConnector(full, initialState))));
            }
            existing.awaitingClaim = false;
            replace(existing, new StoredConnector(full, existing.stored.targetState()));
            return new Created(false, infoOf(existing));
        }));
    }

    @Override
    public ConnectorInfo patchConnectorConfig(String name, Map<String, String> patch) {
        requireNonNull(patch, "patch is null");
        return fresh(onConnectorThread(() -> {
            ensureOpen();
            Entry entry = require(name);
            Map<String, String> merged = new LinkedHashMap<>(entry.stored.config());
            patch.forEach((key, value) -> {
                if (value == null) {
                    merged.remove(key);
                } else {
                    merged.put(key, value);
                }
            });
            Map<String, String> full = SecretMasking.restoreHidden(merged, entry.stored.config(), schemaOf(merged));
            SecretMasking.requireSecretsResent(patch, entry.stored.config(), full, schemaOf(full));
            ConnectorConfig parsed = validator.parse(full);
            if (!parsed.name().equals(name)) {
                throw new ConnectorStateException("Connector name configuration (" + parsed.name()
                        + ") doesn't match connector name in the URL (" + CallerText.shown(name) + ")");
            }
            entry.awaitingClaim = false;
            replace(entry, new StoredConnector(full, entry.stored.targetState()));
            return infoOf(entry);
        }));
    }

    @Override
    public void deleteConnector(String name) {
        onConnectorThread(() -> {
            Entry entry = require(name);
            store.remove(name);
            connectors.remove(name);
            stopRunner(entry);
            LOG.info("connector {} deleted; its committed offsets stay in the offset store", name);
            return null;
        });
    }

    @Override
    public void restartConnector(String name) {
        onConnectorThread(() -> {
            Entry entry = require(name);
            if (entry.stored.targetState() != TargetState.STOPPED) {
                stopRunner(entry);
                startIfWanted(entry);
                LOG.info("connector {} restarted", name);
            }
            return null;
        });
    }

    @Override
    public ConnectorStatus restartConnectorAndTasks(String name, boolean onlyFailed, boolean includeTasks) {
        return onConnectorThread(() -> {
            Entry entry = require(name);
            ConnectorStatus before = statusOf(entry);
            if (entry.stored.targetState() == TargetState.STOPPED) {
                return before;
            }
            boolean connector = !onlyFailed || before.state() == State.FAILED;
            List<Integer> taskIds = new ArrayList<>();
            for (TaskStatus task : before.tasks()) {
                // A connector instance creates its tasks, so restarting it restarts every one of them.
                if (connector || (includeTasks && (!onlyFailed || task.state() == State.FAILED))) {
                    taskIds.add(task.id());
                }
            }
            if (connector) {
                stopRunner(entry);
                startIfWanted(entry);
            } else {
                for (int id : taskIds) {
                    if (entry.running) {
                        worker.restartTask(name, id);
                    }
                }
            }
            LOG.info("connector {} restarted (connector instance: {}, tasks: {})", name, connector, taskIds);
            List<TaskStatus> tasks = before.tasks().stream()
                    .map(t -> taskIds.contains(t.id()) ? new TaskStatus(t.id(), State.RESTARTING, null, t.workerId()) : t)
                    .toList();
            return new ConnectorStatus(before.name(), connector ? State.RESTARTING : before.state(),
                    connector ? null : before.trace(), before.workerId(), tasks);
        });
    }

    @Override
    public void restartTask(String name, int task) {
        onConnectorThread(() -> {
            Entry entry = require(name);
            if (!entry.running || !worker.restartTask(name, task)) {
                throw new UnknownConnectorException("Task " + CallerText.shown(name) + "-" + task + " not found");
            }
            return null;
        });
    }

    @Override
    public void pauseConnector(String name) {
        changeTargetState(name, TargetState.PAUSED);
    }

    @Override
    public void resumeConnector(String name) {
        changeTargetState(name, TargetState.STARTED);
    }

    @Override
    public void stopConnector(String name) {
        changeTargetState(name, TargetState.STOPPED);
    }

    @Override
    public Map<SourcePartition, SourceOffset> connectorOffsets(String name) {
        Entry entry = require(name);
        Optional<Map<SourcePartition, SourceOffset>> running = entry.running ? worker.offsets(name) : Optional.empty();
        return running.orElseGet(() -> services.offsetStore().readAll(name));
    }

    @Override
    public void alterConnectorOffsets(String name, Map<SourcePartition, SourceOffset> write,
            Collection<SourcePartition> remove) {
        requireNonNull(write, "write is null");
        requireNonNull(remove, "remove is null");
        onConnectorThread(() -> {
            requireStopped(require(name));
            if (!remove.isEmpty()) {
                services.offsetStore().remove(name, List.copyOf(remove));
            }
            if (!write.isEmpty()) {
                services.offsetStore().write(name, Map.copyOf(write));
            }
            LOG.info("offsets of connector {} altered: {} written, {} removed", name, write.size(), remove.size());
            return null;
        });
    }

    @Override
    public void resetConnectorOffsets(String name) {
        onConnectorThread(() -> {
            requireStopped(require(name));
            Map<SourcePartition, SourceOffset> all = services.offsetStore().readAll(name);
            if (!all.isEmpty()) {
                services.offsetStore().remove(name, List.copyOf(all.keySet()));
            }
            LOG.info("offsets of connector {} reset: {} partition(s) removed", name, all.size());
            return null;
        });
    }

    @Override
    public boolean isReady() {
        return ready && !closed;
    }

    @Override
    public boolean isResponsive(Duration timeout) {
        if (closed) {
            return false;
        }
        try {
            connectorThread.submit(() -> null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private void changeTargetState(String name, TargetState target) {
        onConnectorThread(() -> {
            Entry entry = require(name);
            TargetState before = entry.stored.targetState();
            if (before != target) {
                store.put(name, entry.stored.withTargetState(target));
            }
            entry.stored = entry.stored.withTargetState(target);
            boolean running = entry.running;
            switch (target) {
                case STOPPED -> stopRunner(entry);
                case PAUSED -> {
                    if (!running) {
                        startIfWanted(entry);
                    } else {
                        worker.pause(name);
                    }
                }
                case STARTED -> {
                    if (!running) {
                        startIfWanted(entry);
                    } else {
                        worker.resume(name);
                    }
                }
            }
            if (before != target) {
                LOG.info("connector {}: {} -> {}", name, before, target);
            }
            return null;
        });
    }

    /** Connector thread only. */
    private Entry create(String name, StoredConnector stored) {
        store.put(name, stored);
        Entry entry = new Entry(name, stored);
        connectors.put(name, entry);
        startIfWanted(entry);
        LOG.info("connector {} created ({}, keys {})", name, stored.targetState(), stored.config().keySet());
        return entry;
    }

    /** Connector thread only: stores the new config, then restarts the connector with it. */
    private void replace(Entry entry, StoredConnector next) {
        store.put(entry.name, next);
        stopRunner(entry);
        entry.stored = next;
        startIfWanted(entry);
        LOG.info("connector {} reconfigured (keys {})", entry.name, next.config().keySet());
    }

    /** Connector thread only: starts a runner unless the target state is STOPPED. */
    private void startIfWanted(Entry entry) {
        entry.startFailure = null;
        if (entry.stored.targetState() == TargetState.STOPPED) {
            return;
        }
        try {
            ConnectorConfig config = validator.parse(entry.stored.config());
            worker.startConnector(config, entry.stored.targetState(), new RunTasksHere(config));
        } catch (ConfigException e) {
            // A stored config that no longer fits (its plugin removed, say) stays, FAILED, to be fixed.
            entry.startFailure = masking(entry.stored.config()).redact(String.join("; ", e.problems()));
            LOG.error("connector {} cannot start: {}", entry.name, entry.startFailure);
            return;
        } catch (RuntimeException | Error e) {
            // Errors too (a plugin class that no longer links, say): one connector, not the worker, fails.
            entry.startFailure = masking(entry.stored.config()).redact(ErrorSummary.of(e));
            LOG.error("connector {} cannot start: {}", entry.name, entry.startFailure);
            return;
        }
        entry.running = true;
        if (startedByChange != null) {
            startedByChange.add(entry.name);
        }
    }

    /** Runs every task a connector asks for on this process's worker, as a standalone worker always did. */
    private final class RunTasksHere implements TaskConfigListener {
        private final ConnectorConfig config;

        RunTasksHere(ConnectorConfig config) {
            this.config = config;
        }

        @Override
        public void onTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
            worker.replaceTasks(config, taskConfigs);
        }

        @Override
        public void onFailure(String connector, String trace) {
            // A FAILED connector runs no task; their offsets go out with the next commit.
            worker.stopTasks(connector);
        }
    }

    /** Connector thread only: stops the connector and its tasks, committing their offsets. */
    private void stopRunner(Entry entry) {
        boolean running = entry.running;
        entry.running = false;
        if (running) {
            worker.stopConnectorAndTasks(entry.name);
        }
    }

    private void requireStopped(Entry entry) {
        if (entry.stored.targetState() != TargetState.STOPPED || entry.running) {
            throw new ConnectorStateException("Connectors must be in the STOPPED state before their offsets can be"
                    + " modified. This can be done for the specified connector by issuing a 'PUT' request to the"
                    + " '/connectors/" + entry.name + "/stop' endpoint");
        }
    }

    private ConnectorStatus statusOf(Entry entry) {
        Optional<ConnectorStatus> running = entry.running ? worker.connectorStatus(entry.name) : Optional.empty();
        SecretMasking masking = masking(entry.stored.config());
        if (running.isEmpty()) {
            String failure = entry.startFailure;
            State state = failure != null ? State.FAILED
                    : entry.stored.targetState() == TargetState.STOPPED ? State.STOPPED : State.UNASSIGNED;
            return new ConnectorStatus(entry.name, state, failure, services.workerId(), List.of());
        }
        ConnectorStatus status = running.get();
        List<TaskStatus> tasks = status.tasks().stream()
                .map(t -> new TaskStatus(t.id(), t.state(), masking.redact(t.trace()), t.workerId())).toList();
        return new ConnectorStatus(status.name(), status.state(), masking.redact(status.trace()), status.workerId(), tasks);
    }

    private ConnectorInfo infoOf(Entry entry) {
        Map<String, String> config = entry.stored.config();
        SecretMasking masking = masking(config);
        List<ConnectorInfo.TaskInfo> tasks = new ArrayList<>();
        if (entry.running) {
            worker.taskConfigs(entry.name).forEach((id, taskConfig) ->
                    tasks.add(new ConnectorInfo.TaskInfo(id, masking.maskDerived(taskConfig))));
        }
        return new ConnectorInfo(entry.name, masking.mask(config), tasks);
    }

    private SecretMasking masking(Map<String, String> config) {
        return schemas.masking(config);
    }

    private Optional<ConfigSchema> schemaOf(Map<String, String> config) {
        return schemas.schemaOf(config);
    }

    /** Commits every connector's acknowledged offsets now. */
    public void commitAll() {
        worker.commitAll();
    }

    /**
     * Stops every connector: tasks stop polling, in-flight records get up to
     * {@code task.shutdown.timeout.ms} to be acknowledged, and offsets are committed. The stored
     * configs and target states stay, for the next start.
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
                connectors.values().forEach(entry -> entry.running = false);
                connectors.clear();
                // The worker stops the tasks of all connectors together, so shutdown takes one
                // timeout, not one per connector, and commits their offsets.
                worker.close();
                return null;
            });
        } finally {
            worker.close();
            connectorThread.shutdown();
            store.close();
        }
    }

    private Optional<Entry> find(String name) {
        return Optional.ofNullable(name).map(connectors::get);
    }

    private Entry require(String name) {
        return find(name).orElseThrow(() -> new UnknownConnectorException("Connector " + CallerText.shown(name) + " not found"));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the worker is shutting down");
        }
    }

    /**
     * Runs a change on the lifecycle thread and returns its result once the connectors it started
     * have started, or {@link #START_WAIT} has passed. A change still queued after the change
     * timeout is withdrawn, so it is never applied; one already running is waited for.
     *
     * <p>Package-private so that tests can hold the lifecycle thread.
     */
    <T> T onConnectorThread(Callable<T> action) {
        // Claimed once: by the lifecycle thread to run the change, or by the timeout to withdraw it.
        AtomicBoolean claimed = new AtomicBoolean();
        Future<Applied<T>> future;
        try {
            future = connectorThread.submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null;
                }
                startedByChange = new ArrayList<>();
                try {
                    return new Applied<>(action.call(), List.copyOf(startedByChange));
                } finally {
                    startedByChange = null;
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the worker is shutting down", e);
        }
        Applied<T> applied;
        try {
            try {
                applied = future.get(changeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (claimed.compareAndSet(false, true)) {
                    future.cancel(false);
                    throw new WorkerTimeoutException("the worker did not get to this change within "
                            + words(changeTimeout) + ", as other changes were under way; it was not applied,"
                            + " and will not be: try again", e);
                }
                // Under way: its bounded steps (a stop waits at most task.shutdown.timeout.ms) finish it.
                applied = future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(ErrorSummary.of(e.getCause()), e.getCause());
        }
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        for (String name : applied.started()) {
            worker.awaitConnectorStarted(name, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return applied.result();
    }

    private static String words(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** A change's result, and the connectors it started. */
    private record Applied<T>(T result, List<String> started) {
    }

    /** The answer again, taken after the starts the change began have finished. */
    private Created fresh(Created created) {
        return new Created(created.created(), fresh(created.info()));
    }

    private ConnectorInfo fresh(ConnectorInfo info) {
        return find(info.name()).map(this::infoOf).orElse(info);
    }

    private ConnectorStatus fresh(ConnectorStatus status) {
        return find(status.name()).map(this::statusOf).orElse(status);
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
        return "StandaloneHerder[" + services.workerId() + ", connectors=" + connectorNames() + "]";
    }
}
