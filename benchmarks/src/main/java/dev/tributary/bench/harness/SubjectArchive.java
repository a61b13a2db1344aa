package dev.tributary.bench.harness;

import dev.tributary.bench.replay.ReplayConfig;
import dev.tributary.bench.replay.ReplayServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The class-data archive Tributary's subjects start with, as every start of
 * {@code bin/connect-runtime} after an installation's first does (see the runtime's
 * {@code ClassDataArchive}): one per JDK, class path and heap option, written once by
 * {@link #prime} before any scenario, so that no measured run carries the recording flag or the
 * dump's one pause. A subject started while there is none runs without one. The raw loop never
 * gets one: it has no launcher that would make one.
 */
final class SubjectArchive {
    /** Beside the runs' directories; kept between invocations of bin/benchmark while the jars stay the same. */
    static final SubjectArchive DEFAULT = new SubjectArchive(
            Paths.get("benchmarks", "target", "benchmark-cds").toAbsolutePath());

    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final Path dir;
    private final Path file;

    SubjectArchive(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("tributary-" + key() + ".jsa");
    }

    /** The options a measured Tributary JVM starts with: the archive's, or none while there is none. */
    List<String> options() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        return concat(List.of("-XX:SharedArchiveFile=" + file));
    }

    /**
     * Writes the archive unless it is there: runs a Tributary subject on a small stream with the
     * options bin/connect-runtime gives a first start, and stops it once it has written the archive.
     */
    void prime(String pulsarUrl, Path work) throws Exception {
        if (Files.isRegularFile(file)) {
            Scenarios.log("Tributary's subjects map the class-data archive %s", file);
            return;
        }
        // Archives of other JDKs or class paths are of no more use.
        Scenarios.freshDir(dir);
        List<String> recording = concat(List.of("-XX:+RecordDynamicDumpInfo", "-Dtributary.cds.archive=" + file,
                "-Dtributary.cds.dumpDelaySeconds=5"));
        long started = System.nanoTime();
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("cds", 2, 5_000, 1024).port(0).build());
                Subject subject = Subject.start(Subject.Kind.TRIBUTARY, Scenarios.freshDir(work.resolve("cds-prime")),
                        pulsarUrl, server.endpoint(), "cds", "persistent://public/default/bench-cds-" + System.nanoTime(),
                        Map.of(), recording)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.isRegularFile(file) && subject.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            if (Files.isRegularFile(file)) {
                Scenarios.log("Tributary's class-data archive written in %.1f s: %s (%d MiB)",
                        (System.nanoTime() - started) / 1e9, file, Files.size(file) >> 20);
            } else {
                Scenarios.log("Tributary's class-data archive was not written (see %s); its subjects run without one",
                        subject.log());
            }
        }
    }

    private static List<String> concat(List<String> options) {
        return java.util.stream.Stream.concat(options.stream(), QUIET.stream()).toList();
    }

    /** Changes with the JDK, the heap option and any jar of the class path (path, size or time). */
    private static String key() {
        CRC32 crc = new CRC32();
        StringBuilder text = new StringBuilder(System.getProperty("java.home")).append('\n').append(Subject.HEAP);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            text.append('\n').append(entry);
            try {
                text.append(' ').append(Files.size(path)).append(' ').append(Files.getLastModifiedTime(path).toMillis());
            } catch (IOException e) {
                text.append(" missing");
            }
        }
        crc.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }
}
