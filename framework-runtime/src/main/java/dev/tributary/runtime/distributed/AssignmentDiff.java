package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one worker must stop and start to go from the assignment it runs to a new one. A member
 * stops first (flushing and committing what it gives up), then starts, so that a task never runs
 * on two workers of the same group by the member's own doing; the offset store fences the rest.
 *
 * @param stopConnectors connector instances this worker no longer runs
 * @param stopTasks tasks this worker no longer runs
 * @param startConnectors connector instances this worker now runs
 * @param startTasks tasks this worker now runs
 */
public record AssignmentDiff(SortedSet<String> stopConnectors, SortedSet<ConnectorTaskId> stopTasks,
        SortedSet<String> startConnectors, SortedSet<ConnectorTaskId> startTasks) {

    public AssignmentDiff {
        stopConnectors = copy(stopConnectors, "stopConnectors");
        stopTasks = copy(stopTasks, "stopTasks");
        startConnectors = copy(startConnectors, "startConnectors");
        startTasks = copy(startTasks, "startTasks");
    }

    /** The changes from {@code running} to {@code next}, both for the same worker. */
    public static AssignmentDiff between(WorkerAssignment running, WorkerAssignment next) {
        requireNonNull(running, "running is null");
        requireNonNull(next, "next is null");
        return new AssignmentDiff(minus(running.connectors(), next.connectors()), minus(running.tasks(), next.tasks()),
                minus(next.connectors(), running.connectors()), minus(next.tasks(), running.tasks()));
    }

    /** Whether nothing changes. */
    public boolean isEmpty() {
        return stopConnectors.isEmpty() && stopTasks.isEmpty() && startConnectors.isEmpty() && startTasks.isEmpty();
    }

    private static <T> SortedSet<T> minus(SortedSet<T> a, SortedSet<T> b) {
        SortedSet<T> result = new TreeSet<>(a);
        result.removeAll(b);
        return result;
    }

    private static <T> SortedSet<T> copy(SortedSet<T> set, String name) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(set, name + " is null")));
    }
}
