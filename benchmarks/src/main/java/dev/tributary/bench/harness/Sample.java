package dev.tributary.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a subject's stats file (see {@link SubjectMain.Sampler}).
 *
 * @param wallMillis when it was taken, epoch milliseconds
 * @param cpuNanos CPU time of the whole process so far
 * @param heapUsed heap in use, garbage included
 * @param heapCommitted heap the JVM has reserved
 * @param threads live threads
 * @param heapAfterGc heap in use after the last collection: the live set
 * @param gcMillis time spent in collections so far
 */
record Sample(long wallMillis, long cpuNanos, long heapUsed, long heapCommitted, int threads, long heapAfterGc, long gcMillis) {

    static List<Sample> read(Path file) throws IOException {
        List<Sample> samples = new ArrayList<>();
        if (!Files.exists(file)) {
            return samples;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length < 7) {
                continue; // a line cut short by the sampler's last write
            }
            samples.add(new Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
        }
        return samples;
    }

    /** CPU seconds between two wall-clock instants, interpolated between the samples around them. */
    static double cpuSecondsBetween(List<Sample> samples, long fromMillis, long toMillis) {
        return (cpuAt(samples, toMillis) - cpuAt(samples, fromMillis)) / 1e9;
    }

    private static double cpuAt(List<Sample> samples, long millis) {
        if (samples.isEmpty()) {
            throw new IllegalStateException("the subject wrote no stats samples");
        }
        Sample before = samples.get(0);
        if (millis <= before.wallMillis()) {
            return before.cpuNanos();
        }
        for (Sample s : samples) {
            if (s.wallMillis() >= millis) {
                double span = s.wallMillis() - before.wallMillis();
                double share = span == 0 ? 1 : (millis - before.wallMillis()) / span;
                return before.cpuNanos() + share * (s.cpuNanos() - before.cpuNanos());
            }
            before = s;
        }
        return before.cpuNanos();
    }

    /** The samples taken within a wall-clock window. */
    static List<Sample> within(List<Sample> samples, long fromMillis, long toMillis) {
        return samples.stream().filter(s -> s.wallMillis() >= fromMillis && s.wallMillis() <= toMillis).toList();
    }
}
