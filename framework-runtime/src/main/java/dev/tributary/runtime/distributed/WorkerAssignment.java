package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one worker of the group runs: connector instances and individual tasks.
 *
 * @param connectors the names of the connectors whose instance (the part that makes task configs) it runs
 * @param tasks the tasks it runs
 */
public record WorkerAssignment(SortedSet<String> connectors, SortedSet<ConnectorTaskId> tasks) {
    /** Nothing to run. */
    public static final WorkerAssignment EMPTY = new WorkerAssignment(new TreeSet<>(), new TreeSet<>());

    public WorkerAssignment {
        connectors = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(connectors, "connectors is null")));
        tasks = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(tasks, "tasks is null")));
    }

    /** Whether it runs nothing. */
    public boolean isEmpty() {
        return connectors.isEmpty() && tasks.isEmpty();
    }
}
