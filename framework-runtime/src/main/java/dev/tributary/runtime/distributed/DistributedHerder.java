package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.distributed.GroupRecord.ConnectorStatusRecord;
import dev.tributary.runtime.distributed.GroupRecord.RestartRequest;
import dev.tributary.runtime.distributed.GroupRecord.TargetStateRecord;
import dev.tributary.runtime.distributed.GroupRecord.TaskConfigs;
import dev.tributary.runtime.distributed.GroupRecord.TaskStatusRecord;
import dev.tributary.runtime.worker.CallerText;
import dev.tributary.runtime.worker.ConnectorExistsException;
import dev.tributary.runtime.worker.ConnectorInfo;
import dev.tributary.runtime.worker.ConnectorStateException;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.ConnectorSchemas;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.ManagedHerder;
import dev.tributary.runtime.worker.RebalanceInProgressException;
import dev.tributary.runtime.worker.SecretMasking;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.runtime.worker.TaskConfigListener;
import dev.tributary.runtime.worker.TaskStatus;
import dev.tributary.runtime.worker.UnknownConnectorException;
import dev.tributary.runtime.worker.Worker;
import dev.tributary.runtime.worker.WorkerServices;
import dev.tributary.runtime.worker.WorkerTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The herder of a worker group (issue #13): connector configs and target states live on the
 * group's compacted {@code configs} topic, statuses on its {@code status} topic, and the group's
 * leader decides which worker runs each connector instance and each task. This herder runs on its
 * {@link Worker} what the assignment gives this worker, and answers REST from the shared views, so
 * every worker answers the same.
 *
 * <p>Writes: every worker writes connector configs and target states to the configs topic itself;
 * nothing is forwarded. The topic orders the writes, the last one wins, and every worker (this one
 * included) acts on what the topic says, not on what it was asked. Two callers that create one name
 * on two workers at the same moment may both be told "created"; the later config is the one kept.
 * Task configs are written only by the worker that runs the connector instance, statuses only by
 * the worker that runs the connector or task.
 *
 * <p>Restarts (of a connector, with or without its tasks, or of one task) are accepted by every
 * worker too: the worker asked writes a {@link RestartRequest} to the configs topic, with a fresh
 * request id and the assignment generation it knows, and answers once the broker stored it. Every
 * worker reads it, and the ones that run what it names restart it ({@link RestartRequests} decides
 * what, and makes each request happen once). When no worker runs what must restart (the group is
 * assigning it), nothing is written and the caller gets {@link RebalanceInProgressException} (HTTP
 * 409) to retry. Offsets are read from the local tasks when they
 * run here, otherwise from the offset store; they may be changed only while the connector is STOPPED
 * and the assignment no longer names any of its tasks.
 *
 * <p>Threads: assignment diffs arrive on the member's tailer thread and config changes on the
 * client's listener thread; both change what runs here under one lock, so changes apply one at a
 * time. Statuses are published by a thread of this herder every {@link #STATUS_INTERVAL} when they
 * changed. REST methods may be called from any thread; writes return once the broker stored them.
 *
 * <p>Secrets: configs are on the configs topic in clear, as in Kafka Connect; everything that
 * leaves through {@link dev.tributary.runtime.worker.Herder} is masked with the connector's
 * {@link SecretMasking}, and traces written to the status topic are redacted first.
 */
public final class DistributedHerder implements ManagedHerder, AssignmentTailer.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedHerder.class);
    /** How often this worker looks for status changes of what it runs, and publishes them. */
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);
    /** How long a write to the group's topics may take before the caller is told it timed out. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a write's answer waits for the configs view to show the write, after a refresh. */
    static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_BACK_POLL = Duration.ofMillis(10);

    /** Joins the group with this herder as the one that runs what it is assigned. */
    @FunctionalInterface
    public interface Membership {
        GroupMember join(AssignmentTailer.Listener work);
    }

    private final Worker worker;
    private final WorkerServices services;
    private final Membership membership;
    private final ConnectorValidator validator;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final ScheduledExecutorService statusThread;
    private final ConnectorSchemas schemas;
    // Guarded by lifecycle.
    private Assignment current = Assignment.NONE;
    private WorkerAssignment running = WorkerAssignment.EMPTY;
    private final Map<ConnectorTaskId, Long> taskGenerations = new HashMap<>();
    // The assignment generation each instance and task here was last (re)started under, for restart requests.
    private final Map<String, Long> instancesStartedUnder = new HashMap<>();
    private final Map<ConnectorTaskId, Long> tasksStartedUnder = new HashMap<>();
    private final RestartRequests restartRequests = new RestartRequests();
    private final Map<String, Map<String, String>> instanceConfigs = new HashMap<>();
    // Status thread only.
    private final Map<String, GroupRecord> published = new HashMap<>();
    private volatile GroupMember member;
    private volatile boolean ready;
    private volatile boolean closed;

    /**
     * @param worker runs what this worker is assigned; the herder closes it
     * @param services the same as the worker's
     * @param membership how to join the group, called once by {@link #start}
     */
    public DistributedHerder(Worker worker, WorkerServices services, Membership membership) {
        this.worker = requireNonNull(worker, "worker is null");
        this.services = requireNonNull(services, "services is null");
        this.schemas = new ConnectorSchemas(services.plugins());
        this.membership = requireNonNull(membership, "membership is null");
        this.validator = new ConnectorValidator(services.plugins(), services.config().exactlyOnce());
        this.statusThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "group-status-" + services.workerId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the group; from then on it runs what the leader assigns to it. Connectors named in
     * {@code givenAtStart} need no holding back: nothing runs before the group assigns it.
     */
    @Override
    public void start(Set<String> givenAtStart) {
        requireNonNull(givenAtStart, "givenAtStart is null");
        GroupMember joined = membership.join(this);
        member = joined;
        joined.configs().listen(this::onConfigChange);
        long interval = STATUS_INTERVAL.toMillis();
        statusThread.scheduleWithFixedDelay(this::publishStatuses, interval, interval, TimeUnit.MILLISECONDS);
        ready = true;
        LOG.info("worker {} joined group {}", services.workerId(), joined.membership());
    }

    // ---- running what the assignment says ----

    /** Stops what this worker loses (committing its offsets), then starts what it gains. */
    @Override
    public void apply(Assignment assignment, AssignmentDiff diff) {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            current = assignment;
            for (ConnectorTaskId task : diff.stopTasks()) {
                worker.stopTask(task.connector(), task.task());
                taskGenerations.remove(task);
                tasksStartedUnder.remove(task);
            }
            for (String connector : diff.stopConnectors()) {
                worker.stopConnector(connector);
                instanceConfigs.remove(connector);
                instancesStartedUnder.remove(connector);
            }
            running = assignment.of(services.workerId());
            for (String connector : diff.startConnectors()) {
                startInstance(connector);
            }
            for (ConnectorTaskId task : diff.startTasks()) {
                startTask(task);
            }
            if (!diff.isEmpty()) {
                LOG.info("generation {}: stopped {} and {}, started {} and {}", assignment.generation(),
                        diff.stopConnectors(), diff.stopTasks(), diff.startConnectors(), diff.startTasks());
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** A key of the configs topic changed: bring what runs here in line with it. */
    private void onConfigChange(String key, Optional<GroupRecord> record) {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            if (key.startsWith("connector/")) {
                String name = key.substring("connector/".length());
                Optional<Map<String, String>> config = storedConfig(name);
                if (config.isPresent() && running.connectors().contains(name)
                        && !config.get().equals(instanceConfigs.get(name))) {
                    worker.stopConnector(name);
                    instanceConfigs.remove(name);
                    startInstance(name);
                }
            } else if (key.startsWith("target/")) {
                String name = key.substring("target/".length());
                if (targetState(name) == TargetState.PAUSED) {
                    worker.pause(name);
                } else if (targetState(name) == TargetState.STARTED) {
                    worker.resume(name);
                }
            } else if (key.startsWith("restart/") || key.startsWith("restart-task/")) {
                if (record.isPresent() && record.get() instanceof RestartRequest request) {
                    performRestart(request);
                } else if (record.isEmpty()) {
                    restartRequests.forget(key);
                }
            } else if (key.startsWith("tasks/")) {
                String name = key.substring("tasks/".length());
                Optional<TaskConfigs> configs = taskConfigs(name);
                for (ConnectorTaskId task : running.tasks()) {
                    Long started = taskGenerations.get(task);
                    if (task.connector().equals(name) && configs.isPresent()
                            && (started == null || started < configs.get().generation())) {
                        // The instance made new task configs: this task restarts with its new one.
                        worker.stopTask(name, task.task());
                        taskGenerations.remove(task);
                        startTask(task);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not follow the change of {}: {}", key, e.toString());
        } finally {
            lifecycle.unlock();
        }
    }

    private void startInstance(String name) {
        Optional<Map<String, String>> flat = storedConfig(name);
        if (flat.isEmpty()) {
            return;
        }
        TargetState target = targetState(name);
        if (target == TargetState.STOPPED) {
            return;
        }
        try {
            ConnectorConfig config = validator.parse(flat.get());
            instanceConfigs.put(name, flat.get());
            worker.startConnector(config, target, new PublishTaskConfigs());
            instancesStartedUnder.put(name, current.generation());
        } catch (RuntimeException e) {
            String trace = masking(flat.get()).redact(e.getMessage() == null ? e.toString() : e.getMessage());
            LOG.warn("connector {} could not start here: {}", name, trace);
            write(member.statusWriter().put(new ConnectorStatusRecord(name, State.FAILED, services.workerId(),
                    Optional.of(trace))), "publish the status of connector " + name);
        }
    }

    private void startTask(ConnectorTaskId task) {
        Optional<Map<String, String>> flat = storedConfig(task.connector());
        Optional<TaskConfigs> configs = taskConfigs(task.connector());
        if (flat.isEmpty() || configs.isEmpty() || task.task() >= configs.get().tasks().size()) {
            return;
        }
        try {
            ConnectorConfig config = validator.parse(flat.get());
            worker.startTask(config, task.task(), configs.get().tasks().get(task.task()), targetState(task.connector()));
            taskGenerations.put(task, configs.get().generation());
            tasksStartedUnder.put(task, current.generation());
        } catch (RuntimeException e) {
            String trace = masking(flat.get()).redact(e.getMessage() == null ? e.toString() : e.getMessage());
            LOG.warn("task {} could not start here: {}", task, trace);
            write(member.statusWriter().put(new TaskStatusRecord(task, State.FAILED, services.workerId(),
                    current.generation(), Optional.of(trace))), "publish the status of task " + task);
        }
    }

    /** The instance that runs here publishes its task configs for the group, with a new generation when they changed. */
    private final class PublishTaskConfigs implements TaskConfigListener {
        @Override
        public void onTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
            Optional<TaskConfigs> previous = taskConfigs(connector);
            if (previous.isPresent() && previous.get().tasks().equals(taskConfigs)) {
                return;
            }
            long generation = previous.map(p -> p.generation() + 1).orElse(1L);
            // Async: this runs on the instance's thread, which must not wait for the broker.
            member.configWriter().put(new TaskConfigs(connector, generation, taskConfigs)).whenComplete((id, e) -> {
                if (e != null) {
                    LOG.warn("could not publish the task configs of connector {}: {}", connector, e.toString());
                }
            });
        }

        @Override
        public void onFailure(String connector, String trace) {
            member.statusWriter().put(new ConnectorStatusRecord(connector, State.FAILED, services.workerId(),
                    Optional.ofNullable(trace)));
        }
    }

    /** Publishes the statuses of what runs here that changed since last published. */
    private void publishStatuses() {
        try {
            GroupMember m = member;
            if (m == null || closed) {
                return;
            }
            long generation = current.generation();
            for (String connector : worker.connectors()) {
                Map<String, String> flat = storedConfig(connector).orElse(Map.of());
                SecretMasking masking = masking(flat);
                worker.connectorStatus(connector).ifPresent(s -> publish(m, new ConnectorStatusRecord(connector,
                        s.state(), s.workerId(), Optional.ofNullable(masking.redact(s.trace())))));
                for (TaskStatus t : worker.taskStatuses(connector)) {
                    publish(m, new TaskStatusRecord(new ConnectorTaskId(connector, t.id()), t.state(), t.workerId(),
                            generation, Optional.ofNullable(masking.redact(t.trace()))));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not publish statuses: {}", e.toString());
        }
    }

    private void publish(GroupMember m, GroupRecord record) {
        if (!record.equals(published.get(record.key()))) {
            published.put(record.key(), record);
            m.statusWriter().put(record).whenComplete((id, e) -> {
                if (e != null) {
                    published.remove(record.key(), record);
                }
            });
        }
    }

    // ---- reads, from the shared views ----

    @Override
    public List<String> connectorNames() {
        return group().configs().all(GroupRecord.ConnectorConfig.class).values().stream()
                .map(GroupRecord.ConnectorConfig::name).sorted().toList();
    }

    @Override
    public ConnectorInfo connectorInfo(String name) {
        Map<String, String> config = requireConfig(name);
        SecretMasking masking = masking(config);
        List<ConnectorInfo.TaskInfo> tasks = new ArrayList<>();
        taskConfigs(name).ifPresent(t -> {
            for (int i = 0; i < t.tasks().size(); i++) {
                tasks.add(new ConnectorInfo.TaskInfo(i, masking.maskDerived(t.tasks().get(i))));
            }
        });
        return new ConnectorInfo(name, masking.mask(config), tasks);
    }

    /**
     * From the status topic, trusting a status only when it comes from the worker the assignment in
     * force names: any other is stale, and shows UNASSIGNED on the assigned worker.
     */
    @Override
    public ConnectorStatus connectorStatus(String name) {
        Map<String, String> config = requireConfig(name);
        Assignment assignment = group().assignment();
        if (targetState(name) == TargetState.STOPPED) {
            return new ConnectorStatus(name, State.STOPPED, null, assignment.ownerOf(name).orElse(""), List.of());
        }
        String owner = assignment.ownerOf(name).orElse("");
        ConnectorStatus status = group().status().get(GroupRecord.connectorStatusKey(name))
                .filter(ConnectorStatusRecord.class::isInstance).map(ConnectorStatusRecord.class::cast)
                .filter(r -> r.workerId().equals(owner))
                .map(r -> new ConnectorStatus(name, r.state(), r.trace().orElse(null), owner, List.of()))
                .orElse(new ConnectorStatus(name, State.UNASSIGNED, null, owner, List.of()));
        int count = taskConfigs(name).map(t -> t.tasks().size()).orElse(0);
        List<TaskStatus> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ConnectorTaskId id = new ConnectorTaskId(name, i);
            String taskOwner = assignment.ownerOf(id).orElse("");
            int index = i;
            tasks.add(group().status().get(GroupRecord.taskStatusKey(id))
                    .filter(TaskStatusRecord.class::isInstance).map(TaskStatusRecord.class::cast)
                    .filter(r -> r.workerId().equals(taskOwner))
                    .map(r -> new TaskStatus(index, r.state(), r.trace().orElse(null), taskOwner))
                    .orElse(new TaskStatus(index, State.UNASSIGNED, null, taskOwner)));
        }
        SecretMasking masking = masking(config);
        return new ConnectorStatus(name, status.state(), masking.redact(status.trace()), status.workerId(), tasks);
    }

    @Override
    public TaskStatus taskStatus(String name, int task) {
        return connectorStatus(name).tasks().stream().filter(t -> t.id() == task).findFirst()
                .orElseThrow(() -> new UnknownConnectorException("No status found for task "
                        + CallerText.shown(name, 100) + "-" + task));
    }

    @Override
    public Map<SourcePartition, SourceOffset> connectorOffsets(String name) {
        requireConfig(name);
        return worker.offsets(name).orElseGet(() -> services.offsetStore().readAll(name));
    }

    @Override
    public boolean isReady() {
        return ready && !closed;
    }

    @Override
    public boolean isResponsive(Duration timeout) {
        try {
            if (!lifecycle.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        lifecycle.unlock();
        return ready && !closed;
    }

    // ---- writes, to the configs topic ----

    @Override
    public synchronized Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
            TargetState initialState) {
        requireNonNull(name, "name is null");
        requireNonNull(config, "config is null");
        requireNonNull(initialState, "initialState is null");
        Optional<Map<String, String>> existing = storedConfig(name);
        if (existing.isPresent() && !allowReplace) {
            throw new ConnectorExistsException("Connector " + CallerText.shown(name, 100) + " already exists");
        }
        Map<String, String> stored = existing.orElse(Map.of());
        Map<String, String> full = SecretMasking.restoreHidden(config, stored, schemaOf(config));
        SecretMasking.requireSecretsResent(config, stored, full, schemaOf(full));
        requireNameMatches(name, full);
        if (existing.isEmpty()) {
            write(member().configWriter().put(new TargetStateRecord(name, initialState)), "store connector " + name);
        }
        write(member().configWriter().put(new GroupRecord.ConnectorConfig(name, full)), "store connector " + name);
        catchUp(() -> storedConfig(name).filter(full::equals).isPresent());
        return new Created(existing.isEmpty(), connectorInfo(name));
    }

    @Override
    public synchronized ConnectorInfo patchConnectorConfig(String name, Map<String, String> patch) {
        requireNonNull(patch, "patch is null");
        Map<String, String> stored = requireConfig(name);
        Map<String, String> merged = new LinkedHashMap<>(stored);
        patch.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        Map<String, String> full = SecretMasking.restoreHidden(merged, stored, schemaOf(merged));
        SecretMasking.requireSecretsResent(patch, stored, full, schemaOf(full));
        requireNameMatches(name, full);
        write(member().configWriter().put(new GroupRecord.ConnectorConfig(name, full)), "store connector " + name);
        catchUp(() -> storedConfig(name).filter(full::equals).isPresent());
        return connectorInfo(name);
    }

    @Override
    public synchronized void deleteConnector(String name) {
        requireConfig(name);
        int tasks = taskConfigs(name).map(t -> t.tasks().size()).orElse(0);
        GroupTopicWriter configs = member().configWriter();
        write(configs.delete(GroupRecord.connectorKey(name)), "delete connector " + name);
        write(configs.delete(GroupRecord.targetKey(name)), "delete connector " + name);
        write(configs.delete(GroupRecord.tasksKey(name)), "delete connector " + name);
        List<String> restartKeys = new ArrayList<>(List.of(GroupRecord.restartKey(name)));
        for (int i = 0; i < tasks; i++) {
            restartKeys.add(GroupRecord.restartTaskKey(new ConnectorTaskId(name, i)));
        }
        for (String key : restartKeys) {
            if (group().configs().get(key).isPresent()) {
                write(configs.delete(key), "delete connector " + name);
            }
        }
        GroupTopicWriter status = member().statusWriter();
        write(status.delete(GroupRecord.connectorStatusKey(name)), "delete the status of connector " + name);
        for (int i = 0; i < tasks; i++) {
            write(status.delete(GroupRecord.taskStatusKey(new ConnectorTaskId(name, i))),
                    "delete the status of connector " + name);
        }
        catchUp(() -> storedConfig(name).isEmpty());
        LOG.info("connector {} deleted; its committed offsets stay in the offset store", name);
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

    private synchronized void changeTargetState(String name, TargetState state) {
        requireConfig(name);
        write(member().configWriter().put(new TargetStateRecord(name, state)), "change the state of connector " + name);
        catchUp(() -> targetState(name) == state);
    }

    // ---- restarts: any worker accepts them, the workers that run what they name perform them ----

    @Override
    public void restartConnector(String name) {
        RestartRequests.ofConnector(connectorStatus(name), targetState(name), false, false, group().assignment(),
                newRequestId()).ifPresent(this::writeRestart);
    }

    /**
     * Answers as Kafka Connect: the status as this worker reads it, with what the request restarts
     * shown as RESTARTING. The workers that run the connector and its tasks judge {@code onlyFailed}
     * by the states they see themselves.
     */
    @Override
    public ConnectorStatus restartConnectorAndTasks(String name, boolean onlyFailed, boolean includeTasks) {
        ConnectorStatus before = connectorStatus(name);
        Optional<RestartRequest> request = RestartRequests.ofConnector(before, targetState(name), onlyFailed, includeTasks,
                group().assignment(), newRequestId());
        if (request.isEmpty()) {
            return before;
        }
        writeRestart(request.get());
        return RestartRequests.restarting(before, onlyFailed, includeTasks);
    }

    @Override
    public void restartTask(String name, int task) {
        requireConfig(name);
        int count = taskConfigs(name).map(t -> t.tasks().size()).orElse(0);
        writeRestart(RestartRequests.ofTask(name, task, count, targetState(name), group().assignment(), newRequestId()));
    }

    private void writeRestart(RestartRequest request) {
        write(member().configWriter().put(request), "store the restart request of connector " + request.name());
        LOG.info("restart request {} stored: {}", request.requestId(), request.key());
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /** Lifecycle lock held: restarts what of {@code request} runs here (see {@link RestartRequests}). */
    private void performRestart(RestartRequest request) {
        String name = request.name();
        Optional<RestartRequests.Started> connector = Optional.ofNullable(instancesStartedUnder.get(name))
                .filter(g -> running.connectors().contains(name))
                .map(g -> new RestartRequests.Started(g, worker.connectorStatus(name).map(ConnectorStatus::state)
                        .orElse(State.UNASSIGNED)));
        Map<Integer, State> states = new HashMap<>();
        worker.taskStatuses(name).forEach(t -> states.put(t.id(), t.state()));
        Map<Integer, RestartRequests.Started> tasks = new HashMap<>();
        tasksStartedUnder.forEach((id, g) -> {
            if (id.connector().equals(name) && running.tasks().contains(id)) {
                tasks.put(id.task(), new RestartRequests.Started(g, states.getOrDefault(id.task(), State.UNASSIGNED)));
            }
        });
        RestartRequests.Plan plan = restartRequests.plan(request, new RestartRequests.Here(connector, tasks));
        if (plan.isEmpty()) {
            return;
        }
        if (plan.connector()) {
            worker.stopConnector(name);
            instanceConfigs.remove(name);
            instancesStartedUnder.remove(name);
            startInstance(name);
        }
        for (int task : plan.tasks()) {
            worker.restartTask(name, task);
            tasksStartedUnder.put(new ConnectorTaskId(name, task), current.generation());
        }
        LOG.info("restart request {} done here: connector instance {}, tasks {}", request.requestId(),
                plan.connector() ? "restarted" : "not restarted", plan.tasks());
    }

    // ---- offsets ----

    @Override
    public synchronized void alterConnectorOffsets(String name, Map<SourcePartition, SourceOffset> write,
            Collection<SourcePartition> remove) {
        requireStopped(name);
        if (!remove.isEmpty()) {
            services.offsetStore().remove(name, List.copyOf(remove));
        }
        if (!write.isEmpty()) {
            services.offsetStore().write(name, Map.copyOf(write));
        }
    }

    @Override
    public synchronized void resetConnectorOffsets(String name) {
        requireStopped(name);
        Map<SourcePartition, SourceOffset> all = services.offsetStore().readAll(name);
        if (!all.isEmpty()) {
            services.offsetStore().remove(name, List.copyOf(all.keySet()));
        }
    }

    /** STOPPED as a target, and nothing of it left in the assignment in force, so that no task commits meanwhile. */
    private void requireStopped(String name) {
        requireConfig(name);
        Assignment assignment = group().assignment();
        boolean assigned = assignment.ownerOf(name).isPresent() || assignment.workers().values().stream()
                .anyMatch(w -> w.tasks().stream().anyMatch(t -> t.connector().equals(name)));
        if (targetState(name) != TargetState.STOPPED || assigned) {
            throw new ConnectorStateException("Connectors must be in the STOPPED state before their offsets can be"
                    + " modified. This can be done for the specified connector by issuing a 'PUT' request to the"
                    + " '/connectors/" + name + "/stop' endpoint" + (assigned && targetState(name) == TargetState.STOPPED
                    ? "; it is stopping, retry in a few seconds" : ""));
        }
    }

    // ---- shutdown ----

    /** Stops every connector and task here, committing their offsets, then leaves the group and closes the worker. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            statusThread.shutdownNow();
            for (String connector : worker.connectors()) {
                try {
                    worker.stopConnectorAndTasks(connector);
                } catch (RuntimeException e) {
                    LOG.warn("stopping connector {} failed: {}", connector, e.toString());
                }
            }
        } finally {
            lifecycle.unlock();
        }
        GroupMember m = member;
        try {
            if (m != null) {
                m.close();
            }
        } finally {
            worker.close();
        }
    }

    // ---- helpers ----

    private GroupMember group() {
        GroupMember m = member;
        if (m == null) {
            throw new ConnectorStateException("The worker has not joined its group yet; retry in a few seconds");
        }
        return m;
    }

    private GroupMember member() {
        if (closed) {
            throw new ConnectorStateException("The worker is shutting down; send the request to another worker");
        }
        return group();
    }

    private Optional<Map<String, String>> storedConfig(String name) {
        return group().configs().get(GroupRecord.connectorKey(name))
                .filter(GroupRecord.ConnectorConfig.class::isInstance).map(GroupRecord.ConnectorConfig.class::cast)
                .map(GroupRecord.ConnectorConfig::config);
    }

    private Map<String, String> requireConfig(String name) {
        return storedConfig(name).orElseThrow(() -> new UnknownConnectorException(
                "Connector " + CallerText.shown(name, 100) + " not found"));
    }

    private TargetState targetState(String name) {
        return group().configs().get(GroupRecord.targetKey(name))
                .filter(TargetStateRecord.class::isInstance).map(TargetStateRecord.class::cast)
                .map(TargetStateRecord::state).orElse(TargetState.STARTED);
    }

    private Optional<TaskConfigs> taskConfigs(String name) {
        return group().configs().get(GroupRecord.tasksKey(name))
                .filter(TaskConfigs.class::isInstance).map(TaskConfigs.class::cast);
    }

    private void requireNameMatches(String name, Map<String, String> full) {
        ConnectorConfig parsed = validator.parse(full);
        if (!parsed.name().equals(name)) {
            throw new ConnectorStateException("Connector name configuration (" + parsed.name()
                    + ") doesn't match connector name in the URL (" + CallerText.shown(name, 100) + ")");
        }
    }

    /** Reads the configs topic up to this worker's own writes, so that the answer shows them. */
    private void catchUp() {
        write(group().configs().refresh(), "read back the configs topic");
    }

    /**
     * Reads the configs topic up to this worker's own writes, then waits until the view shows what
     * was written. A completed refresh does not always mean that the view has applied the last
     * record yet: a create once answered 404 for the connector it had just stored (one create in
     * 100, in the spread benchmark). Another worker may overwrite the write meanwhile, so the wait
     * is bounded by {@link #READ_BACK_TIMEOUT}; after it, the answer shows what the view holds.
     */
    private void catchUp(BooleanSupplier shows) {
        catchUp();
        long deadline = System.nanoTime() + READ_BACK_TIMEOUT.toNanos();
        while (!shows.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                LOG.debug("the configs view does not show this worker's write after {} ms; another worker's write"
                        + " may have replaced it", READ_BACK_TIMEOUT.toMillis());
                return;
            }
            try {
                Thread.sleep(READ_BACK_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkerTimeoutException("interrupted while reading back the configs topic", e);
            }
        }
    }

    private static <T> T write(CompletableFuture<T> future, String what) {
        try {
            return future.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerTimeoutException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            LOG.warn("could not {}: {}", what, e.getCause().toString());
            throw new WorkerTimeoutException("could not " + what + ": the group's topics are not reachable", e.getCause());
        } catch (TimeoutException e) {
            throw new WorkerTimeoutException("could not " + what + " within " + WRITE_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private SecretMasking masking(Map<String, String> config) {
        return schemas.masking(config);
    }

    private Optional<ConfigSchema> schemaOf(Map<String, String> config) {
        return schemas.schemaOf(config);
    }

    @Override
    public String toString() {
        return "DistributedHerder[" + services.workerId() + "]";
    }
}
