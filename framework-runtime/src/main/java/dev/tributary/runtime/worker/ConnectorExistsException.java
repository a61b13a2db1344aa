package dev.tributary.runtime.worker;

/** A connector of that name exists already; REST answers 409. */
public final class ConnectorExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectorExistsException(String message) {
        super(message);
    }
}
