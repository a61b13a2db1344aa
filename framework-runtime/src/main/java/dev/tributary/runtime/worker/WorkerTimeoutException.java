package dev.tributary.runtime.worker;

/** A connector change did not finish in time; it may still finish later. REST answers 500. */
public final class WorkerTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkerTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
