package dev.tributary.kinesis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedBodyTest {
    private static final int CHUNK = ChunkedBody.CHUNK;

    @Test
    void bodiesOfEverySizeAroundThePiecesReadBackWhole() throws IOException {
        Random random = new Random(7);
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17, 1_048_576 + 300}) {
            byte[] expected = new byte[size];
            random.nextBytes(expected);
            ChunkedBody body = new ChunkedBody();
            // Arriving in pieces of varying sizes that do not line up with the body's own.
            for (int at = 0; at < size; ) {
                int n = Math.min(size - at, 1 + random.nextInt(CHUNK + CHUNK / 2));
                body.append(ByteBuffer.wrap(expected, at, n));
                at += n;
            }
            assertThat(body.size()).isEqualTo(size);
            assertThat(readAll(body.reader(), random)).as("read back, %d bytes", size).isEqualTo(expected);
            assertThat(body.toArray()).as("as one array, %d bytes", size).isEqualTo(expected);
            body.release();
            assertThat(body.size()).isZero();
            assertThat(readAll(body.reader(), random)).isEmpty();
        }
    }

    @Test
    void aReleasedPieceServesTheNextBodyWithoutItsOldBytes() throws IOException {
        ChunkedBody first = new ChunkedBody();
        byte[] old = new byte[2 * CHUNK];
        java.util.Arrays.fill(old, (byte) 0x55);
        first.append(ByteBuffer.wrap(old));
        first.release();
        first.release(); // twice is harmless: nothing is handed back two times

        ChunkedBody second = new ChunkedBody();
        byte[] fresh = {1, 2, 3};
        second.append(ByteBuffer.wrap(fresh));
        assertThat(second.toArray()).containsExactly(1, 2, 3);
        assertThat(readAll(second.reader(), new Random(1))).containsExactly(1, 2, 3);
    }

    @Test
    void theSingleByteReadMatchesTheBulkRead() throws IOException {
        byte[] expected = new byte[CHUNK + 5];
        new Random(3).nextBytes(expected);
        ChunkedBody body = new ChunkedBody();
        body.append(ByteBuffer.wrap(expected));
        InputStream in = body.reader();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
            out.write(b);
        }
        assertThat(out.toByteArray()).isEqualTo(expected);
        assertThat(in.read(new byte[4], 0, 0)).isZero();
        body.release();
    }

    private static byte[] readAll(InputStream in, Random random) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[CHUNK * 2];
        for (int n; (n = in.read(buffer, 0, 1 + random.nextInt(buffer.length))) != -1; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
