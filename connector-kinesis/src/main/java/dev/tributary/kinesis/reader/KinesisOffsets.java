package dev.tributary.kinesis.reader;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.proxy.StartPosition;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The connector's offsets: the partition is {@code {stream, shard}}; the offset is
 * {@code {sequenceNumber, subSequenceNumber}}, plus {@code shardEnd: true} once every record of a
 * closed shard is in Pulsar. Sequence numbers are kept as text and compared as BigInteger.
 *
 * <p>Versions of the offset: the first had no {@code streamCreatedAt}; the second adds it, the
 * stream's creation time in epoch milliseconds, so that offsets of a stream deleted and created
 * again under the same name (whose shards have the old shards' ids) are not taken for the new
 * stream's. An offset without it is read as before: it belongs to whatever stream has the name.
 */
public final class KinesisOffsets {
    public static final String STREAM = "stream";
    public static final String SHARD = "shard";
    public static final String SEQUENCE_NUMBER = "sequenceNumber";
    public static final String SUB_SEQUENCE_NUMBER = "subSequenceNumber";
    public static final String SHARD_END = "shardEnd";
    public static final String STREAM_CREATED_AT = "streamCreatedAt";
    public static final String START_POSITION = "startPosition";
    public static final String START_AT_TIME = "startAtTime";
    /** The creation time of a stream whose creation time is not known. */
    public static final long UNKNOWN_CREATION = 0;

    private KinesisOffsets() {
    }

    public static SourcePartition partition(String stream, String shardId) {
        return SourcePartition.of(STREAM, stream, SHARD, shardId);
    }

    public static SourceOffset offset(String sequenceNumber, long subSequenceNumber) {
        return SourceOffset.of(SEQUENCE_NUMBER, sequenceNumber, SUB_SEQUENCE_NUMBER, subSequenceNumber);
    }

    /** An offset in the stream created at {@code streamCreatedAt} (epoch millis, or {@link #UNKNOWN_CREATION}). */
    public static SourceOffset offset(String sequenceNumber, long subSequenceNumber, long streamCreatedAt) {
        return streamCreatedAt == UNKNOWN_CREATION ? offset(sequenceNumber, subSequenceNumber)
                : SourceOffset.of(SEQUENCE_NUMBER, sequenceNumber, SUB_SEQUENCE_NUMBER, subSequenceNumber,
                        STREAM_CREATED_AT, streamCreatedAt);
    }

    /** The end of a shard; {@code lastSequenceNumber} is the last record read, or empty if none was. */
    public static SourceOffset shardEnd(String lastSequenceNumber, long subSequenceNumber) {
        return SourceOffset.of(SEQUENCE_NUMBER, lastSequenceNumber, SUB_SEQUENCE_NUMBER, subSequenceNumber,
                SHARD_END, true);
    }

    /** The end of a shard of the stream created at {@code streamCreatedAt}, or {@link #UNKNOWN_CREATION}. */
    public static SourceOffset shardEnd(String lastSequenceNumber, long subSequenceNumber, long streamCreatedAt) {
        return streamCreatedAt == UNKNOWN_CREATION ? shardEnd(lastSequenceNumber, subSequenceNumber)
                : SourceOffset.of(SEQUENCE_NUMBER, lastSequenceNumber, SUB_SEQUENCE_NUMBER, subSequenceNumber,
                        SHARD_END, true, STREAM_CREATED_AT, streamCreatedAt);
    }

    /**
     * Where a shard that no record was delivered from yet starts, in the stream created at
     * {@code streamCreatedAt} (or {@link #UNKNOWN_CREATION}).
     *
     * @param position TRIM_HORIZON, LATEST or AT_TIMESTAMP
     */
    public static SourceOffset start(StartPosition position, long streamCreatedAt) {
        Map<String, Object> fields = new LinkedHashMap<>();
        switch (position.type()) {
            case TRIM_HORIZON, LATEST -> fields.put(START_POSITION, position.type().name());
            case AT_TIMESTAMP -> {
                fields.put(START_POSITION, position.type().name());
                fields.put(START_AT_TIME, position.timestamp().toEpochMilli());
            }
            default -> throw new IllegalArgumentException("a start offset is TRIM_HORIZON, LATEST or AT_TIMESTAMP, not "
                    + position.type());
        }
        if (streamCreatedAt != UNKNOWN_CREATION) {
            fields.put(STREAM_CREATED_AT, streamCreatedAt);
        }
        return new SourceOffset(fields);
    }

    /** The start position of an offset written by {@link #start}; empty for an offset that names a record. */
    public static Optional<StartPosition> startPosition(SourceOffset offset) {
        String type = offset.getString(START_POSITION);
        if (type == null || offset.getString(SEQUENCE_NUMBER) != null) {
            return Optional.empty();
        }
        return Optional.of(switch (type) {
            case "TRIM_HORIZON" -> StartPosition.trimHorizon();
            case "LATEST" -> StartPosition.latest();
            case "AT_TIMESTAMP" -> StartPosition.atTimestamp(Instant.ofEpochMilli(offset.getLong(START_AT_TIME, 0)));
            default -> throw new IllegalStateException("offset " + offset + " has an unknown startPosition '" + type + "'");
        });
    }

    /**
     * Whether the offset was written for a stream created at another time than
     * {@code streamCreatedAt}: a stream that was deleted since, whose shard ids the current stream
     * reuses. False when either time is unknown, as offsets of the first version have none.
     */
    public static boolean isOfAnotherStream(SourceOffset offset, long streamCreatedAt) {
        long recorded = offset.getLong(STREAM_CREATED_AT, UNKNOWN_CREATION);
        return recorded != UNKNOWN_CREATION && streamCreatedAt != UNKNOWN_CREATION && recorded != streamCreatedAt;
    }

    /**
     * As {@link #isOfAnotherStream(SourceOffset, long)}, and also true for the end of a shard that
     * Kinesis lists as open, when the end records no creation time: a shard ends only once it is
     * closed, and a closed shard never opens again, so such an end, written before offsets recorded
     * the creation time, is of an earlier stream whose shard had the same id.
     */
    public static boolean isOfAnotherStream(SourceOffset offset, long streamCreatedAt, boolean shardOpen) {
        if (shardOpen && isShardEnd(offset) && offset.getLong(STREAM_CREATED_AT, UNKNOWN_CREATION) == UNKNOWN_CREATION) {
            return true;
        }
        return isOfAnotherStream(offset, streamCreatedAt);
    }

    public static boolean isShardEnd(SourceOffset offset) {
        return offset.getBoolean(SHARD_END, false);
    }

    /** Compares sequence numbers, which are decimal strings too long for a long. */
    public static int compare(String a, String b) {
        return new BigInteger(a).compareTo(new BigInteger(b));
    }
}
