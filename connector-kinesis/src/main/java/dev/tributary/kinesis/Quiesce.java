package dev.tributary.kinesis;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops an executor that issues calls on a Kinesis client, before that client is closed.
 *
 * <p>The AWS CRT HTTP client aborts the whole JVM (a fatal assertion in its connection manager)
 * when a connection is asked of it while it shuts down, so a client's owner must not close it
 * while one of its threads may still be issuing a call. The threads here only submit calls (the
 * answers come on the client's own threads), so the wait is short and bounded.
 */
final class Quiesce {
    /** How long a stop waits for a thread that is issuing a call. */
    static final Duration BOUND = Duration.ofSeconds(5);

    private Quiesce() {
    }

    /**
     * Interrupts {@code executor}'s tasks, drops the queued ones, and waits up to {@code bound}
     * for the running one to return. Keeps the caller's interrupt status if it is interrupted
     * while waiting (and then stops waiting).
     *
     * @return whether the executor had ended within the bound
     */
    static boolean stop(ExecutorService executor, Duration bound) {
        executor.shutdownNow();
        try {
            return executor.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return executor.isTerminated();
        }
    }
}
