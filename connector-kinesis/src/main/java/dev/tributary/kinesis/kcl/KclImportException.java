package dev.tributary.kinesis.kcl;

/**
 * A lease table that cannot be imported, with a message for the user that names the table and the
 * fix: a missing table, a table that is not a KCL lease table, an unreadable item, DynamoDB refusing
 * the call. Nothing has been written when it is thrown.
 */
public final class KclImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean tableMissing;

    public KclImportException(String message) {
        this(message, null, false);
    }

    public KclImportException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public KclImportException(String message, Throwable cause, boolean tableMissing) {
        super(message, cause);
        this.tableMissing = tableMissing;
    }

    /** Whether DynamoDB answered that the table does not exist (rather than refusing the call or the table being wrong). */
    public boolean tableMissing() {
        return tableMissing;
    }

    /** {@code "1 lease"}, {@code "2 leases"}: a count of leases for a message. */
    public static String leases(int count) {
        return count + (count == 1 ? " lease" : " leases");
    }
}
