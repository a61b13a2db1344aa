package dev.tributary.kinesis.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Where a shard iterator or a subscription starts.
 *
 * @param type how to read the position
 * @param sequenceNumber for AT_ and AFTER_SEQUENCE_NUMBER
 * @param timestamp for AT_TIMESTAMP
 */
public record StartPosition(Type type, String sequenceNumber, Instant timestamp) {
    /** The kinds of position Kinesis knows. */
    public enum Type { TRIM_HORIZON, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER }

    public StartPosition {
        requireNonNull(type, "type is null");
        if ((type == Type.AT_SEQUENCE_NUMBER || type == Type.AFTER_SEQUENCE_NUMBER) && sequenceNumber == null) {
            throw new IllegalArgumentException(type + " needs a sequence number");
        }
        if (type == Type.AT_TIMESTAMP && timestamp == null) {
            throw new IllegalArgumentException("AT_TIMESTAMP needs a timestamp");
        }
    }

    public static StartPosition trimHorizon() {
        return new StartPosition(Type.TRIM_HORIZON, null, null);
    }

    public static StartPosition latest() {
        return new StartPosition(Type.LATEST, null, null);
    }

    public static StartPosition atTimestamp(Instant timestamp) {
        return new StartPosition(Type.AT_TIMESTAMP, null, timestamp);
    }

    public static StartPosition atSequence(String sequenceNumber) {
        return new StartPosition(Type.AT_SEQUENCE_NUMBER, sequenceNumber, null);
    }

    public static StartPosition afterSequence(String sequenceNumber) {
        return new StartPosition(Type.AFTER_SEQUENCE_NUMBER, sequenceNumber, null);
    }
}
