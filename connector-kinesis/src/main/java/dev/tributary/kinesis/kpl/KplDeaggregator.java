package dev.tributary.kinesis.kpl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unpacks Kinesis records written by the Kinesis Producer Library (KPL) into the user records they
 * aggregate, and passes every other record through unchanged.
 *
 * <p>An aggregate is {@code 0xF3 0x89 0x9A 0xC2}, then a protobuf (proto2) {@code AggregatedRecord},
 * then the 16-byte MD5 digest of the protobuf bytes alone:
 *
 * <pre>
 * message AggregatedRecord {
 *   repeated string partition_key_table     = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records                 = 3;
 * }
 * message Tag { required string key = 1; optional string value = 2; }
 * message Record {
 *   required uint64 partition_key_index     = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes  data                    = 3;
 *   repeated Tag    tags                    = 4;
 * }
 * </pre>
 *
 * <p>Parsing follows protobuf's rules where they are safe: fields may come in any order, unknown
 * fields are skipped by wire type, a repeated occurrence of a singular field overrides the earlier
 * one, and strings that are not valid UTF-8 are decoded with replacement characters. Tags are
 * skipped unread. It is stricter where leniency could lose data silently: a known field with a
 * wire type other than its declared one, a group (wire types 3 and 4), a varint longer than 10
 * bytes or beyond 64 bits, and field number 0 all make the aggregate malformed.
 *
 * <p>Thread-safety: stateless, so one instance may be shared by every thread.
 */
public final class KplDeaggregator {
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int DIGEST_LENGTH = 16;
    private static final MessageDigest MD5_PROTOTYPE = md5();

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private static final int PARTITION_KEY_TABLE = 1;
    private static final int EXPLICIT_HASH_KEY_TABLE = 2;
    private static final int RECORDS = 3;

    private static final int PARTITION_KEY_INDEX = 1;
    private static final int EXPLICIT_HASH_KEY_INDEX = 2;
    private static final int DATA = 3;
    private static final int TAGS = 4;

    private static final int TOP_LEVEL = -1;

    /**
     * Unpacks one Kinesis record.
     *
     * <ul>
     *   <li>A record that does not start with the KPL magic, or is too short to hold the magic and a
     *       digest, is not an aggregate: the result is that record alone, with
     *       {@code subSequenceNumber} 0, {@code aggregated} false, {@code outerPartitionKey}, and
     *       {@code data} itself (no copy), and no problem.
     *   <li>A well-formed aggregate yields its user records in order, each with its index in the
     *       aggregate as {@code subSequenceNumber}, {@code aggregated} true, and a copy of its bytes.
     *   <li>An aggregate whose digest does not match or whose protobuf is malformed is passed
     *       through whole, exactly like a record without the magic, and {@link Deaggregated#problem}
     *       says why. A damaged aggregate is never dropped.
     *   <li>A well-formed aggregate with no user records yields an empty list and no problem: it
     *       carries no user data, so nothing is lost.
     * </ul>
     *
     * <p>Offsets: the caller must treat the Kinesis record as consumed once every returned record is
     * delivered, and in particular when the list is empty. Otherwise an empty aggregate would never
     * be checkpointed and would hold back the shard's committed position.
     *
     * <p>Never throws for any content of {@code data}.
     *
     * @param data the Kinesis record's data; with the AWS SDK, {@code record.data().asByteArrayUnsafe()}
     *     avoids a copy. Must not be modified while the result is in use.
     * @param outerPartitionKey the Kinesis record's partition key, used for a record passed through
     * @throws NullPointerException if an argument is null
     */
    public Deaggregated deaggregate(byte[] data, String outerPartitionKey) {
        requireNonNull(data, "data is null");
        requireNonNull(outerPartitionKey, "outerPartitionKey is null");
        if (data.length < MAGIC.length + DIGEST_LENGTH || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return new Deaggregated(List.of(passThrough(data, outerPartitionKey)), null);
        }
        int protobufEnd = data.length - DIGEST_LENGTH;
        MessageDigest md5 = newMd5();
        md5.update(data, MAGIC.length, protobufEnd - MAGIC.length);
        byte[] digest = md5.digest();
        if (!Arrays.equals(digest, 0, DIGEST_LENGTH, data, protobufEnd, data.length)) {
            return new Deaggregated(List.of(passThrough(data, outerPartitionKey)), "MD5 digest does not match");
        }
        try {
            return new Deaggregated(parseAggregate(data, protobufEnd), null);
        } catch (MalformedAggregateException e) {
            return new Deaggregated(List.of(passThrough(data, outerPartitionKey)), e.getMessage());
        }
    }

