package dev.tributary.kinesis.kcl;

/**
 * A lease table that cannot be imported, with a message for the user that names the table and the
 * fix: a missing table, a table that is not a KCL lease table, an unreadable item, DynamoDB refusing
 * the call. Nothing has been written when it is thrown.
 */
public final class KclImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KclImportException(String message) {
        super(message);
    }

    public KclImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
