package dev.tributary.bench.harness;

import dev.tributary.bench.replay.ReplayConfig;
import dev.tributary.bench.replay.ReplayServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The Pulsar IO archive against the standalone runtime: the backlog of scenario 1 at 1 KiB on 8
 * shards, read by Tributary's standalone worker and by the archive under {@code pulsar-admin
 * sources localrun}, with the same connector config, each into a fresh topic of the same broker, in
 * rounds ({@link Rounds#inTurn}): the archive's figures move as much from run to run as any
 * subject's, so one run of each cannot judge a 0.9x goal.
 *
 * <p>Throughput is counted the same way for both, from the broker's topic stats, over the window
 * of scenario 1 ({@link Scenarios#window}). CPU is measured inside the worker's JVM (as for every subject)
 * and from {@code /proc} for localrun's processes (see {@link LocalRun}).
 */
final class ArchiveScenario {
    /** Where bin/benchmark says the archive is: pulsar-io-kinesis/target/tributary-kinesis-*.nar. */
    static final String NAR_PROPERTY = "tributary.bench.nar";
    private static final String STREAM = "bench";
    private static final int RECORD_BYTES = 1024;
    private static final int SHARDS = 8;
    /** localrun unpacks the archive and starts a JVM of its own before it reads a record. */
    private static final Duration LOCALRUN_START = Duration.ofSeconds(60);

    /**
     * One round: each runtime once.
     *
     * @param standalone the worker's figures
     * @param archive the archive's figures: its kind is {@link Subject.Kind#TRIBUTARY} (the same
     *     connector), its heap in use and threads are 0 (not measured)
     * @param measuredProcesses the processes whose CPU was counted for the archive
     * @param archiveErrors the ERROR lines of localrun's log
     */
    record Result(Figures standalone, Figures archive, String measuredProcesses, List<String> archiveErrors) {
        Result {
            archiveErrors = List.copyOf(archiveErrors);
        }
    }

    private final String pulsarUrl;
    private final String adminUrl;
    private final Path pulsarHome;
    private final Path workDir;
    private final Scenarios.Scale scale;
    private final Map<String, String> connectorOverrides;

    ArchiveScenario(String pulsarUrl, String adminUrl, Path pulsarHome, Path workDir, Scenarios.Scale scale,
            Map<String, String> connectorOverrides) {
        this.pulsarUrl = pulsarUrl;
        this.adminUrl = adminUrl;
        this.pulsarHome = pulsarHome;
        this.workDir = workDir;
        this.scale = scale;
        this.connectorOverrides = Map.copyOf(connectorOverrides);
    }

    /** The archive that bin/benchmark built, or an error that says how to get one. */
    static Path nar() {
        return LocalRun.archive(NAR_PROPERTY, "no Pulsar IO archive: set -D" + NAR_PROPERTY + " to "
                + "pulsar-io-kinesis/target/tributary-kinesis-<version>.nar (bin/benchmark builds it)",
                nar -> "the Pulsar IO archive " + nar + " does not exist: build it with "
                        + "./mvnw -pl pulsar-io-kinesis -am package -DskipTests, or run bin/benchmark, which does");
    }

    /** Runs {@code rounds} rounds on one endpoint; each run gets a fresh topic (and the archive a source name of its own). */
    List<Result> run(int rounds) throws Exception {
        Path nar = nar();
        int perShard = Scenarios.backlogPerShard(scale, RECORD_BYTES);
        long expected = (long) SHARDS * perShard;
        Duration limit = scale.seconds(240);
        List<Result> results = new ArrayList<>();
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                .stream(STREAM, SHARDS, perShard, RECORD_BYTES)
                .port(0)
                .build())) {
            for (int round = 0; round < rounds; round++) {
                Scenarios.log("archive: round %d of %d", round + 1, rounds);
                int r = round;
                Rounds.Both<Figures, ArchiveRun> runs = Rounds.both(round, () -> DiskSpace.require(workDir),
                        () -> standalone(server, expected, limit, r), () -> archive(server, nar, expected, limit, r));
                ArchiveRun archive = runs.second();
                results.add(new Result(runs.first(), archive.figures(), archive.measuredProcesses(), archive.errors()));
            }
        }
        return results;
    }

    /** The archive's figures in one round, the processes whose CPU was counted and the ERROR lines of its log. */
    private record ArchiveRun(Figures figures, String measuredProcesses, List<String> errors) {
    }

    private Figures standalone(ReplayServer server, long expected, Duration limit, int round) throws Exception {
        String topic = topic("standalone");
        Path dir = runDir("archive-standalone-" + (round + 1));
        Scenarios.log("archive: the standalone worker reading %,d records of %d B from %d shards", expected, RECORD_BYTES,
                SHARDS);
        try (Subject subject = Subject.start(Subject.Kind.TRIBUTARY, dir, pulsarUrl, server.endpoint(), STREAM, topic,
                connectorOverrides)) {
            long[][] window = drain(server, topic, expected, limit, subject::isAlive, subject.log());
            List<Sample> samples = subject.samples();
            return figures(window, Sample.cpuSecondsBetween(samples, window[0][0], window[1][0]),
                    samples.stream().mapToLong(Sample::heapAfterGc).max().orElse(0),
                    samples.stream().mapToLong(Sample::heapUsed).max().orElse(0),
                    samples.stream().mapToInt(Sample::threads).max().orElse(0));
        } finally {
            new TopicCounter(adminUrl, topic).delete();
        }
    }

    private ArchiveRun archive(ReplayServer server, Path nar, long expected, Duration limit, int round) throws Exception {
        String topic = topic("localrun");
        Path dir = runDir("archive-localrun-" + (round + 1));
        // A name of its own: the archive keeps offsets in the namespace's offset topic, keyed by the source's name.
        String name = "bench-archive-" + System.nanoTime();
        Path config = Files.writeString(dir.resolve("kinesis-source.yaml"), sourceConfig(name, topic, server));
        Scenarios.log("archive: the archive under sources localrun reading %,d records of %d B from %d shards", expected,
                RECORD_BYTES, SHARDS);
        try (LocalRun run = LocalRun.start(pulsarHome, nar, config, name, pulsarUrl, dir)) {
            long[][] window = drain(server, topic, expected, limit.plus(LOCALRUN_START), run::isAlive, run.log());
            String measured = run.measuredProcesses();
            Figures archive = figures(window, Sample.cpuSecondsBetween(run.samples(), window[0][0], window[1][0]),
                    run.peakHeapAfterGc(), 0, 0);
            List<String> errors = run.errorLines();
            Scenarios.log("  archive CPU from /proc of: %s; %d ERROR lines in %s", measured, errors.size(), run.log());
            return new ArchiveRun(archive, measured, errors);
        } finally {
            new TopicCounter(adminUrl, topic).delete();
        }
    }

    /** The source config file: the keys that {@link Subject} gives the standalone worker's connector. */
    private String sourceConfig(String name, String topic, ReplayServer server) {
        Map<String, String> configs = Subject.kinesisKeys(server.endpoint(), STREAM);
        configs.putAll(connectorOverrides);
        return LocalRun.sourceConfigYaml(name, topic, configs);
    }

    /**
     * Waits until the topic holds {@code expected} messages and returns the window's two ticks,
     * each {wall ms, messages, GetRecords calls}: the window of scenario 1 ({@link Scenarios#window}).
     */
    private long[][] drain(ReplayServer server, String topic, long expected, Duration limit, BooleanSupplier alive,
            Path log) throws Exception {
        BacklogDrain.Drained drained = BacklogDrain.drain("archive", adminUrl, server, topic, expected, limit,
                System.currentTimeMillis(), BacklogDrain.TICK_MS, alive, log);
        return new long[][] {drained.from(), drained.to()};
    }

    private static Figures figures(long[][] window, double cpuSeconds, long liveHeap, long usedHeap, int threads) {
        long[] from = window[0];
        long[] to = window[1];
        Figures f = new Figures(Subject.Kind.TRIBUTARY, (to[0] - from[0]) / 1000.0, to[1] - from[1], RECORD_BYTES, cpuSeconds,
                liveHeap, usedHeap, threads, to[2] - from[2], SHARDS, null);
        Scenarios.log("  %,.0f records/s, %.1f MB/s, %.2f cores, %.1f CPU-s/GB, live heap %d MiB", f.recordsPerSecond(),
                f.megabytesPerSecond(), f.cores(), f.cpuSecondsPerGigabyte(), liveHeap >> 20);
        return f;
    }

    /** An empty directory for one run: a worker must not restore the offsets of an earlier run. */
    private Path runDir(String name) throws IOException {
        return Scenarios.freshDir(workDir.resolve(name));
    }

    private static String topic(String subject) {
        return "persistent://public/default/bench-archive-" + subject + "-" + System.nanoTime();
    }
}
