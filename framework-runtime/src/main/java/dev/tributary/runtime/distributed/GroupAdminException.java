package dev.tributary.runtime.distributed;

/**
 * The group could not set up or read its topics through Pulsar; the message says what failed,
 * with the HTTP status or the client's error, and which setting to check. It never holds a
 * credential.
 */
public final class GroupAdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GroupAdminException(String message) {
        super(message);
    }

    public GroupAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
