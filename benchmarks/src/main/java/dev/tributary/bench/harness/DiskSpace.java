package dev.tributary.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses a subject's run when the disk is nearly full. The broker of the benchmark writes every
 * message twice (journal and entry log) and keeps the topics of the whole run, tens of GB for a
 * few scenarios; its bookie turns read-only at 95% of the disk, and what a run measures after
 * that is the disk, not the subject (a run of 2026-12-07 reported p99s of seconds, then failed).
 */
final class DiskSpace {
    /** Free space below which no run starts: a run writes a few GB, and the bookie stops at 5% free. */
    static final double MIN_FREE_SHARE = 0.08;
    static final long MIN_FREE_BYTES = 8L << 30;

    private DiskSpace() {
    }

    /** Throws when the disk holding {@code dir} has too little free space for another run. */
    static void require(Path dir) {
        try {
            FileStore store = Files.getFileStore(Files.exists(dir) ? dir : dir.toAbsolutePath().getRoot());
            String shortage = shortage(dir, store.getUsableSpace(), store.getTotalSpace());
            if (shortage != null) {
                throw new IllegalStateException(shortage);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the free space of " + dir, e);
        }
    }

    /** Why a run may not start with {@code usable} of {@code total} bytes free, or null when it may. */
    static String shortage(Path dir, long usable, long total) {
        long needed = Math.max(MIN_FREE_BYTES, (long) (total * MIN_FREE_SHARE));
        if (usable >= needed) {
            return null;
        }
        return String.format(Locale.ROOT, "the disk holding %s has %.1f GiB free, under the %.1f GiB a run needs:"
                + " the broker's bookie turns read-only near a full disk, and the figures would be the disk's."
                + " Free space (an earlier run's broker data is in target/services/pulsar-bench of its checkout), or run"
                + " fewer scenarios with --only", dir, usable / (double) (1L << 30), needed / (double) (1L << 30));
    }
}
