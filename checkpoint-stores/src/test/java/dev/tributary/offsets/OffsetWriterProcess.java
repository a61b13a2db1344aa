package dev.tributary.offsets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes batches to a file offset store, one after another, until it is killed, for the crash test
 * in {@link FileOffsetStoreTest}. Batch {@code n} puts every partition at
 * {@code OffsetStoreConformance.position(n)}; after each write returns, it prints {@code n} on a
 * line of its own. It resumes from the batch the file holds. It writes each file slowly, in small
 * pieces, so that a kill at a random moment most often lands part-way through one.
 *
 * <p>Arguments: the offset file, and the number of partitions.
 */
public final class OffsetWriterProcess {
    private OffsetWriterProcess() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int partitions = Integer.parseInt(args[1]);
        try (FileOffsetStore store = new FileOffsetStore(file, new OffsetCodec(), OffsetWriterProcess::writeSlowly)) {
            long batch = store.readAll(OffsetStoreConformance.CONNECTOR).values().stream()
                    .mapToLong(offset -> offset.getLong("batch", 0))
                    .max()
                    .orElse(0);
            while (true) {
                batch++;
                store.write(OffsetStoreConformance.CONNECTOR, OffsetStoreConformance.batch(partitions, batch));
                System.out.println(batch);
                System.out.flush();
            }
        }
    }

    /** Writes in small pieces with pauses between, so that most kills land in the middle of a file's content. */
    private static void writeSlowly(FileChannel channel, ByteBuffer content) throws IOException {
        while (content.hasRemaining()) {
            ByteBuffer piece = content.slice().limit(Math.min(content.remaining(), 2048));
            content.position(content.position() + channel.write(piece));
            LockSupport.parkNanos(50_000);
        }
    }
}
