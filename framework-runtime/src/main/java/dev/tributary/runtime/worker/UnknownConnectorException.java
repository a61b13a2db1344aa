package dev.tributary.runtime.worker;

/** The worker has no connector (or task) of that name; REST answers 404. */
public final class UnknownConnectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownConnectorException(String message) {
        super(message);
    }
}
