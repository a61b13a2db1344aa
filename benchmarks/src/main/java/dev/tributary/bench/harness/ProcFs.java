package dev.tributary.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the harness reads of a process from outside it, in Linux's {@code /proc} (proc(5)): the CPU
 * it used, from {@code stat}, and the memory it holds, from {@code smaps_rollup}. The parsing is
 * apart from the reading, so that it is tested on fixed text.
 */
final class ProcFs {
    private ProcFs() {
    }

    /**
     * Memory of one process or the sum of several.
     *
     * @param rssBytes resident set size: every page in memory that the process maps, shared ones whole
     * @param pssBytes proportional set size: as RSS, but a page shared by n processes counts 1/n in each,
     *     so that the PSS of several processes adds up to what they hold together
     */
    record Memory(long rssBytes, long pssBytes) {
        static final Memory NONE = new Memory(0, 0);

        Memory plus(Memory other) {
            return new Memory(rssBytes + other.rssBytes, pssBytes + other.pssBytes);
        }

        /** The larger of each figure: a peak of RSS and a peak of PSS, which need not come from the same reading. */
        Memory max(Memory other) {
            return new Memory(Math.max(rssBytes, other.rssBytes), Math.max(pssBytes, other.pssBytes));
        }
    }

    /** utime + stime in clock ticks, from the text of {@code /proc/<pid>/stat}. */
    static long cpuTicks(String stat) {
        // The command name in parentheses may hold spaces and parentheses: the fields are counted after its last one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of proc(5)
    }

    /**
     * RSS and PSS from the text of {@code /proc/<pid>/smaps_rollup}, whose lines are
     * {@code Rss:  1596 kB}; a figure missing from the text is 0.
     */
    static Memory memory(String smapsRollup) {
        long rss = 0;
        long pss = 0;
        for (String line : smapsRollup.split("\n")) {
            if (line.startsWith("Rss:")) {
                rss = kibibytes(line);
            } else if (line.startsWith("Pss:")) {
                pss = kibibytes(line);
            }
        }
        return new Memory(rss << 10, pss << 10);
    }

    /** The figure of a line such as {@code Pss:   536 kB}, in KiB (what proc(5) calls kB). */
    private static long kibibytes(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
    }

    /** utime + stime of a process in clock ticks, or -1 when it is gone. */
    static long cpuTicks(long pid) {
        try {
            return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The memory a process holds now, or null when it is gone. */
    static Memory memory(long pid) {
        try {
            return memory(Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup"),
                    StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The clock ticks per second that {@code stat} counts in ({@code getconf CLK_TCK}); 100 when that fails. */
    static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            getconf.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
