package dev.tributary.kinesis.kpl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test encoder of KPL aggregates, written from the published format and independently of
 * {@link KplDeaggregator}: {@code 0xF3 0x89 0x9A 0xC2}, a protobuf {@code AggregatedRecord}, and the
 * MD5 digest of the protobuf bytes. Like the KPL, it writes each distinct partition key and explicit
 * hash key once, in order of first use, and writes fields in field-number order.
 *
 * <p>It also makes deliberately damaged aggregates, and {@link ProtoWriter} hand-builds any protobuf
 * for cases the encoder cannot express. Stateless; safe from any thread.
 */
public final class KplAggregator {
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    private KplAggregator() {
    }

    /**
     * One user record to aggregate.
     *
     * @param partitionKey the partition key
     * @param explicitHashKey a decimal explicit hash key, or null for none
     * @param data the payload; not copied
     * @param tags tags the KPL lets producers attach; readers ignore them
     */
    public record Entry(String partitionKey, String explicitHashKey, byte[] data, List<Tag> tags) {
        public Entry {
            requireNonNull(partitionKey, "partitionKey is null");
            requireNonNull(data, "data is null");
            tags = List.copyOf(requireNonNull(tags, "tags is null"));
        }

        public Entry(String partitionKey, String explicitHashKey, byte[] data) {
            this(partitionKey, explicitHashKey, data, List.of());
        }

        public Entry(String partitionKey, byte[] data) {
            this(partitionKey, null, data, List.of());
        }

        /** The user record {@link KplDeaggregator} should return for this entry at {@code subSequenceNumber}. */
        public UserRecord expected(long subSequenceNumber) {
            return new UserRecord(subSequenceNumber, partitionKey, explicitHashKey, data, true);
        }
    }

    /**
     * A KPL tag.
     *
     * @param key the key
     * @param value the value, or null for none
     */
    public record Tag(String key, String value) {
        public Tag {
            requireNonNull(key, "key is null");
        }
    }

    /** A well-formed aggregate of {@code entries}. */
    public static byte[] aggregate(List<Entry> entries) {
        return frame(protobuf(entries));
    }

    /** A well-formed aggregate of {@code entries}. */
    public static byte[] aggregate(Entry... entries) {
        return aggregate(List.of(entries));
    }

    /** The {@code AggregatedRecord} protobuf alone, without magic or digest. */
    public static byte[] protobuf(List<Entry> entries) {
        return encode(entries, Damage.NONE);
    }

    /** Wraps any protobuf bytes as an aggregate: magic, the bytes, and their MD5 digest. */
    public static byte[] frame(byte[] protobuf) {
        requireNonNull(protobuf, "protobuf is null");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.writeBytes(protobuf);
        out.writeBytes(md5(protobuf));
        return out.toByteArray();
    }

    /** A copy of {@code aggregate} with the last digest byte flipped. */
    public static byte[] withBadDigest(byte[] aggregate) {
        byte[] copy = aggregate.clone();
        copy[copy.length - 1] ^= 0x5A;
        return copy;
    }

    /**
     * An aggregate of {@code entries} whose protobuf lost its last {@code dropBytes} bytes. The
     * digest is computed over the shortened protobuf, so the damage reaches the parser.
     */
    public static byte[] truncated(List<Entry> entries, int dropBytes) {
        byte[] protobuf = protobuf(entries);
        if (dropBytes < 1 || dropBytes > protobuf.length) {
            throw new IllegalArgumentException("dropBytes must be from 1 to " + protobuf.length + ": " + dropBytes);
        }
        return frame(Arrays.copyOf(protobuf, protobuf.length - dropBytes));
    }

    /** A validly digested aggregate whose last record's partition_key_index equals the table's size. */
    public static byte[] withPartitionKeyIndexOutOfRange(List<Entry> entries) {
        return frame(encode(entries, Damage.PARTITION_KEY_INDEX_OUT_OF_RANGE));
    }

    /**
     * A validly digested aggregate whose last record's explicit_hash_key_index equals the table's
     * size; that record gets an index even if its entry has no explicit hash key.
     */
    public static byte[] withExplicitHashKeyIndexOutOfRange(List<Entry> entries) {
        return frame(encode(entries, Damage.EXPLICIT_HASH_KEY_INDEX_OUT_OF_RANGE));
    }

