package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;

/**
 * A transient problem: the runtime logs it and calls {@link SourceTask#poll} again after a
 * backoff, without restarting the task.
 */
@Stable
public class RetriableException extends ConnectException {
    private static final long serialVersionUID = 1L;

    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