    private static UserRecord passThrough(byte[] data, String partitionKey) {
        return new UserRecord(0, partitionKey, null, data, false);
    }

    private static List<UserRecord> parseAggregate(byte[] data, int protobufEnd) throws MalformedAggregateException {
        Cursor in = new Cursor(data, MAGIC.length, protobufEnd);
        List<String> partitionKeys = new ArrayList<>();
        List<String> explicitHashKeys = new ArrayList<>();
        // Records are resolved after the whole message is read: protobuf lets the tables come last.
        int[] spans = new int[32];
        int recordCount = 0;
        while (in.hasMore()) {
            int key = in.key();
            switch (key >>> 3) {
                case PARTITION_KEY_TABLE -> partitionKeys.add(in.string(key, "partition_key_table"));
                case EXPLICIT_HASH_KEY_TABLE -> explicitHashKeys.add(in.string(key, "explicit_hash_key_table"));
                case RECORDS -> {
                    in.expectWireType(key, LENGTH_DELIMITED, TOP_LEVEL, "records");
                    int length = in.length();
                    if (2 * recordCount + 2 > spans.length) {
                        spans = Arrays.copyOf(spans, spans.length * 2);
                    }
                    spans[2 * recordCount] = in.position();
                    spans[2 * recordCount + 1] = length;
                    recordCount++;
                    in.skip(length);
                }
                default -> in.skipField(key);
            }
        }
        List<UserRecord> records = new ArrayList<>(recordCount);
        for (int i = 0; i < recordCount; i++) {
            int start = spans[2 * i];
            records.add(parseRecord(new Cursor(data, start, start + spans[2 * i + 1]), i, partitionKeys, explicitHashKeys));
        }
        return records;
    }

    private static UserRecord parseRecord(Cursor in, int index, List<String> partitionKeys, List<String> explicitHashKeys)
            throws MalformedAggregateException {
        long partitionKeyIndex = 0;
        boolean hasPartitionKeyIndex = false;
        long explicitHashKeyIndex = 0;
        boolean hasExplicitHashKeyIndex = false;
        int dataStart = -1;
        int dataLength = 0;
        while (in.hasMore()) {
            int key = in.key();
            switch (key >>> 3) {
                case PARTITION_KEY_INDEX -> {
                    in.expectWireType(key, VARINT, index, "partition_key_index");
                    partitionKeyIndex = in.varint();
                    hasPartitionKeyIndex = true;
                }
                case EXPLICIT_HASH_KEY_INDEX -> {
                    in.expectWireType(key, VARINT, index, "explicit_hash_key_index");
                    explicitHashKeyIndex = in.varint();
                    hasExplicitHashKeyIndex = true;
                }
                case DATA -> {
                    in.expectWireType(key, LENGTH_DELIMITED, index, "data");
                    dataLength = in.length();
                    dataStart = in.position();
                    in.skip(dataLength);
                }
                case TAGS -> {
                    in.expectWireType(key, LENGTH_DELIMITED, index, "tags");
                    in.skip(in.length());
                }
                default -> in.skipField(key);
            }
        }
        if (!hasPartitionKeyIndex) {
            throw new MalformedAggregateException("record " + index + " has no partition_key_index");
        }
        if (dataStart < 0) {
            throw new MalformedAggregateException("record " + index + " has no data");
        }
        String partitionKey = lookUp(partitionKeys, partitionKeyIndex, index, "partition_key_index");
        String explicitHashKey = hasExplicitHashKeyIndex
                ? lookUp(explicitHashKeys, explicitHashKeyIndex, index, "explicit_hash_key_index")
                : null;
        byte[] data = Arrays.copyOfRange(in.buffer, dataStart, dataStart + dataLength);
        return new UserRecord(index, partitionKey, explicitHashKey, data, true);
    }

    private static String lookUp(List<String> table, long tableIndex, int recordIndex, String field)
            throws MalformedAggregateException {
        // The index is a uint64, so a negative long is a huge value and out of range too.
        if (tableIndex < 0 || tableIndex >= table.size()) {
            throw new MalformedAggregateException("record " + recordIndex + " " + field + " " + Long.toUnsignedString(tableIndex)
                    + " is out of range for a table of size " + table.size());
        }
        return table.get((int) tableIndex);
    }