    /** The four bytes that open every aggregate; a fresh copy. */
    public static byte[] magic() {
        return MAGIC.clone();
    }

    /** MD5 of {@code bytes}. */
    public static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private enum Damage { NONE, PARTITION_KEY_INDEX_OUT_OF_RANGE, EXPLICIT_HASH_KEY_INDEX_OUT_OF_RANGE }

    private static byte[] encode(List<Entry> entries, Damage damage) {
        requireNonNull(entries, "entries is null");
        if (damage != Damage.NONE && entries.isEmpty()) {
            throw new IllegalArgumentException("an out-of-range index needs at least one entry");
        }
        Map<String, Integer> partitionKeys = new LinkedHashMap<>();
        Map<String, Integer> explicitHashKeys = new LinkedHashMap<>();
        for (Entry entry : entries) {
            partitionKeys.putIfAbsent(entry.partitionKey(), partitionKeys.size());
            if (entry.explicitHashKey() != null) {
                explicitHashKeys.putIfAbsent(entry.explicitHashKey(), explicitHashKeys.size());
            }
        }
        ProtoWriter aggregated = new ProtoWriter();
        partitionKeys.keySet().forEach(key -> aggregated.stringField(1, key));
        explicitHashKeys.keySet().forEach(key -> aggregated.stringField(2, key));
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            boolean last = i == entries.size() - 1;
            ProtoWriter record = new ProtoWriter();
            record.varintField(1, last && damage == Damage.PARTITION_KEY_INDEX_OUT_OF_RANGE
                    ? partitionKeys.size()
                    : partitionKeys.get(entry.partitionKey()));
            if (last && damage == Damage.EXPLICIT_HASH_KEY_INDEX_OUT_OF_RANGE) {
                record.varintField(2, explicitHashKeys.size());
            } else if (entry.explicitHashKey() != null) {
                record.varintField(2, explicitHashKeys.get(entry.explicitHashKey()));
            }
            record.bytesField(3, entry.data());
            for (Tag tag : entry.tags()) {
                ProtoWriter tagWriter = new ProtoWriter().stringField(1, tag.key());
                if (tag.value() != null) {
                    tagWriter.stringField(2, tag.value());
                }
                record.messageField(4, tagWriter);
            }
            aggregated.messageField(3, record);
        }
        return aggregated.toByteArray();
    }

    /** Writes protobuf wire format, for hand-built messages. Not thread-safe. */
    public static final class ProtoWriter {
        public static final int VARINT = 0;
        public static final int FIXED64 = 1;
        public static final int LENGTH_DELIMITED = 2;
        public static final int START_GROUP = 3;
        public static final int END_GROUP = 4;
        public static final int FIXED32 = 5;

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** Writes a field key. */
        public ProtoWriter key(int field, int wireType) {
            return varint(((long) field << 3) | wireType);
        }

        /** Writes {@code value} as an unsigned base-128 varint of the fewest bytes. */
        public ProtoWriter varint(long value) {
            long rest = value;
            while ((rest & ~0x7FL) != 0) {
                out.write((int) ((rest & 0x7F) | 0x80));
                rest >>>= 7;
            }
            out.write((int) rest);
            return this;
        }

        public ProtoWriter varintField(int field, long value) {
            return key(field, VARINT).varint(value);
        }

        public ProtoWriter fixed64Field(int field, long value) {
            key(field, FIXED64);
            for (int i = 0; i < 8; i++) {
                out.write((int) (value >>> (8 * i)));
            }
            return this;
        }

        public ProtoWriter fixed32Field(int field, int value) {
            key(field, FIXED32);
            for (int i = 0; i < 4; i++) {
                out.write(value >>> (8 * i));
            }
            return this;
        }

        public ProtoWriter bytesField(int field, byte[] value) {
            key(field, LENGTH_DELIMITED).varint(value.length);
            out.writeBytes(value);
            return this;
        }

        public ProtoWriter stringField(int field, String value) {
            return bytesField(field, value.getBytes(UTF_8));
        }

        public ProtoWriter messageField(int field, ProtoWriter message) {
            return bytesField(field, message.toByteArray());
        }

        /** Writes bytes as they are, such as a hand-made varint; each int is taken modulo 256. */
        public ProtoWriter raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
