package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one connector and its tasks are doing.
 *
 * @param name the connector's name
 * @param state its state
 * @param trace a readable summary of its last error, or null
 * @param workerId the worker that runs it
 * @param tasks its tasks, by id
 */
public record ConnectorStatus(String name, State state, String trace, String workerId, List<TaskStatus> tasks) {
    public ConnectorStatus {
        requireNonNull(name, "name is null");
        requireNonNull(state, "state is null");
        requireNonNull(workerId, "workerId is null");
        tasks = List.copyOf(tasks);
    }
}