    private static MessageDigest newMd5() {
        try {
            // Cloning an untouched prototype skips getInstance's provider lookup and needs no ThreadLocal.
            return (MessageDigest) MD5_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return md5();
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE implementation must provide MD5.
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    /** Reads protobuf wire format from {@code buffer[position, limit)}; offsets in messages are into the whole record. */
    private static final class Cursor {
        private final byte[] buffer;
        private final int limit;
        private int position;
        private int keyStart;

        Cursor(byte[] buffer, int position, int limit) {
            this.buffer = buffer;
            this.position = position;
            this.limit = limit;
        }

        boolean hasMore() {
            return position < limit;
        }

        int position() {
            return position;
        }

        /** Reads a field key and checks its field number and wire type; returns {@code (field << 3) | wireType}. */
        int key() throws MalformedAggregateException {
            int start = position;
            keyStart = start;
            long key = varint();
            long field = key >>> 3;
            if (field == 0 || field > 0x1FFF_FFFF) {
                throw new MalformedAggregateException("invalid field number " + Long.toUnsignedString(field) + " at byte " + start);
            }
            int wireType = (int) (key & 7);
            if (wireType != VARINT && wireType != FIXED64 && wireType != LENGTH_DELIMITED && wireType != FIXED32) {
                throw new MalformedAggregateException("unsupported wire type " + wireType + " for field " + field + " at byte " + start
                        + (wireType == 3 || wireType == 4 ? " (groups are deprecated)" : ""));
            }
            return (int) key;
        }

        /** Checks a known field's wire type; {@code recordIndex} is {@link #TOP_LEVEL} outside records. */
        void expectWireType(int key, int wireType, int recordIndex, String field) throws MalformedAggregateException {
            if ((key & 7) != wireType) {
                // The message is built only on failure: this runs for every field of every record.
                throw new MalformedAggregateException((recordIndex == TOP_LEVEL ? "" : "record " + recordIndex + " ")
                        + field + " at byte " + keyStart + " has wire type " + (key & 7) + " instead of " + wireType);
            }
        }

        long varint() throws MalformedAggregateException {
            int start = position;
            long value = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                byte b = next(start);
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            // The tenth byte holds only bit 63: anything above it, a continuation included, is malformed.
            byte last = next(start);
            if ((last & 0x80) != 0) {
                throw new MalformedAggregateException("varint at byte " + start + " is longer than 10 bytes");
            }
            if (last > 1) {
                throw new MalformedAggregateException("varint at byte " + start + " does not fit in 64 bits");
            }
            return value | (long) last << 63;
        }

        private byte next(int varintStart) throws MalformedAggregateException {
            if (position >= limit) {
                throw new MalformedAggregateException("varint at byte " + varintStart + " is cut off at byte " + limit);
            }
            return buffer[position++];
        }

        /** Reads a length prefix and checks that that many bytes remain. */
        int length() throws MalformedAggregateException {
            int start = position;
            long length = varint();
            if (length < 0 || length > limit - position) {
                throw new MalformedAggregateException("length " + Long.toUnsignedString(length) + " at byte " + start
                        + " runs past the end of its message at byte " + limit);
            }
            return (int) length;
        }

        void skip(int count) throws MalformedAggregateException {
            if (count > limit - position) {
                throw new MalformedAggregateException("field at byte " + position + " needs " + count
                        + " bytes but its message ends at byte " + limit);
            }
            position += count;
        }

        String string(int key, String field) throws MalformedAggregateException {
            expectWireType(key, LENGTH_DELIMITED, TOP_LEVEL, field);
            int length = length();
            String value = new String(buffer, position, length, UTF_8);
            position += length;
            return value;
        }

        void skipField(int key) throws MalformedAggregateException {
            switch (key & 7) {
                case VARINT -> varint();
                case FIXED64 -> skip(8);
                case LENGTH_DELIMITED -> skip(length());
                case FIXED32 -> skip(4);
                default -> throw new IllegalStateException("key() lets only wire types 0, 1, 2 and 5 through");
            }
        }
    }

    /** Why an aggregate cannot be unpacked; cheap because it is expected on bad input and carries no stack. */
    private static final class MalformedAggregateException extends Exception {
        MalformedAggregateException(String message) {
            super(message, null, false, false);
        }
    }
}
