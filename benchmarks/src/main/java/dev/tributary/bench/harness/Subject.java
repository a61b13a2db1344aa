package dev.tributary.bench.harness;

import dev.tributary.testing.services.PropertiesFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A measured JVM running one subject: Tributary's worker with the Kinesis connector (at least
 * once, or exactly once), or the raw loop. All get the same JVM options (heap capped at
 * {@value #HEAP}, G1) so that their memory and CPU figures compare.
 */
final class Subject implements AutoCloseable {
    /** Above the 512 MiB target, so that the figure is what the subject needs, not what it was allowed. */
    static final String HEAP = "1g";
    /** Set by {@code bin/benchmark --profile}: each subject JVM records a flight recording in its run directory. */
    static final String PROFILE_PROPERTY = "tributary.bench.profile";

    enum Kind {
        RAW("raw"), TRIBUTARY("Tributary"),
        /**
         * Tributary with {@code exactly.once.source.support=enabled} and the Pulsar offset store, on
         * a fresh offsets topic beside the run's topic. Needs a broker with transactions on.
         */
        TRIBUTARY_EXACTLY_ONCE("Tributary, exactly once");

        /** The subjects of the scenarios that compare Tributary with the raw loop. */
        static final List<Kind> COMPARED = List.of(RAW, TRIBUTARY);

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Kind kind;
    private final Process process;
    private final Path stats;
    private final Path log;

    private Subject(Kind kind, Process process, Path stats, Path log) {
        this.kind = kind;
        this.process = process;
        this.stats = stats;
        this.log = log;
    }

    /**
     * Starts a subject reading {@code stream} at {@code endpoint} from TRIM_HORIZON into {@code topic}.
     *
     * @param connectorOverrides Kinesis connector keys to change from their defaults (Tributary only)
     */
    static Subject start(Kind kind, Path dir, String pulsarUrl, URI endpoint, String stream, String topic,
            Map<String, String> connectorOverrides) throws IOException {
        return start(kind, dir, pulsarUrl, endpoint, stream, topic, connectorOverrides,
                kind == Kind.RAW ? List.of() : SubjectArchive.DEFAULT.options());
    }

    /** As the other, with JVM options of the caller's: the class-data archive's. */
    static Subject start(Kind kind, Path dir, String pulsarUrl, URI endpoint, String stream, String topic,
            Map<String, String> connectorOverrides, List<String> jvmOptions) throws IOException {
        Files.createDirectories(dir);
        Path stats = dir.resolve("stats.tsv");
        Path log = dir.resolve("subject.log");
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-XX:+UseG1GC"));
        if (Boolean.getBoolean(PROFILE_PROPERTY)) {
            // Java Flight Recorder's sampling profile, for the report's notes: jfr print --events jdk.ExecutionSample
            command.add("-XX:StartFlightRecording=filename=" + dir.resolve("subject.jfr") + ",settings=profile");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SubjectMain.class.getName(), stats.toString()));
        if (kind == Kind.RAW) {
            Map<String, String> raw = new LinkedHashMap<>();
            raw.put("endpoint", endpoint.toString());
            raw.put("stream", stream);
            raw.put("pulsar.url", pulsarUrl);
            raw.put("topic", topic);
            raw.put("limit", connectorOverrides.getOrDefault("maxRecordsPerFetch", "1000"));
            raw.put("poll.interval.ms", "1000");
            command.add("raw");
            command.add(PropertiesFiles.write(dir.resolve("raw.properties"), raw).toString());
        } else {
            Map<String, String> worker = new LinkedHashMap<>();
            worker.put("pulsar.service.url", pulsarUrl);
            worker.put("listeners", "http://127.0.0.1:0");
            worker.put("data.dir", dir.resolve("data").toString());
            if (kind == Kind.TRIBUTARY_EXACTLY_ONCE) {
                worker.put("exactly.once.source.support", "enabled");
                worker.put("offset.store", "pulsar");
                worker.put("offset.pulsar.topic", topic + "-offsets");
            }
            Map<String, String> connector = new LinkedHashMap<>();
            connector.put("name", "bench");
            connector.put("connector.class", "kinesis");
            connector.put("topic", topic);
            connector.putAll(kinesisKeys(endpoint, stream));
            connector.putAll(connectorOverrides);
            command.add("tributary");
            command.add(PropertiesFiles.write(dir.resolve("worker.properties"), worker).toString());
            command.add(PropertiesFiles.write(dir.resolve("connector.properties"), connector).toString());
        }
        // In its run directory, so that what the worker writes relative to where it runs (its logs/) stays there.
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        return new Subject(kind, process, stats, log);
    }

    /**
     * The Kinesis connector keys every Tributary run of the benchmark gets, in the runtime and in
     * the Pulsar IO archive alike: the replay endpoint, its dummy credentials, TRIM_HORIZON, and no
     * pacing (the replay endpoint has no per-shard limits, and the raw loop keeps to none either).
     */
    static Map<String, String> kinesisKeys(URI endpoint, String stream) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("awsEndpoint", endpoint.toString());
        keys.put("awsRegion", "us-east-1");
        keys.put("awsKinesisStreamName", stream);
        keys.put("awsCredentialPluginParam", "{\"accessKey\":\"bench\",\"secretKey\":\"bench\"}");
        keys.put("initialPositionInStream", "TRIM_HORIZON");
        keys.put("paceShardReads", "false");
        return keys;
    }

    Kind kind() {
        return kind;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** The subject's JVM, for measuring it from outside ({@link ProcessTree}). */
    ProcessHandle processHandle() {
        return process.toHandle();
    }

    List<Sample> samples() {
        try {
            return Sample.read(stats);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, so that the subject flushes; SIGKILL if it takes longer than 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

}
