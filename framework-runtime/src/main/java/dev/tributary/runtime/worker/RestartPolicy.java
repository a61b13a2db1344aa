package dev.tributary.runtime.worker;

import java.time.Duration;

/**
 * When a failed task restarts: after {@code initial}, doubling at each further failure up to
 * {@code max}, at most {@code maxAttempts} times. A task that ran for {@link #HEALTHY_RUN}
 * without failing starts counting again.
 *
 * @param initial the wait before the first restart
 * @param max the longest wait
 * @param maxAttempts how many restarts are allowed; 0 for none
 */
record RestartPolicy(Duration initial, Duration max, int maxAttempts) {
    static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

    static RestartPolicy from(WorkerConfig config) {
        return new RestartPolicy(config.restartBackoffInitial(), config.restartBackoffMax(), config.restartMaxAttempts());
    }

    /** The wait before restart number {@code attempt} (1-based). */
    Duration backoff(int attempt) {
        long millis = initial.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
