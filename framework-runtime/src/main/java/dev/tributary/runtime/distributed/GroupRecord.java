package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A record of a group topic. Each kind has its own key, so that compaction keeps the last
 * record of each connector, task and assignment; a deletion is a tombstone (a null value) on the key.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>record</th><th>topic</th><th>key</th></tr>
 *   <tr><td>{@link ConnectorConfig}</td><td>configs</td><td>{@code connector/<name>}</td></tr>
 *   <tr><td>{@link TargetStateRecord}</td><td>configs</td><td>{@code target/<name>}</td></tr>
 *   <tr><td>{@link TaskConfigs}</td><td>configs</td><td>{@code tasks/<name>}</td></tr>
 *   <tr><td>{@link RestartRequest} of a connector</td><td>configs</td><td>{@code restart/<name>}</td></tr>
 *   <tr><td>{@link RestartRequest} of one task</td><td>configs</td><td>{@code restart-task/<index>/<name>}</td></tr>
 *   <tr><td>{@link ConnectorStatusRecord}</td><td>status</td><td>{@code connector-status/<name>}</td></tr>
 *   <tr><td>{@link TaskStatusRecord}</td><td>status</td><td>{@code task-status/<index>/<name>}</td></tr>
 *   <tr><td>{@link AssignmentRecord}</td><td>assignments</td><td>{@code assignment}</td></tr>
 * </table>
 */
public sealed interface GroupRecord {
    /** The key of this record on its topic. */
    String key();

    /** {@code connector/<name>}. */
    static String connectorKey(String name) {
        return "connector/" + name;
    }

    /** {@code target/<name>}. */
    static String targetKey(String name) {
        return "target/" + name;
    }

    /** {@code tasks/<name>}. */
    static String tasksKey(String name) {
        return "tasks/" + name;
    }

    /** {@code restart/<name>}: the last connector-level restart request (with or without its tasks). */
    static String restartKey(String name) {
        return "restart/" + name;
    }

    /** {@code restart-task/<index>/<name>}: the last restart request of one task; the index first, as a name may hold '/'. */
    static String restartTaskKey(ConnectorTaskId id) {
        return "restart-task/" + id.task() + "/" + id.connector();
    }

    /** {@code connector-status/<name>}. */
    static String connectorStatusKey(String name) {
        return "connector-status/" + name;
    }

    /** {@code task-status/<index>/<name>}: the index first, as a name may hold '/'. */
    static String taskStatusKey(ConnectorTaskId id) {
        return "task-status/" + id.task() + "/" + id.connector();
    }

    /** {@code applied/<worker id>}. */
    static String appliedKey(String workerId) {
        return "applied/" + workerId;
    }

    /** The one key of the assignments topic. */
    String ASSIGNMENT_KEY = "assignment";

