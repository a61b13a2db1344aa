package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One shard that a task must read, as the connector hands it over in the task config.
 *
 * @param stream the stream's name
 * @param streamArn the stream's ARN, or empty when unknown
 * @param shardId the shard
 * @param child whether the shard came from a reshard; a child with no committed offset starts at TRIM_HORIZON
 * @param waitFor parents that must be finished, and their ends committed, before this shard is read
 * @param streamCreatedAt when the stream was created, in epoch millis, or
 *     {@link KinesisOffsets#UNKNOWN_CREATION}; committed offsets of another creation time are of a
 *     deleted stream of the same name, and are not resumed from
 * @param open whether Kinesis listed the shard as open; a committed end of an open shard that
 *     records no creation time is of a deleted stream too (see {@link KinesisOffsets#isOfAnotherStream(
 *     dev.tributary.api.offset.SourceOffset, long, boolean)})
 */
public record ShardAssignment(String stream, String streamArn, String shardId, boolean child, List<String> waitFor,
        long streamCreatedAt, boolean open) {
    private static final String ENTRY = ";";
    private static final String FIELD = ",";
    private static final String PARENT = " ";

    public ShardAssignment {
        requireNonNull(stream, "stream is null");
        requireNonNull(streamArn, "streamArn is null");
        requireNonNull(shardId, "shardId is null");
        waitFor = List.copyOf(waitFor);
    }

    /** An assignment in a stream whose creation time is not known, of a shard not known to be open. */
    public ShardAssignment(String stream, String streamArn, String shardId, boolean child, List<String> waitFor) {
        this(stream, streamArn, shardId, child, waitFor, KinesisOffsets.UNKNOWN_CREATION);
    }

    /** An assignment of a shard not known to be open. */
    public ShardAssignment(String stream, String streamArn, String shardId, boolean child, List<String> waitFor,
            long streamCreatedAt) {
        this(stream, streamArn, shardId, child, waitFor, streamCreatedAt, false);
    }

    /** Encodes assignments for a task config; stream names, ARNs and shard ids hold no ',', ';' or ' '. */
    public static String encode(List<ShardAssignment> assignments) {
        List<String> entries = new ArrayList<>();
        for (ShardAssignment a : assignments) {
            entries.add(String.join(FIELD, a.stream, a.streamArn, a.shardId, a.child ? "1" : "0",
                    String.join(PARENT, a.waitFor), Long.toString(a.streamCreatedAt), a.open ? "1" : "0"));
        }
        return String.join(ENTRY, entries);
    }

    public static List<ShardAssignment> decode(String text) {
        List<ShardAssignment> result = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        for (String entry : text.split(ENTRY)) {
            String[] f = entry.split(FIELD, -1);
            // Five fields: written before the stream's creation time and the shard's state were part of an assignment.
            if (f.length != 5 && f.length != 7) {
                throw new IllegalArgumentException("bad shard assignment: " + entry);
            }
            List<String> parents = f[4].isBlank() ? List.of() : Arrays.asList(f[4].split(PARENT));
            long created = f.length == 7 ? Long.parseLong(f[5]) : KinesisOffsets.UNKNOWN_CREATION;
            boolean open = f.length == 7 && f[6].equals("1");
            result.add(new ShardAssignment(f[0], f[1], f[2], f[3].equals("1"), parents, created, open));
        }
        return result;
    }
}
