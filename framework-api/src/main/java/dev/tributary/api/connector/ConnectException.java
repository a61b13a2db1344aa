package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;

/** A connector or task cannot go on. Its message is shown in the status, so it holds no secrets. */
@Stable
public class ConnectException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectException(String message) {
        super(message);
    }

    public ConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