    /** A connector's whole config, secrets included, as the herder accepted it. */
    record ConnectorConfig(String name, Map<String, String> config) implements GroupRecord {
        public ConnectorConfig {
            requireNonNull(name, "name is null");
            config = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(config, "config is null")));
        }

        @Override
        public String key() {
            return connectorKey(name);
        }

        /** The keys only: a config holds secrets, and a record may end up in a log line. */
        @Override
        public String toString() {
            return "ConnectorConfig[name=" + name + ", keys=" + config.keySet() + "]";
        }
    }

    /** What the operator asked of a connector: running, paused or stopped. */
    record TargetStateRecord(String name, TargetState state) implements GroupRecord {
        public TargetStateRecord {
            requireNonNull(name, "name is null");
            requireNonNull(state, "state is null");
        }

        @Override
        public String key() {
            return targetKey(name);
        }
    }

    /**
     * The task configs a connector instance made, with a generation that increases each time
     * they change, so that a worker knows whether the task it runs has the latest config.
     */
    record TaskConfigs(String name, long generation, List<Map<String, String>> tasks) implements GroupRecord {
        public TaskConfigs {
            requireNonNull(name, "name is null");
            tasks = requireNonNull(tasks, "tasks is null").stream()
                    .map(t -> Collections.unmodifiableMap(new LinkedHashMap<>(t))).toList();
        }

        @Override
        public String key() {
            return tasksKey(name);
        }

        /** The number of tasks only: task configs hold secrets, and a record may end up in a log line. */
        @Override
        public String toString() {
            return "TaskConfigs[name=" + name + ", generation=" + generation + ", tasks=" + tasks.size() + "]";
        }
    }

    /**
     * A restart asked of any worker through REST, performed by the workers that run what it names
     * (issue #13). Either one task ({@code task} present), or the connector: its instance unless
     * {@code onlyFailed} and it is not FAILED, and with {@code includeTasks} its tasks (only the FAILED
     * ones with {@code onlyFailed}), as Kafka Connect's {@code POST /connectors/{name}/restart} query
     * parameters say. Each worker judges FAILED by what it runs itself.
     *
     * <p>A compacted key keeps only the last request of a connector (or of a task): a request
     * overwritten before its owner read it is taken over by the later one, as Kafka Connect keeps
     * only the latest restart request of a connector.
     *
     * @param requestId unique per request, so that a worker that reads it twice restarts once
     * @param generation the assignment generation in force where the request was accepted: what a
     *     worker started under a later generation started after the request, and is not restarted
     */
    record RestartRequest(String name, OptionalInt task, boolean onlyFailed, boolean includeTasks, String requestId,
            long generation) implements GroupRecord {
        public RestartRequest {
            requireNonNull(name, "name is null");
            requireNonNull(task, "task is null");
            requireNonNull(requestId, "requestId is null");
            if (task.isPresent() && (task.getAsInt() < 0 || onlyFailed || includeTasks)) {
                throw new IllegalArgumentException("a task restart names a task index >= 0 and no onlyFailed or includeTasks");
            }
        }

        /** A restart of the connector, with or without its tasks. */
        public static RestartRequest ofConnector(String name, boolean onlyFailed, boolean includeTasks, String requestId,
                long generation) {
            return new RestartRequest(name, OptionalInt.empty(), onlyFailed, includeTasks, requestId, generation);
        }

        /** A restart of one task. */
        public static RestartRequest ofTask(ConnectorTaskId id, String requestId, long generation) {
            return new RestartRequest(id.connector(), OptionalInt.of(id.task()), false, false, requestId, generation);
        }

        @Override
        public String key() {
            return task.isPresent() ? restartTaskKey(new ConnectorTaskId(name, task.getAsInt())) : restartKey(name);
        }
    }

    /** What a connector instance is doing, on which worker; {@code trace} is a failure's summary. */
    record ConnectorStatusRecord(String name, State state, String workerId, Optional<String> trace)
            implements GroupRecord {
        public ConnectorStatusRecord {
            requireNonNull(name, "name is null");
            requireNonNull(state, "state is null");
            requireNonNull(workerId, "workerId is null");
            requireNonNull(trace, "trace is null");
        }

        @Override
        public String key() {
            return connectorStatusKey(name);
        }
    }

    /**
     * What a task is doing, on which worker, under which assignment generation: a status written
     * under an older generation than the one in force may be stale.
     */
    record TaskStatusRecord(ConnectorTaskId id, State state, String workerId, long generation, Optional<String> trace)
            implements GroupRecord {
        public TaskStatusRecord {
            requireNonNull(id, "id is null");
            requireNonNull(state, "state is null");
            requireNonNull(workerId, "workerId is null");
            requireNonNull(trace, "trace is null");
        }

        @Override
        public String key() {
            return taskStatusKey(id);
        }
    }

    /**
     * A member has applied the assignment of {@code generation}: what it lost is stopped and its offsets
     * committed (or refused), what it gained started. The leader waits for it before it hands what the
     * member gave up to another member. On the status topic.
     */
    record AppliedRecord(String workerId, long generation) implements GroupRecord {
        public AppliedRecord {
            requireNonNull(workerId, "workerId is null");
        }

        @Override
        public String key() {
            return appliedKey(workerId);
        }
    }

    /** An assignment with the REST URL of each member named in it, for forwarding. */
    record AssignmentRecord(Assignment assignment, Map<String, String> restUrls) implements GroupRecord {
        public AssignmentRecord {
            requireNonNull(assignment, "assignment is null");
            restUrls = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(restUrls, "restUrls is null")));
        }

        @Override
        public String key() {
            return ASSIGNMENT_KEY;
        }
    }
}
