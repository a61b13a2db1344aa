package dev.tributary.bench.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * Builds KPL aggregates for the de-aggregation benchmark, as the KPL writes them: the magic
 * {@code F3 89 9A C2}, an {@code AggregatedRecord} protobuf whose partition key table holds each
 * record's own key, and the MD5 digest of the protobuf. Only what a valid aggregate needs; the
 * connector's tests cover damaged ones.
 */
final class KplAggregates {
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    private KplAggregates() {
    }

    /** An aggregate of {@code records} user records of {@code payloadBytes} random bytes each. */
    static byte[] aggregate(int records, int payloadBytes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream protobuf = new ByteArrayOutputStream();
        for (int i = 0; i < records; i++) {
            lengthDelimited(protobuf, 1, ("partition-key-" + i).getBytes(UTF_8));
        }
        for (int i = 0; i < records; i++) {
            byte[] payload = new byte[payloadBytes];
            random.nextBytes(payload);
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            varint(record, 1 << 3);
            varint(record, i);
            lengthDelimited(record, 3, payload);
            lengthDelimited(protobuf, 3, record.toByteArray());
        }
        byte[] body = protobuf.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC.length + body.length + 16);
        out.writeBytes(MAGIC);
        out.writeBytes(body);
        out.writeBytes(md5(body));
        return out.toByteArray();
    }

    private static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] value) {
        varint(out, field << 3 | 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) (rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java SE has MD5", e);
        }
    }
}
