package dev.tributary.runtime.worker;

/**
 * The request does not fit the connector's state, such as changing offsets of a connector that is
 * not STOPPED, or a config value the worker cannot take; REST answers 400.
 */
public final class ConnectorStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectorStateException(String message) {
        super(message);
    }
}
