package dev.tributary.bench.replay;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.Arrays;

/**
 * Writes GetRecords response bodies byte by byte into one buffer that is kept and reused, so the hot
 * path allocates nothing per record: payloads are copied straight from the stream's pool, sequence
 * numbers and partition keys written as digits in place. One instance per thread.
 *
 * <p>The CBOR is what Kinesis sends: definite-length maps and arrays, blobs as byte strings and
 * timestamps as tag 1 with epoch milliseconds. The JSON is AWS JSON 1.1: blobs in Base64 and
 * timestamps in epoch seconds with three decimals.
 */
final class RecordsWriter {
    private static final byte[] RECORDS = ascii("Records");
    private static final byte[] SEQUENCE_NUMBER = ascii("SequenceNumber");
    private static final byte[] ARRIVAL = ascii("ApproximateArrivalTimestamp");
    private static final byte[] DATA = ascii("Data");
    private static final byte[] PARTITION_KEY = ascii("PartitionKey");
    private static final byte[] NEXT_SHARD_ITERATOR = ascii("NextShardIterator");
    private static final byte[] MILLIS_BEHIND_LATEST = ascii("MillisBehindLatest");
    private static final byte[] BASE64 = ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    private static final int MAJOR_UNSIGNED = 0;
    private static final int MAJOR_BYTES = 2;
    private static final int MAJOR_TEXT = 3;
    private static final int MAJOR_ARRAY = 4;
    private static final int MAJOR_MAP = 5;
    private static final int MAJOR_TAG = 6;
    private static final int TAG_EPOCH = 1;

    private byte[] buffer = new byte[1 << 16];
    private byte[] scratch = new byte[0];
    private int size;

    /**
     * One GetRecords answer.
     *
     * @param stream the stream
     * @param shard the shard's index
     * @param first the index of the first record to write
     * @param count how many records
     * @param arrivals their arrival times
     * @param nextIterator NextShardIterator
     * @param millisBehindLatest MillisBehindLatest
     * @param stamp whether to overwrite each payload's first 8 bytes with {@code stampNanos}, and its
     *     next 8 (in a payload of 16 bytes or more) with the record's arrival in the same clock
     * @param stampNanos the stamp
     */
    record Batch(ReplayStream stream, int shard, long first, int count, Arrivals arrivals, String nextIterator,
            long millisBehindLatest, boolean stamp, long stampNanos) {
    }

