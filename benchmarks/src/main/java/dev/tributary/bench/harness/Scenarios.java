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
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The scenarios of the benchmark that run subject JVMs, each run for its subjects in turn against a
 * fresh topic: Tributary and the raw loop, or Tributary at least once and exactly once.
 *
 * <p>Every figure comes from outside the pipeline under test or from the same sampler inside
 * both subjects: throughput from the broker's topic stats (in the exactly-once scenario, from a
 * reader of the topic, which sees only committed messages), GetRecords calls from the replay
 * endpoint, CPU, heap and threads from each subject JVM's {@link SubjectMain.Sampler}, latency
 * from a consumer reading stamps that the endpoint put in the payloads.
 */
final class Scenarios {
    private static final String STREAM = "bench";
    private static final long TICK_MS = 250;

    private final String pulsarUrl;
    private final String adminUrl;
    private final Path workDir;
    private final Scale scale;

    /** How long each scenario runs: {@link #FULL} for the report, {@link #QUICK} to try the harness. */
    enum Scale {
        FULL(1.0, 1.0), QUICK(0.2, 0.1);

        final double timeFactor;
        final double recordFactor;

        Scale(double timeFactor, double recordFactor) {
            this.timeFactor = timeFactor;
            this.recordFactor = recordFactor;
        }

        Duration seconds(long full) {
            return Duration.ofSeconds(Math.max(3, Math.round(full * timeFactor)));
        }

        int records(int full) {
            return (int) Math.max(1000, Math.round(full * recordFactor));
        }
    }

    /**
     * Where the measured window of a drained backlog starts, in percent of the backlog moved. The
     * first seconds of a subject JVM are the JIT's: in a profile of Tributary 4 to 12 s after its
     * start, the compiler threads took a third of its CPU, and about a fifth still at 20 to 30 s;
     * the raw loop's took more, for longer. A window that starts this late, on a backlog of 15 to
     * 40 s here ({@link #backlogPerShard}), leaves the busiest seconds out, as the timed scenarios'
     * warm-up does; at 1 KiB it still starts about 8 s after a fast subject's start.
     */
    static final int WINDOW_FROM_PERCENT = 40;
    /** Where the measured window ends: before the last shards run dry and the rate tails off. */
    static final int WINDOW_TO_PERCENT = 95;

    private final Map<String, String> connectorOverrides;
    private final int rounds;

