package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.distributed.GroupRecord.RestartRequest;
import dev.tributary.runtime.worker.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what of a {@link RestartRequest} read from the configs topic this worker restarts: only
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
