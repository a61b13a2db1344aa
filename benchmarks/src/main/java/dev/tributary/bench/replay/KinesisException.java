package dev.tributary.bench.replay;

import static java.util.Objects.requireNonNull;

/**
 * An error to answer with, as Kinesis names it: the SDK turns {@code type} into its exception class
 * (such as {@code ResourceNotFoundException}). Carries no stack trace: it is an answer, not a bug.
 */
final class KinesisException extends RuntimeException {
    private final String type;
    private final int status;

    KinesisException(String type, String message) {
        this(400, type, message);
    }

    KinesisException(int status, String type, String message) {
        super(message, null, false, false);
        this.type = requireNonNull(type, "type is null");
        this.status = status;
    }

    static KinesisException invalidArgument(String message) {
        return new KinesisException("InvalidArgumentException", message);
    }

    static KinesisException notFound(String message) {
        return new KinesisException("ResourceNotFoundException", message);
    }

    String type() {
        return type;
    }

    int status() {
        return status;
    }
}
