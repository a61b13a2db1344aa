package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Who runs what in the group, as one leader published it.
 *
 * @param generation increases by one at each publication, across leaders; members ignore an
 *     assignment whose generation is not above the last one they applied
 * @param leader the worker id of the leader that published it
 * @param workers per worker id, what that worker runs; a member that is absent runs nothing
 */
public record Assignment(long generation, String leader, SortedMap<String, WorkerAssignment> workers) {
    /** What the group runs before any leader published anything. */
    public static final Assignment NONE = new Assignment(0, "", new TreeMap<>());

    public Assignment {
        if (generation < 0) {
            throw new IllegalArgumentException("generation is negative: " + generation);
        }
        requireNonNull(leader, "leader is null");
        workers = Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(workers, "workers is null")));
    }

    /** What {@code workerId} runs in this assignment; {@link WorkerAssignment#EMPTY} when it is not named. */
    public WorkerAssignment of(String workerId) {
        return workers.getOrDefault(workerId, WorkerAssignment.EMPTY);
    }

    /** The worker that runs {@code task}, if any. */
    public Optional<String> ownerOf(ConnectorTaskId task) {
        return workers.entrySet().stream().filter(e -> e.getValue().tasks().contains(task))
                .map(Map.Entry::getKey).findFirst();
    }

    /** The worker that runs the instance of {@code connector}, if any. */
    public Optional<String> ownerOf(String connector) {
        return workers.entrySet().stream().filter(e -> e.getValue().connectors().contains(connector))
                .map(Map.Entry::getKey).findFirst();
    }
}
