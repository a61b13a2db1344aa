package dev.tributary.bench.replay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The records of one replayed stream, derived from a seed rather than stored: each record is a
 * window into one shared pool of random bytes, at an offset that a hash of (seed, shard, index)
 * picks. So 8 shards of 200,000 records of 1 KiB cost 8 MiB, not 1.6 GB, the same seed always
 * gives the same records, and neighbouring records differ (their windows start at unrelated
 * offsets).
 *
 * <p>Shards are {@code shardId-000000000000} and on, open, without parents, with hash key ranges
 * that split the 128-bit space evenly. Sequence numbers are 56 decimal digits, like real Kinesis:
 * {@code 49}, the shard index in 12 digits, then the record index in 42 digits; so within a shard
 * they increase with the index, compared as big integers or as text.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReplayStream {
    /** The account in every ARN. */
    public static final String ACCOUNT = "000000000000";
    /** The region in every ARN. */
    public static final String REGION = "us-east-1";
    /** Kinesis's largest record. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 20;

    static final int SEQUENCE_DIGITS = 56;
    private static final int SHARD_DIGITS = 12;
    private static final int INDEX_DIGITS = SEQUENCE_DIGITS - 2 - SHARD_DIGITS;
    private static final int POOL_WINDOWS = 8 << 20;
    private static final BigInteger HASH_SPACE = BigInteger.ONE.shiftLeft(128);
    private static final byte[] HEX = "0123456789abcdef".getBytes(US_ASCII);
    static final int PARTITION_KEY_LENGTH = 11;

    private final String name;
    private final int shardCount;
    private final long recordsPerShard;
    private final int payloadBytes;
    private final long seed;
    private final byte[] pool;
    private final byte[][] sequencePrefixes;

    /**
     * @param name the stream's name
     * @param shardCount how many shards, at least 1
     * @param recordsPerShard how many records each shard holds, 0 for idle shards
     * @param payloadBytes each record's size, from 1 to 1 MiB
     * @param seed what the records are derived from
     */
    public ReplayStream(String name, int shardCount, long recordsPerShard, int payloadBytes, long seed) {
        this.name = requireNonNull(name, "name is null");
        if (!name.matches("[a-zA-Z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("stream name must be 1 to 128 of a-z, A-Z, 0-9, _ . and -: " + name);
        }
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be at least 1: " + shardCount);
        }
        if (recordsPerShard < 0) {
            throw new IllegalArgumentException("recordsPerShard must not be negative: " + recordsPerShard);
        }
        if (payloadBytes < 1 || payloadBytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payloadBytes must be from 1 to " + MAX_PAYLOAD_BYTES + ": " + payloadBytes);
        }
        this.shardCount = shardCount;
        this.recordsPerShard = recordsPerShard;
        this.payloadBytes = payloadBytes;
        this.seed = seed;
        this.pool = new byte[POOL_WINDOWS + payloadBytes];
        new SplittableRandom(seed).nextBytes(pool);
        this.sequencePrefixes = new byte[shardCount][];
        for (int shard = 0; shard < shardCount; shard++) {
            sequencePrefixes[shard] = String.format("49%0" + SHARD_DIGITS + "d", shard).getBytes(US_ASCII);
        }
    }

    public String name() {
        return name;
    }

    public int shardCount() {
        return shardCount;
    }

    public long recordsPerShard() {
        return recordsPerShard;
    }

    public int payloadBytes() {
        return payloadBytes;
    }

    /** {@code arn:aws:kinesis:us-east-1:000000000000:stream/<name>}. */
    public String arn() {
        return "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + name;
    }

    /** {@code shardId-} and the index in 12 digits, as Kinesis names shards. */
    public static String shardId(int shard) {
        return String.format("shardId-%012d", shard);
    }

    /** The index of the shard named {@code shardId}, or -1 when this stream has no such shard. */
    public int shardIndex(String shardId) {
        if (shardId == null || !shardId.matches("shardId-\\d{12}")) {
            return -1;
        }
        long index = Long.parseLong(shardId.substring("shardId-".length()));
        return index < shardCount ? (int) index : -1;
    }

    /** The lowest hash key of the shard's range: the 128-bit space split evenly. */
    public BigInteger startingHashKey(int shard) {
        return HASH_SPACE.multiply(BigInteger.valueOf(shard)).divide(BigInteger.valueOf(shardCount));
    }

    /** The highest hash key of the shard's range, inclusive. */
    public BigInteger endingHashKey(int shard) {
        return HASH_SPACE.multiply(BigInteger.valueOf(shard + 1L)).divide(BigInteger.valueOf(shardCount))
                .subtract(BigInteger.ONE);
    }

    /** The sequence number of record {@code index} of {@code shard}. */
    public String sequenceNumber(int shard, long index) {
        byte[] digits = new byte[SEQUENCE_DIGITS];
        writeSequenceNumber(digits, 0, shard, index);
        return new String(digits, US_ASCII);
    }

    /** Writes the 56 digits of the sequence number of record {@code index} of {@code shard} at {@code at}. */
    void writeSequenceNumber(byte[] out, int at, int shard, long index) {
        byte[] prefix = sequencePrefixes[shard];
        System.arraycopy(prefix, 0, out, at, prefix.length);
        long rest = index;
        for (int i = at + SEQUENCE_DIGITS - 1; i >= at + prefix.length; i--) {
            out[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
    }

    /**
     * The record index that {@code sequenceNumber} names in {@code shard}, or -1 when it is not a
     * sequence number of that shard (another shard's, malformed, or beyond the shard's records).
     */
    public long indexOf(int shard, String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.length() != SEQUENCE_DIGITS) {
            return -1;
        }
        byte[] prefix = sequencePrefixes[shard];
        for (int i = 0; i < SEQUENCE_DIGITS; i++) {
            char c = sequenceNumber.charAt(i);
            if (c < '0' || c > '9' || (i < prefix.length && c != prefix[i])) {
                return -1;
            }
        }
        // 42 digits can exceed a long; a valid index has leading zeros there.
        BigInteger index = new BigInteger(sequenceNumber.substring(SEQUENCE_DIGITS - INDEX_DIGITS));
        return index.compareTo(BigInteger.valueOf(recordsPerShard)) < 0 ? index.longValue() : -1;
    }

    /** The partition key of record {@code index} of {@code shard}: {@code pk-} and 8 hex digits. */
    public String partitionKey(int shard, long index) {
        byte[] key = new byte[PARTITION_KEY_LENGTH];
        writePartitionKey(key, 0, shard, index);
        return new String(key, US_ASCII);
    }

    void writePartitionKey(byte[] out, int at, int shard, long index) {
        out[at] = 'p';
        out[at + 1] = 'k';
        out[at + 2] = '-';
        // Taken from the high bits of the same hash as the payload offset, which uses the low ones.
        int hash = (int) (mix(shard, index) >>> 32);
        for (int i = 0; i < 8; i++) {
            out[at + 3 + i] = HEX[(hash >>> (28 - 4 * i)) & 0xF];
        }
    }

    /** A copy of the payload of record {@code index} of {@code shard}, as served without stamping. */
    public byte[] payload(int shard, long index) {
        int offset = payloadOffset(shard, index);
        return Arrays.copyOfRange(pool, offset, offset + payloadBytes);
    }

    /** The shared pool that payloads are windows of; never modified. */
    byte[] pool() {
        return pool;
    }

    /** Where the payload of record {@code index} of {@code shard} starts in {@link #pool()}. */
    int payloadOffset(int shard, long index) {
        return (int) Long.remainderUnsigned(mix(shard, index), POOL_WINDOWS);
    }

    /** SplitMix64's finaliser over the seed, shard and index: cheap, and well spread in every bit. */
    private long mix(int shard, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1) + 0xC2B2AE3D27D4EB4FL * (shard + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
