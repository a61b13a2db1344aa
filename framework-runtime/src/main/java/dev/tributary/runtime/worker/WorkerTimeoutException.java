package dev.tributary.runtime.worker;

/**
 * A connector change waited too long behind other changes and was withdrawn: it was not applied and
 * never will be, so the caller may simply try again. REST answers 500.
 */
public final class WorkerTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkerTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
