package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

/**
 * What one task is doing.
 *
 * @param id the task's number
 * @param state its state
 * @param trace a readable summary of its last error, or null; never contains secrets
 * @param workerId the worker that runs it
 */
public record TaskStatus(int id, State state, String trace, String workerId) {
    public TaskStatus {
        requireNonNull(state, "state is null");
        requireNonNull(workerId, "workerId is null");
    }
}
