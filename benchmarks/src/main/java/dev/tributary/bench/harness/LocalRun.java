package dev.tributary.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Pulsar IO archive run by {@code pulsar-admin sources localrun}, measured from outside: it is
 * not one of the harness's own JVMs, so no sampler runs inside it.
 *
 * <p>CPU and memory: from {@code /proc}, by a {@link ProcessTree} of every process under the
 * {@code pulsar-admin} JVM (the LocalRunner JVM that it starts, and any instance process under
 * that). The {@code pulsar-admin} JVM itself only waits for its child and is left out. Heap after
 * GC: from the LocalRunner JVM's
 * own GC log ({@code -Xlog:gc}), the heap after each collection. Threads are not measured: the OS
 * counts the JVM's GC and compiler threads, which the subjects' sampler does not.
 */
final class LocalRun implements AutoCloseable {
    private static final Pattern HEAP_AFTER_GC = Pattern.compile("GC\\(\\d+\\) Pause .*?\\d+[KMG]->(\\d+)([KMG])\\(");

    private final Process process;
    private final Path dir;
    private final Path log;
    private final Path tmp;
    private final ProcessTree tree;

    private LocalRun(Process process, Path dir, Path log, Path tmp) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.tmp = tmp;
        this.tree = ProcessTree.start(process.toHandle(), false);
    }

    /**
     * Starts {@code sources localrun} with {@code config} (a source config file) against the
     * harness's broker, with the JVM options the harness gives its own subjects.
     */
    static LocalRun start(Path pulsarHome, Path nar, Path config, String name, String pulsarUrl, Path dir)
            throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("localrun.log");
        ProcessBuilder builder = new ProcessBuilder("bash", pulsarHome.resolve("bin/pulsar-admin").toString(),
                "sources", "localrun", "--archive", nar.toString(), "--source-config-file", config.toString(),
                "--broker-service-url", pulsarUrl, "--name", name)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // The same heap and collector as the harness's subjects (localrun's own default is -Xmx128m and ZGC).
        env.put("PULSAR_MEM", "-Xmx" + Subject.HEAP + " -XX:MaxDirectMemorySize=" + Subject.HEAP);
        env.put("PULSAR_GC", "-XX:+UseG1GC");
        // localrun's default extra options, plus where it unpacks the archive and a GC log per JVM.
        env.put("PULSAR_EXTRA_OPTS", "-Dpulsar.allocator.exit_on_oom=true -Dio.netty.recycler.maxCapacityPerThread=4096"
                + " -Djava.io.tmpdir=" + tmp + " -Xlog:gc:file=" + dir.resolve("gc-%p.log"));
        env.put("PULSAR_LOG_DIR", dir.resolve("logs").toString());
        return new LocalRun(builder.start(), dir, log, tmp);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** CPU samples of the process tree; heap and threads are left at 0 (see the class comment). */
    List<Sample> samples() {
        return tree.samples();
    }

    /** The largest RSS and PSS of the processes under {@code pulsar-admin}, summed, over the run so far. */
    ProcFs.Memory peakMemory() {
        return tree.peakMemory();
    }

    /** The largest heap in use right after a collection, from the LocalRunner JVM's GC log; 0 when none logged. */
    long peakHeapAfterGc() throws IOException {
        long peak = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path gcLog : files.filter(p -> p.getFileName().toString().startsWith("gc-")).toList()) {
                if (gcLog.getFileName().toString().equals("gc-" + process.pid() + ".log")) {
                    continue; // pulsar-admin's own JVM
                }
                for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
                    Matcher m = HEAP_AFTER_GC.matcher(line);
                    if (m.find()) {
                        long unit = switch (m.group(2)) {
                            case "K" -> 1L << 10;
                            case "M" -> 1L << 20;
                            default -> 1L << 30;
                        };
                        peak = Math.max(peak, Long.parseLong(m.group(1)) * unit);
                    }
                }
            }
        }
        return peak;
    }

    /** The lines of the localrun log at ERROR level. */
    List<String> errorLines() throws IOException {
        List<String> errors = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            if (line.contains(" ERROR ")) {
                errors.add(line);
            }
        }
        return errors;
    }

    /** The processes measured, for the harness's log: pid and command of each. */
    String measuredProcesses() {
        return tree.processes();
    }

    /** SIGTERM to the whole tree, so that LocalRunner stops its instance and deletes what it unpacked; SIGKILL after 30 s. */
    @Override
    public void close() throws IOException {
        this.tree.close();
        List<ProcessHandle> tree = process.toHandle().descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle p : tree) {
                p.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        if (!Files.exists(tmp)) {
            return; // closed before
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * A source config file for localrun of the Kinesis source: a quoted string or a bare boolean
     * per key of {@code configs}, with the producer's compression off.
     */
    static String sourceConfigYaml(String name, String topic, Map<String, ?> configs) {
        StringBuilder yaml = new StringBuilder()
                .append("name: ").append(name).append('\n')
                .append("className: org.apache.pulsar.io.kinesis.KinesisSource\n")
                .append("topicName: ").append(topic).append('\n')
                .append("parallelism: 1\n")
                // A source's producer compresses with LZ4 unless told otherwise; the worker's default is NONE.
                .append("producerConfig:\n")
                .append("    compressionType: NONE\n")
                .append("configs:\n");
        configs.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v instanceof Boolean
                ? v.toString()
                : "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"").append('\n'));
        return yaml.toString();
    }

    /**
     * The archive file that the system property {@code property} names, for localrun: fails with
     * {@code unset} when the property is unset or blank, and with {@code missing}'s message when
     * the file does not exist.
     */
    static java.nio.file.Path archive(String property, String unset,
            java.util.function.Function<java.nio.file.Path, String> missing) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(unset);
        }
        java.nio.file.Path archive = java.nio.file.Paths.get(value);
        if (!java.nio.file.Files.isRegularFile(archive)) {
            throw new IllegalStateException(missing.apply(archive));
        }
        return archive;
    }
}
