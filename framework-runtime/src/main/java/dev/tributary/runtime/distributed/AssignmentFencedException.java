package dev.tributary.runtime.distributed;

/**
 * The broker refused an assignment because another leader's producer took over the assignments
 * topic: this worker no longer leads, and must publish nothing more.
 */
public final class AssignmentFencedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AssignmentFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
