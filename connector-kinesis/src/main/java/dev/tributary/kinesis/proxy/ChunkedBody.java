package dev.tributary.kinesis.proxy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A response body collected in fixed pieces instead of one growing array: a GetRecords body of
 * 1 MB or more in one array is a humongous object to G1 (anything of half a region or more, and a
 * region is 1 MB for heaps under 2 GB), allocated straight into the old generation, where such
 * allocations start concurrent cycles and make G1 grow the heap. Pieces of {@value #CHUNK} bytes are
 * ordinary young objects at any heap size.
 *
 * <p>Pieces come from a shared pool of at most {@value #POOLED} (4 MiB) and go back to it on
 * {@link #release()}; a piece the pool has no room for is left to the collector. Not thread-safe:
 * one body is appended to, read and released by one subscriber, in the order the Reactive Streams
 * signals arrive.
 */
final class ChunkedBody {
    /** The size of a piece: a sixteenth of the smallest G1 region, far below the humongous half. */
    static final int CHUNK = 64 * 1024;
    /** The pieces the pool keeps between bodies: enough for eight 512 KB bodies in flight. */
    static final int POOLED = 64;
    private static final BlockingQueue<byte[]> POOL = new ArrayBlockingQueue<>(POOLED);

    private byte[][] chunks = new byte[4][];
    private int count;
    private int size;

    /** The bytes appended so far. */
    int size() {
        return size;
    }

    /** Copies what remains of {@code buffer} to the end of the body. */
    void append(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            int at = size % CHUNK;
            if (at == 0 && size / CHUNK == count) {
                if (count == chunks.length) {
                    chunks = Arrays.copyOf(chunks, count * 2);
                }
                byte[] chunk = POOL.poll();
                chunks[count++] = chunk != null ? chunk : new byte[CHUNK];
            }
            int n = Math.min(CHUNK - at, buffer.remaining());
            buffer.get(chunks[size / CHUNK], at, n);
            size += n;
        }
    }

    /** The body from its start; valid until {@link #release()}. */
    InputStream reader() {
        return new Reader();
    }

    /** The body in one new array, for the rare body handed on whole. */
    byte[] toArray() {
        byte[] all = new byte[size];
        for (int i = 0, at = 0; at < size; i++, at += CHUNK) {
            System.arraycopy(chunks[i], 0, all, at, Math.min(CHUNK, size - at));
        }
        return all;
    }

    /** Hands the pieces back to the pool; the body is empty afterwards. Safe to call more than once. */
    void release() {
        for (int i = 0; i < count; i++) {
            POOL.offer(chunks[i]);
            chunks[i] = null;
        }
        count = 0;
        size = 0;
    }

    private final class Reader extends InputStream {
        private int position;

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            int b = chunks[position / CHUNK][position % CHUNK] & 0xFF;
            position++;
            return b;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= size) {
                return -1;
            }
            int at = position % CHUNK;
            int n = Math.min(length, Math.min(CHUNK - at, size - position));
            System.arraycopy(chunks[position / CHUNK], at, into, offset, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return size - position;
        }
    }
}
