package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.distributed.GroupRecord.RestartRequest;
import dev.tributary.runtime.worker.CallerText;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.RebalanceInProgressException;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.runtime.worker.TaskStatus;
import dev.tributary.runtime.worker.UnknownConnectorException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Restart requests, from both ends. The worker a REST call reaches checks the call against the
 * assignment in force and makes the request to write ({@link #ofConnector}, {@link #ofTask}):
 * nothing when nothing is to restart, {@link RebalanceInProgressException} (409) when no worker runs
 * what must restart. Every worker then decides what of a request read from the configs topic it
 * restarts ({@link #plan}): only
 * what it runs, only what it started under the request's assignment generation or an earlier one
 * (anything started later started after the request), and each request once, however often the
 * view tells it (a {@link GroupTopicView} may tell a record twice, and tells every record again to
 * a new listener).
 *
 * <p>The handled request ids live in memory: a worker that restarts, and finds its instances under
 * the same assignment generation as a request it had done, does that request once more. That is
 * harmless (a restart of something that just started), and rare: a worker that leaves and joins
 * again usually gets a new generation.
 *
 * <p>Not thread-safe: the herder calls it under its lifecycle lock.
 */
final class RestartRequests {
    /** What runs here of one connector, with the assignment generation each was started under and its state. */
    record Here(Optional<Started> connector, Map<Integer, Started> tasks) {
        Here {
            requireNonNull(connector, "connector is null");
            tasks = Map.copyOf(requireNonNull(tasks, "tasks is null"));
        }
    }

    /** One connector instance or task that runs here. */
    record Started(long generation, State state) {
        Started {
            requireNonNull(state, "state is null");
        }
    }

    /** What to restart here: the connector instance or not, and which tasks, in index order. */
    record Plan(boolean connector, List<Integer> tasks) {
        static final Plan NOTHING = new Plan(false, List.of());

        Plan {
            tasks = List.copyOf(tasks);
        }

        boolean isEmpty() {
            return !connector && tasks.isEmpty();
        }
    }

    /**
     * The request to write for {@code POST /connectors/{name}/restart}, or empty when nothing is to
     * restart: the connector is STOPPED, or {@code onlyFailed} finds nothing FAILED in {@code before}.
     *
     * @param before the connector's status as this worker reads it
     * @throws RebalanceInProgressException when no worker runs what must restart
     */
    static Optional<RestartRequest> ofConnector(ConnectorStatus before, TargetState target, boolean onlyFailed,
            boolean includeTasks, Assignment assignment, String requestId) {
        if (target == TargetState.STOPPED) {
            return Optional.empty();
        }
        String name = before.name();
        boolean connector = !onlyFailed || before.state() == State.FAILED;
        List<TaskStatus> tasks = tasksToRestart(before, onlyFailed, includeTasks);
        if (!connector && tasks.isEmpty()) {
            return Optional.empty();
        }
        if (connector) {
            requireAssigned("connector " + CallerText.shown(name, 100), assignment.ownerOf(name));
        }
        for (TaskStatus t : tasks) {
            requireAssigned("task " + CallerText.shown(name, 100) + "-" + t.id(),
                    assignment.ownerOf(new ConnectorTaskId(name, t.id())));
        }
        return Optional.of(RestartRequest.ofConnector(name, onlyFailed, includeTasks, requestId, assignment.generation()));
    }

    /** Kafka Connect's answer to a restart with query parameters: {@code before}, what restarts shown as RESTARTING. */
    static ConnectorStatus restarting(ConnectorStatus before, boolean onlyFailed, boolean includeTasks) {
        boolean connector = !onlyFailed || before.state() == State.FAILED;
        List<TaskStatus> toRestart = tasksToRestart(before, onlyFailed, includeTasks);
        List<TaskStatus> tasks = before.tasks().stream()
                .map(t -> toRestart.contains(t) ? new TaskStatus(t.id(), State.RESTARTING, null, t.workerId()) : t)
                .toList();
        return new ConnectorStatus(before.name(), connector ? State.RESTARTING : before.state(),
                connector ? null : before.trace(), before.workerId(), tasks);
    }

    /**
     * The request to write for {@code POST /connectors/{name}/tasks/{task}/restart}.
     *
     * @param taskCount how many task configs the connector's instance wrote
     * @throws UnknownConnectorException when there is no such task, or the connector is STOPPED (it runs none)
     * @throws RebalanceInProgressException when no worker runs the task
     */
    static RestartRequest ofTask(String name, int task, int taskCount, TargetState target, Assignment assignment,
            String requestId) {
        if (target == TargetState.STOPPED || task < 0 || task >= taskCount) {
            throw new UnknownConnectorException("Task " + CallerText.shown(name, 100) + "-" + task + " not found");
        }
        ConnectorTaskId id = new ConnectorTaskId(name, task);
        requireAssigned("task " + CallerText.shown(name, 100) + "-" + task, assignment.ownerOf(id));
        return RestartRequest.ofTask(id, requestId, assignment.generation());
    }

    private static List<TaskStatus> tasksToRestart(ConnectorStatus before, boolean onlyFailed, boolean includeTasks) {
        return includeTasks ? before.tasks().stream().filter(t -> !onlyFailed || t.state() == State.FAILED).toList()
                : List.of();
    }

    /** Refuses a restart of what no worker runs yet: it starts anyway once assigned, so nothing is written. */
    private static void requireAssigned(String what, Optional<String> owner) {
        if (owner.isEmpty()) {
            throw new RebalanceInProgressException("Cannot restart " + what + " now: no worker of the group runs it"
                    + " yet, because a rebalance is under way; it starts once assigned. Retry in a few seconds");
        }
    }

    // By record key, the last request id handled: a key holds only its latest request.
    private final Map<String, String> handled = new HashMap<>();

    /** What of {@code request} to restart here; the request counts as handled from now on, whatever runs here. */
    Plan plan(RestartRequest request, Here here) {
        requireNonNull(request, "request is null");
        requireNonNull(here, "here is null");
        if (request.requestId().equals(handled.put(request.key(), request.requestId()))) {
            return Plan.NOTHING;
        }
        if (request.task().isPresent()) {
            Started task = here.tasks().get(request.task().getAsInt());
            return task != null && task.generation() <= request.generation()
                    ? new Plan(false, List.of(request.task().getAsInt())) : Plan.NOTHING;
        }
        boolean connector = here.connector().filter(c -> wanted(c, request)).isPresent();
        List<Integer> tasks = new ArrayList<>();
        if (request.includeTasks()) {
            here.tasks().entrySet().stream().filter(e -> wanted(e.getValue(), request)).map(Map.Entry::getKey)
                    .sorted().forEach(tasks::add);
        }
        return new Plan(connector, tasks);
    }

    /** Forgets the requests of a deleted connector's keys. */
    void forget(String key) {
        handled.remove(key);
    }

    private static boolean wanted(Started started, RestartRequest request) {
        return started.generation() <= request.generation() && (!request.onlyFailed() || started.state() == State.FAILED);
    }
}
