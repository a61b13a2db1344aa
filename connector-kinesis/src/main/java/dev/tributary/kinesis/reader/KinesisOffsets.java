package dev.tributary.kinesis.reader;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.math.BigInteger;

/**
 * The connector's offsets: the partition is {@code {stream, shard}}; the offset is
 * {@code {sequenceNumber, subSequenceNumber}}, plus {@code shardEnd: true} once every record of a
 * closed shard is in Pulsar. Sequence numbers are kept as text and compared as BigInteger.
 */
public final class KinesisOffsets {
    public static final String STREAM = "stream";
    public static final String SHARD = "shard";
    public static final String SEQUENCE_NUMBER = "sequenceNumber";
    public static final String SUB_SEQUENCE_NUMBER = "subSequenceNumber";
    public static final String SHARD_END = "shardEnd";

    private KinesisOffsets() {
    }

    public static SourcePartition partition(String stream, String shardId) {
        return SourcePartition.of(STREAM, stream, SHARD, shardId);
    }

    public static SourceOffset offset(String sequenceNumber, long subSequenceNumber) {
        return SourceOffset.of(SEQUENCE_NUMBER, sequenceNumber, SUB_SEQUENCE_NUMBER, subSequenceNumber);
    }

    /** The end of a shard; {@code lastSequenceNumber} is the last record read, or empty if none was. */
    public static SourceOffset shardEnd(String lastSequenceNumber, long subSequenceNumber) {
        return SourceOffset.of(SEQUENCE_NUMBER, lastSequenceNumber, SUB_SEQUENCE_NUMBER, subSequenceNumber,
                SHARD_END, true);
    }

    public static boolean isShardEnd(SourceOffset offset) {
        return offset.getBoolean(SHARD_END, false);
    }

    /** Compares sequence numbers, which are decimal strings too long for a long. */
    public static int compare(String a, String b) {
        return new BigInteger(a).compareTo(new BigInteger(b));
    }
}