    /**
     * @param connectorOverrides Kinesis connector keys that every Tributary run sets, for
     *     experiments (the report lists them); empty for the defaults
     * @param rounds how many times each scenario runs each subject, the order alternating from
     *     round to round ({@link Rounds})
     */
    Scenarios(String pulsarUrl, String adminUrl, Path workDir, Scale scale, Map<String, String> connectorOverrides,
            int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
        }
        this.pulsarUrl = pulsarUrl;
        this.adminUrl = adminUrl;
        this.workDir = workDir;
        this.scale = scale;
        this.connectorOverrides = Map.copyOf(connectorOverrides);
        this.rounds = rounds;
    }

    /** Runs {@code run} for every subject of {@code subjects} in every round, in {@link Rounds#inTurn} order. */
    private <T> List<T> inRounds(String scenario, List<Subject.Kind> subjects, RoundRun<T> run) throws Exception {
        List<T> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (Subject.Kind kind : Rounds.inTurn(subjects, round)) {
                if (rounds > 1) {
                    log("%s: round %d of %d", scenario, round + 1, rounds);
                }
                DiskSpace.require(workDir);
                results.add(run.run(kind, round));
            }
        }
        return results;
    }

    private interface RoundRun<T> {
        T run(Subject.Kind kind, int round) throws Exception;
    }

    /**
     * Records per shard of the backlog that scenarios 1, 7, 8 and 9 read on 8 shards: 300,000 of
     * 1 KiB or 900,000 of 100 B, 15 to 40 s for a subject at this machine's rates, so that the
     * window from {@value #WINDOW_FROM_PERCENT}% leaves the JIT's busiest seconds out.
     */
    static int backlogPerShard(Scale scale, int recordBytes) {
        return scale.records(recordBytes >= 1024 ? 300_000 : 900_000);
    }

    /** Scenario 1: a backlog on 8 shards read as fast as each subject can, at one record size. */
    List<Figures> maxThroughput(int recordBytes) throws Exception {
        int perShard = backlogPerShard(scale, recordBytes);
        List<Figures> figures = new ArrayList<>();
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                .stream(STREAM, 8, perShard, recordBytes)
                .port(0)
                .build())) {
            figures.addAll(inRounds("throughput-" + recordBytes, Subject.Kind.COMPARED, (kind, round) -> runUntilDrained(
                    "throughput-" + recordBytes, kind, round, server, 8, recordBytes, 8L * perShard, scale.seconds(240))));
        }
        return figures;
    }

    /** Scenario 2: 256 shards, each receiving {@code bytesPerShard} bytes a second, for a fixed time. */
    List<Figures> manyShards(int shards, long bytesPerShard, int recordBytes) throws Exception {
        Duration run = scale.seconds(75);
        Duration warmup = scale.seconds(15);
        int perShard = (int) (bytesPerShard / recordBytes * (run.toSeconds() + 30));
        return inRounds("shards-" + shards, Subject.Kind.COMPARED, (kind, round) -> {
            try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                    .stream(STREAM, shards, perShard, recordBytes)
                    .perShardBytesPerSecond(bytesPerShard)
                    .deferArrivals(true)
                    .port(0)
                    .build())) {
                return runTimed("shards-" + shards, kind, round, server, shards, recordBytes, run, warmup, false,
                        () -> server.startArrivals());
            }
        });
    }

    /** Scenario 3: shards with nothing in them; what it costs to watch them. */
    List<Figures> idleShards(int shards) throws Exception {
        // A long warm-up, so that the window sees the cost of watching, not of compiling: at one call
        // per shard every few seconds the SDK's request path reaches C2's thresholds slowly, and a
        // minute in, the compiler thread still took 13% of a core for Tributary (0.25 calls per
        // shard per second) against 1% for the raw loop (1 call), as per-thread CPU showed.
        Duration run = scale.seconds(270);
        Duration warmup = scale.seconds(180);
        List<Figures> figures = new ArrayList<>();
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                .stream(STREAM, shards, 0, 1024)
                .port(0)
                .build())) {
            figures.addAll(inRounds("idle-" + shards, Subject.Kind.COMPARED, (kind, round) -> runTimed("idle-" + shards,
                    kind, round, server, shards, 1024, run, warmup, false, () -> { })));
        }
        return figures;
    }

    /**
     * Scenario 4: 8 shards receiving {@code recordsPerSecond} in all, latency measured per message,
     * on a broker started for this scenario: first one run of Tributary that is not measured, so
     * that the measured runs find that broker warm alike (the first run on a cold broker delivered
     * 44k of 57k records/s here, at five times the p99).
     */
    List<Figures> latency(double recordsPerSecond, int recordBytes) throws Exception {
        Duration run = scale.seconds(75);
        Duration warmup = scale.seconds(15);
        log("latency: a warm-up run, not measured");
        latencyRun("latency-warm-up", Subject.Kind.TRIBUTARY, 0, recordsPerSecond, recordBytes, run, warmup);
        return inRounds("latency", Subject.Kind.COMPARED, (kind, round) ->
                latencyRun("latency", kind, round, recordsPerSecond, recordBytes, run, warmup));
    }

    private Figures latencyRun(String scenario, Subject.Kind kind, int round, double recordsPerSecond, int recordBytes,
            Duration run, Duration warmup) throws Exception {
        long bytesPerShard = Math.round(recordsPerSecond * recordBytes / 8);
        int perShard = (int) (recordsPerSecond / 8 * (run.toSeconds() + 30));
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                .stream(STREAM, 8, perShard, recordBytes)
                .perShardBytesPerSecond(bytesPerShard)
                .deferArrivals(true)
                .stampPayloads(true)
                .port(0)
                .build())) {
            return runTimed(scenario, kind, round, server, 8, recordBytes, run, warmup, true, () -> server.startArrivals());
        }
    }

    /**
     * Scenario 7: the backlog of scenario 1, read by Tributary at least once and then exactly once,
     * both with the connector's commit interval ({@code checkpointInterval}) at {@value #EXACTLY_ONCE_COMMIT}.
     * Needs a broker with transactions on, started for this scenario, so an at-least-once run that is
     * not measured warms it first. Every run counts what a reader of the topic received, which under
     * exactly-once is what was committed.
     */
    ExactlyOnce exactlyOnce(int recordBytes) throws Exception {
        int perShard = backlogPerShard(scale, recordBytes);
        Map<String, String> connector = new java.util.LinkedHashMap<>(connectorOverrides);
        connector.put("checkpointInterval", EXACTLY_ONCE_COMMIT);
        List<Figures> figures = new ArrayList<>();
        List<TopicCounter.Transactions> transactions = new ArrayList<>();
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                .stream(STREAM, 8, perShard, recordBytes)
                .port(0)
                .build())) {
            // The broker is fresh: an unmeasured run first, so that the measured runs find its JIT warm alike.
            log("eos-%d: a warm-up run, not measured", recordBytes);
            drain("eos-warm-up", Subject.Kind.TRIBUTARY, 0, server, 8, recordBytes, 8L * perShard, scale.seconds(240),
                    connector, true);
            for (Drained run : inRounds("eos-" + recordBytes,
                    List.of(Subject.Kind.TRIBUTARY, Subject.Kind.TRIBUTARY_EXACTLY_ONCE), (kind, round) -> drain(
                            "eos-" + recordBytes, kind, round, server, 8, recordBytes, 8L * perShard, scale.seconds(240),
                            connector, true))) {
                figures.add(run.figures());
                if (run.figures().kind() == Subject.Kind.TRIBUTARY_EXACTLY_ONCE) {
                    transactions.add(run.transactions());
                }
            }
        }
        return new ExactlyOnce(figures, EXACTLY_ONCE_COMMIT, transactions);
    }

    /** The commit interval of both runs of scenario 7, well under the 30 s cap of one transaction. */
    static final String EXACTLY_ONCE_COMMIT = "1s";

    /**
     * What scenario 7 measured.
     *
     * @param commitInterval the connector's {@code checkpointInterval} in both runs
     * @param transactions each exactly-once run's transactions on its topic, from the topic's stats
     *     once the backlog was committed, in round order
     */
    record ExactlyOnce(List<Figures> figures, String commitInterval, List<TopicCounter.Transactions> transactions) {
    }

    /** A drained run's figures, and the transactions its topic saw. */
    private record Drained(Figures figures, TopicCounter.Transactions transactions) {
    }

    /**
     * Runs until the topic holds {@code expected} messages; the window is from
     * {@value #WINDOW_FROM_PERCENT}% to {@value #WINDOW_TO_PERCENT}% of them.
     */
    private Figures runUntilDrained(String scenario, Subject.Kind kind, int round, ReplayServer server, int shards,
            int recordBytes, long expected, Duration limit) throws Exception {
        return drain(scenario, kind, round, server, shards, recordBytes, expected, limit, connectorOverrides, false)
                .figures();
    }

    /**
     * Runs until {@code expected} messages are counted; the window is from
     * {@value #WINDOW_FROM_PERCENT}% to {@value #WINDOW_TO_PERCENT}% of them.
     *
     * @param countRead count what a reader of the topic received ({@link CommittedCounter}) rather
     *     than what the broker took in: under exactly-once, only committed messages
     */
    private Drained drain(String scenario, Subject.Kind kind, int round, ReplayServer server, int shards, int recordBytes,
            long expected, Duration limit, Map<String, String> connector, boolean countRead) throws Exception {
        String topic = topic(scenario, kind);
        Path dir = runDir(scenario, kind, round);
        TopicCounter counter = new TopicCounter(adminUrl, topic);
        List<long[]> ticks = new ArrayList<>(); // {wall ms, messages, GetRecords calls, broker in}
        log("%s: %s reading %,d records of %d B from %d shards", scenario, kind.label, expected, recordBytes, shards);
        CommittedCounter reader = countRead ? new CommittedCounter(pulsarUrl, topic) : null;
        try (Subject subject = Subject.start(kind, dir, pulsarUrl, server.endpoint(), STREAM, topic, connector)) {
            long deadline = System.currentTimeMillis() + limit.toMillis();
            long count = 0;
            while (count < expected && System.currentTimeMillis() < deadline) {
                requireAlive(subject);
                TimeUnit.MILLISECONDS.sleep(TICK_MS);
                long in = counter.messagesIn();
                count = reader != null ? reader.messagesRead() : in;
                ticks.add(new long[] {System.currentTimeMillis(), count, server.stats().getRecordsCalls(), in});
            }
            if (count < expected) {
                log("%s: %s moved only %,d of %,d records in %d s; the figures cover what it moved", scenario, kind.label,
                        count, expected, limit.toSeconds());
            }
            long[][] window = window(ticks, expected, count);
            Figures figures = figures(kind, subject, window[0], window[1], recordBytes, shards, null);
            if (reader != null && window[1][0] > window[0][0]) {
                // Where a reader's count lags the broker's (transactions commit, the reader falls behind), this says which side set the pace.
                log("  the broker took in %,.0f records/s over the same window; the reader was %,d records behind it at its end",
                        (window[1][3] - window[0][3]) * 1000.0 / (window[1][0] - window[0][0]), window[1][3] - window[1][1]);
            }
            TopicCounter.Transactions transactions = counter.transactions();
            if (kind == Subject.Kind.TRIBUTARY_EXACTLY_ONCE) {
                log("  transactions on the topic: %,d committed, %,d aborted, %,d open; the broker took in %,d messages",
                        transactions.committed(), transactions.aborted(), transactions.ongoing(), counter.messagesIn());
            }
            return new Drained(figures, transactions);
        } finally {
            if (reader != null) {
                reader.close();
            }
            counter.delete();
        }
    }

    /** Runs for {@code run}; the window is everything after {@code warmup}. */
    private Figures runTimed(String scenario, Subject.Kind kind, int round, ReplayServer server, int shards,
            int recordBytes, Duration run, Duration warmup, boolean measureLatency, Runnable arrivals)
            throws Exception {
        String topic = topic(scenario, kind);
        Path dir = runDir(scenario, kind, round);
        TopicCounter counter = new TopicCounter(adminUrl, topic);
        log("%s: %s on %d shards for %d s", scenario, kind.label, shards, run.toSeconds());
        LatencyProbe probe = measureLatency ? new LatencyProbe(pulsarUrl, topic) : null;
        // The endpoint may have served a subject before this one (the idle scenario's rounds share it).
        long callsBefore = server.stats().getRecordsCalls();
        try (Subject subject = Subject.start(kind, dir, pulsarUrl, server.endpoint(), STREAM, topic, connectorOverrides)) {
            awaitFirstReads(scenario, subject, server, callsBefore, shards);
            arrivals.run();
            long start = System.currentTimeMillis();
            long warm = start + warmup.toMillis();
            long end = start + run.toMillis();
            long[] from = null;
            long[] last = null;
            while (System.currentTimeMillis() < end) {
                requireAlive(subject);
                TimeUnit.MILLISECONDS.sleep(TICK_MS);
                last = new long[] {System.currentTimeMillis(), counter.messagesIn(), server.stats().getRecordsCalls()};
                if (from == null && last[0] >= warm) {
                    from = last;
                    if (probe != null) {
                        probe.startRecording();
                    }
                }
            }
            if (from == null || last == null || last[0] <= from[0]) {
                throw new IllegalStateException(scenario + ": the run of " + run.toSeconds() + " s ended before its "
                        + warmup.toSeconds() + " s warm-up did");
            }
            Figures figures = figures(kind, subject, from, last, recordBytes, shards,
                    probe == null ? null : probe.histogram());
            if (probe != null) {
                // A probe that falls behind the topic measures its own catching up, not the subject: say so per run.
                Histogram h = figures.latencyMicros();
                log("  latency from the fetch: p50 %.1f ms, p99 %.1f ms, max %.1f ms; the probe had read %,d of the %,d"
                        + " messages the broker took in", h.getValueAtPercentile(50) / 1000.0,
                        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, probe.messagesRead(),
                        counter.messagesIn());
            }
            return probe == null ? figures : new Figures(figures.kind(), figures.seconds(), figures.records(),
                    figures.recordBytes(), figures.cpuSeconds(), figures.peakLiveHeap(), figures.peakHeapUsed(),
                    figures.peakThreads(), figures.getRecordsCalls(), figures.shards(), figures.latencyMicros(),
                    probe.fromArrival());
        } finally {
            if (probe != null) {
                probe.close();
            }
            counter.delete();
        }
    }

    /**
     * Waits until the subject has called GetRecords as many times as there are shards, so that
     * arrivals start once it reads rather than while its JVM starts: a subject that starts more
     * slowly would otherwise begin the run behind, by its start-up time's worth of arrivals, and a
     * fixed-rate scenario would measure how it catches up on that rather than its steady state.
     * Start-up time is the peer scenario's figure, not this one's. Counts the calls made since
     * {@code callsBefore}, the endpoint's count before this subject started: an endpoint that served
     * an earlier subject would otherwise have the count already, and this one's warm-up would start
     * with its JVM.
     */
    private static void awaitFirstReads(String scenario, Subject subject, ReplayServer server, long callsBefore,
            int shards) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + TimeUnit.SECONDS.toNanos(120);
        long made;
        while ((made = server.stats().getRecordsCalls() - callsBefore) < shards) {
            requireAlive(subject);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(scenario + ": " + subject.kind().label + " made " + made
                        + " GetRecords calls in 120 s, fewer than its " + shards + " shards; see " + subject.log());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        log("  %s read after %.1f s; arrivals start", subject.kind().label, (System.nanoTime() - begin) / 1e9);
    }

    private static Figures figures(Subject.Kind kind, Subject subject, long[] from, long[] to, int recordBytes, int shards,
            Histogram latency) {
        List<Sample> samples = subject.samples();
        double seconds = (to[0] - from[0]) / 1000.0;
        double cpu = Sample.cpuSecondsBetween(samples, from[0], to[0]);
        long liveHeap = samples.stream().mapToLong(Sample::heapAfterGc).max().orElse(0);
        long usedHeap = samples.stream().mapToLong(Sample::heapUsed).max().orElse(0);
        int threads = samples.stream().mapToInt(Sample::threads).max().orElse(0);
        Figures f = new Figures(kind, seconds, to[1] - from[1], recordBytes, cpu, liveHeap, usedHeap, threads,
                to[2] - from[2], shards, latency);
        log("  %s: %,.0f records/s, %.1f MB/s, %.2f cores, %.1f CPU-s/GB, live heap %d MiB, %d threads, %.2f GetRecords/s/shard",
                kind.label, f.recordsPerSecond(), f.megabytesPerSecond(), f.cores(), f.cpuSecondsPerGigabyte(),
                liveHeap >> 20, threads, f.getRecordsPerShardPerSecond());
        return f;
    }

    /**
     * The measured window of a drained backlog, as its first and last tick: from the tick at which
     * {@value #WINDOW_FROM_PERCENT}% of {@code expected} had moved to the one at
     * {@value #WINDOW_TO_PERCENT}% (or at {@code count}, all that moved, when less did). When no such
     * window has two ticks, the whole run.
     *
     * @param ticks {wall ms, messages, ...} in order
     */
    static long[][] window(List<long[]> ticks, long expected, long count) {
        long[] from = firstAtLeast(ticks, Math.max(1, expected * WINDOW_FROM_PERCENT / 100));
        long[] to = firstAtLeast(ticks, Math.min(count, expected * WINDOW_TO_PERCENT / 100));
        if (from == null || to == null || to[0] <= from[0]) {
            return new long[][] {ticks.get(0), ticks.get(ticks.size() - 1)};
        }
        return new long[][] {from, to};
    }

    /** The first tick whose count (its second field) reaches {@code count}; null when none does. */
    static long[] firstAtLeast(List<long[]> ticks, long count) {
        for (long[] tick : ticks) {
            if (tick[1] >= count) {
                return tick;
            }
        }
        return null;
    }

    private static void requireAlive(Subject subject) throws IOException {
        if (!subject.isAlive()) {
            throw new IOException(subject.kind().label + " stopped on its own; see " + subject.log());
        }
    }

    /**
     * An empty directory for one run: a worker must not restore the connectors or offsets of an
     * earlier run. Each round has its own, so that every round's log and profile are kept.
     */
    private Path runDir(String scenario, Subject.Kind kind, int round) throws IOException {
        return freshDir(workDir.resolve(scenario + "-" + kind.name().toLowerCase()
                + (rounds > 1 ? "-round" + (round + 1) : "")));
    }

    /** {@code dir}, empty, for one run: a worker must not restore the offsets of an earlier run. */
    static Path freshDir(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    private static String topic(String scenario, Subject.Kind kind) {
        return "persistent://public/default/bench-" + scenario + "-" + kind.name().toLowerCase() + "-" + System.nanoTime();
    }

    static void log(String format, Object... args) {
        System.out.printf("[benchmark] " + format + "%n", args);
    }
}
