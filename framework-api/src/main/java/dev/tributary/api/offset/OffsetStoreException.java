package dev.tributary.api.offset;

import dev.tributary.api.annotation.Stable;

/**
 * An offset store could not read or write. The message says what failed and, where a user can
 * fix it, how; it never contains credentials.
 */
@Stable
public class OffsetStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OffsetStoreException(String message) {
        super(message);
    }

    public OffsetStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