    /** Writes the batch; the body is {@link #buffer()} up to {@link #size()}, valid until the next call. */
    void write(WireFormat format, Batch batch) {
        size = 0;
        if (format == WireFormat.CBOR) {
            writeCbor(batch);
        } else {
            writeJson(batch);
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int size() {
        return size;
    }

    private void writeCbor(Batch batch) {
        ReplayStream stream = batch.stream();
        int payloadBytes = stream.payloadBytes();
        // Per record: the payload, its header, and at most 160 bytes of keys and values.
        ensure((long) batch.count() * (payloadBytes + 160) + batch.nextIterator().length() + 128);
        cborHead(MAJOR_MAP, 3);
        cborText(RECORDS);
        cborHead(MAJOR_ARRAY, batch.count());
        byte[] pool = stream.pool();
        for (int i = 0; i < batch.count(); i++) {
            long index = batch.first() + i;
            cborHead(MAJOR_MAP, 4);
            cborText(SEQUENCE_NUMBER);
            cborHead(MAJOR_TEXT, ReplayStream.SEQUENCE_DIGITS);
            stream.writeSequenceNumber(buffer, size, batch.shard(), index);
            size += ReplayStream.SEQUENCE_DIGITS;
            cborText(ARRIVAL);
            cborHead(MAJOR_TAG, TAG_EPOCH);
            cborHead(MAJOR_UNSIGNED, batch.arrivals().arrivalMillis(stream, index));
            cborText(DATA);
            cborHead(MAJOR_BYTES, payloadBytes);
            System.arraycopy(pool, stream.payloadOffset(batch.shard(), index), buffer, size, payloadBytes);
            if (batch.stamp()) {
                putLong(buffer, size, batch.stampNanos());
                if (payloadBytes >= 2 * Long.BYTES) {
                    putLong(buffer, size + Long.BYTES, batch.arrivals().arrivalNanos(stream, index));
                }
            }
            size += payloadBytes;
            cborText(PARTITION_KEY);
            cborHead(MAJOR_TEXT, ReplayStream.PARTITION_KEY_LENGTH);
            stream.writePartitionKey(buffer, size, batch.shard(), index);
            size += ReplayStream.PARTITION_KEY_LENGTH;
        }
        cborText(NEXT_SHARD_ITERATOR);
        cborText(batch.nextIterator().getBytes(US_ASCII));
        cborText(MILLIS_BEHIND_LATEST);
        cborHead(MAJOR_UNSIGNED, batch.millisBehindLatest());
    }

    private void writeJson(Batch batch) {
        ReplayStream stream = batch.stream();
        int payloadBytes = stream.payloadBytes();
        long base64Bytes = 4L * ((payloadBytes + 2) / 3);
        ensure((long) batch.count() * (base64Bytes + 200) + batch.nextIterator().length() + 128);
        if (batch.stamp() && scratch.length < payloadBytes) {
            scratch = new byte[payloadBytes];
        }
        ascii('{');
        jsonKey(RECORDS);
        ascii('[');
        byte[] pool = stream.pool();
        for (int i = 0; i < batch.count(); i++) {
            long index = batch.first() + i;
            if (i > 0) {
                ascii(',');
            }
            ascii('{');
            jsonKey(SEQUENCE_NUMBER);
            ascii('"');
            stream.writeSequenceNumber(buffer, size, batch.shard(), index);
            size += ReplayStream.SEQUENCE_DIGITS;
            ascii('"');
            ascii(',');
            jsonKey(ARRIVAL);
            long millis = batch.arrivals().arrivalMillis(stream, index);
            decimal(millis / 1000);
            ascii('.');
            long fraction = millis % 1000;
            ascii((char) ('0' + fraction / 100));
            ascii((char) ('0' + fraction / 10 % 10));
            ascii((char) ('0' + fraction % 10));
            ascii(',');
            jsonKey(DATA);
            ascii('"');
            int offset = stream.payloadOffset(batch.shard(), index);
            if (batch.stamp()) {
                System.arraycopy(pool, offset, scratch, 0, payloadBytes);
                putLong(scratch, 0, batch.stampNanos());
                if (payloadBytes >= 2 * Long.BYTES) {
                    putLong(scratch, Long.BYTES, batch.arrivals().arrivalNanos(stream, index));
                }
                base64(scratch, 0, payloadBytes);
            } else {
                base64(pool, offset, payloadBytes);
            }
            ascii('"');
            ascii(',');
            jsonKey(PARTITION_KEY);
            ascii('"');
            stream.writePartitionKey(buffer, size, batch.shard(), index);
            size += ReplayStream.PARTITION_KEY_LENGTH;
            ascii('"');
            ascii('}');
        }
        ascii(']');
        ascii(',');
        jsonKey(NEXT_SHARD_ITERATOR);
        ascii('"');
        // Iterators are URL-safe Base64: nothing in them needs escaping.
        byte[] iterator = batch.nextIterator().getBytes(US_ASCII);
        System.arraycopy(iterator, 0, buffer, size, iterator.length);
        size += iterator.length;
        ascii('"');
        ascii(',');
        jsonKey(MILLIS_BEHIND_LATEST);
        decimal(batch.millisBehindLatest());
        ascii('}');
    }

    private void ensure(long capacity) {
        if (capacity > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("a response of " + capacity + " bytes is too large");
        }
        if (buffer.length < capacity) {
            buffer = Arrays.copyOf(buffer, (int) Math.max(capacity, Math.min(Integer.MAX_VALUE - 16, buffer.length * 2L)));
        }
    }

    /** A CBOR head: the major type and its argument in the fewest bytes. */
    private void cborHead(int major, long argument) {
        int type = major << 5;
        if (argument < 24) {
            buffer[size++] = (byte) (type | argument);
        } else if (argument < 0x100) {
            buffer[size++] = (byte) (type | 24);
            buffer[size++] = (byte) argument;
        } else if (argument < 0x10000) {
            buffer[size++] = (byte) (type | 25);
            buffer[size++] = (byte) (argument >>> 8);
            buffer[size++] = (byte) argument;
        } else if (argument < 0x1_0000_0000L) {
            buffer[size++] = (byte) (type | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buffer[size++] = (byte) (argument >>> shift);
            }
        } else {
            buffer[size++] = (byte) (type | 27);
            putLong(buffer, size, argument);
            size += 8;
        }
    }

    private void cborText(byte[] ascii) {
        cborHead(MAJOR_TEXT, ascii.length);
        System.arraycopy(ascii, 0, buffer, size, ascii.length);
        size += ascii.length;
    }

    private void jsonKey(byte[] key) {
        ascii('"');
        System.arraycopy(key, 0, buffer, size, key.length);
        size += key.length;
        ascii('"');
        ascii(':');
    }

    private void ascii(char c) {
        buffer[size++] = (byte) c;
    }

    private void decimal(long value) {
        if (value < 0) {
            ascii('-');
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        long rest = value;
        for (int i = size + digits - 1; i >= size; i--) {
            buffer[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        size += digits;
    }

    /** Standard Base64 with padding, as AWS JSON carries blobs. */
    private void base64(byte[] source, int offset, int length) {
        int end = offset + length;
        int i = offset;
        for (; i + 2 < end; i += 3) {
            int bits = (source[i] & 0xFF) << 16 | (source[i + 1] & 0xFF) << 8 | (source[i + 2] & 0xFF);
            buffer[size++] = BASE64[bits >>> 18];
            buffer[size++] = BASE64[(bits >>> 12) & 0x3F];
            buffer[size++] = BASE64[(bits >>> 6) & 0x3F];
            buffer[size++] = BASE64[bits & 0x3F];
        }
        int left = end - i;
        if (left > 0) {
            int bits = (source[i] & 0xFF) << 16 | (left == 2 ? (source[i + 1] & 0xFF) << 8 : 0);
            buffer[size++] = BASE64[bits >>> 18];
            buffer[size++] = BASE64[(bits >>> 12) & 0x3F];
            buffer[size++] = left == 2 ? BASE64[(bits >>> 6) & 0x3F] : (byte) '=';
            buffer[size++] = '=';
        }
    }

    private static void putLong(byte[] target, int at, long value) {
        for (int i = 0; i < 8; i++) {
            target[at + i] = (byte) (value >>> (56 - 8 * i));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }
}
