package dev.tributary.kinesis.reader;

import dev.tributary.api.connector.ConnectException;

/** Reading a shard failed in a way that retries cannot fix, such as missing permissions. */
public final class KinesisReadException extends ConnectException {
    private static final long serialVersionUID = 1L;

    public KinesisReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
