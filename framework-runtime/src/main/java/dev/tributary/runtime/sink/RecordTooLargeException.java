package dev.tributary.runtime.sink;

import static java.util.Objects.requireNonNull;

/**
 * Pulsar refused a record because it is larger than the broker's maximum message size. A
 * {@link RecordWriter} fails a send's future with it, so that the task can apply the connector's
 * {@code errors.record.too.large} policy without knowing Pulsar's exception types.
 */
public final class RecordTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final long sizeBytes;
    private final long limitBytes;

    /**
     * @param topic the topic the record was sent to
     * @param sizeBytes the size Pulsar measured, in bytes
     * @param limitBytes the broker's maximum message size in bytes, or -1 when Pulsar did not say
     * @param cause the client's own error
     */
    public RecordTooLargeException(String topic, long sizeBytes, long limitBytes, Throwable cause) {
        super("a record for " + topic + " is " + sizeBytes + " bytes, more than " + limitText(limitBytes), cause,
                false, false);
        this.topic = requireNonNull(topic, "topic is null");
        this.sizeBytes = sizeBytes;
        this.limitBytes = limitBytes;
    }

    /**
     * The same refusal, told in {@code message} and without the client's error, for a task's
     * status line.
     */
    public RecordTooLargeException(String message, RecordTooLargeException refusal) {
        super(message, null, false, false);
        this.topic = refusal.topic;
        this.sizeBytes = refusal.sizeBytes;
        this.limitBytes = refusal.limitBytes;
    }

    /** The topic the record was sent to. */
    public String topic() {
        return topic;
    }

    /** The size Pulsar measured, in bytes. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** The broker's maximum message size in bytes, or -1 when unknown. */
    public long limitBytes() {
        return limitBytes;
    }

    /** The limit as words: {@code 102400 bytes}, or {@code the broker's maxMessageSize} when unknown. */
    public String limitText() {
        return limitText(limitBytes);
    }

    private static String limitText(long limitBytes) {
        return limitBytes < 0 ? "the broker's maxMessageSize"
                : "the broker's maxMessageSize of " + limitBytes + " bytes";
    }
}
