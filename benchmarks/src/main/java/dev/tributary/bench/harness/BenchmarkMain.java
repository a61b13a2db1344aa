package dev.tributary.bench.harness;

import dev.tributary.testing.services.PulsarStandalone;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmark and writes the report; {@code bin/benchmark} is its launcher.
 *
 * <p>Options: {@code --quick} (about ten times shorter, to try the harness), {@code --only
 * throughput,shards,idle,latency,failover,spread,archive,peer,pulsar-perf,jmh,eos}, {@code --report <file>} (default
 * BENCHMARKS.md in the working directory), {@code --latency-rate <records/s>} (default: half of
 * Tributary's maximum at 1 KiB, measured in the same run; 10,000 when that scenario is left out),
 * {@code --rounds N} (how many times each scenario runs each subject, the order alternating; 3 by
 * default, 1 with {@code --quick}), {@code --set key=value} (a Kinesis connector key for every Tributary run, for experiments; the
 * report lists it), {@code --profile} (each subject JVM writes a Flight Recorder profile,
 * {@code subject.jfr}, into its run directory under benchmarks/target/benchmark-runs).
 * A scenario that fails is reported as such, and the others still run.
 *
 * <p>{@code eos} runs last, on a standalone of its own with transactions and deduplication on,
 * started once the shared standalone of the other scenarios has stopped: those keep the broker
 * they always had, and no two brokers share the machine while it measures.
 */
public final class BenchmarkMain {
    private static final List<String> ALL = List.of("pulsar-perf", "throughput", "shards", "idle", "latency", "failover", "spread",
            "archive", "peer", "jmh", "eos");
    /** The scenarios on the shared standalone that start Tributary as a {@link Subject}, with its class-data archive. */
    private static final List<String> SUBJECT_SCENARIOS = List.of("throughput", "shards", "idle", "latency", "archive",
            "peer");

    /**
     * How many times a full run runs each subject of a scenario (issue #17: at least 3, judged on
     * the median); {@code --quick} runs each once.
     */
    static final int DEFAULT_ROUNDS = 3;

    /**
     * The managed-ledger cache of the exactly-once scenario's broker, in MB: by docs/concepts.md's
     * rule, at least the bytes written per second times how long an entry may stay (5 s). Section 1
     * moves about 100 MB/s at 1 KiB here, so 512 MB; it was 256 MB when that was about 48 MB/s.
     */
    static final int EXACTLY_ONCE_CACHE_MB = 512;

    /**
     * The JVM memory of the brokers with large caches (exactly once, latency): the test services'
     * heap, and direct memory for a managed-ledger cache of 512 MB beside the bookie's own write and
     * read caches.
     */
    static final String CACHING_BROKER_MEMORY = "-Xms256m -Xmx1g -XX:MaxDirectMemorySize=2g";

    /**
     * The broker of the other scenarios: the test services' standalone, but a broker of its own
     * (in {@code target/services/pulsar-bench}) whose bookie looks for entry logs to delete every
     * 30 s rather than the distribution's 5 minutes. Every run's topic is deleted once read
     * ({@link TopicCounter#delete}), but at section 1's rates the bookie writes about 5 GB a minute
     * (journal and entry log), and with the 5-minute wait a run of section 1 alone left 53 GB
     * behind; with 30 s the entry logs of deleted topics go within a run or two.
     */
    static final Map<String, String> SHARED_BROKER = Map.of("gcWaitTime", "30000");

    /** The shared broker's settings with {@code more}: brokers that differ from it only in these. */
    private static Map<String, String> sharedBrokerWith(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(SHARED_BROKER);
        all.putAll(more);
        return Map.copyOf(all);
    }

    /**
     * The broker of the exactly-once scenario: transactions and deduplication on, as the test
     * services' transactional broker has them, and a managed-ledger cache that holds what a
     * reader waits for. A reader gets a transaction's messages only when it commits, a commit
     * interval or more after they were written; with the test services' small cache (64 MB, kept
     * small for the suite's memory) and Pulsar's default eviction after 1 s, those messages have
     * left the cache by then and the broker reads them back from its bookie, which on this
     * machine costs the CPU that the subject needs (about 0.76x at-least-once on the median,
     * against about 0.9x with the cache). docs/concepts.md gives operators the same advice.
     */
    static final Map<String, String> EXACTLY_ONCE_BROKER = sharedBrokerWith(Map.of(
            "transactionCoordinatorEnabled", "true",
            "brokerDeduplicationEnabled", "true",
            "managedLedgerCacheSizeMB", Integer.toString(EXACTLY_ONCE_CACHE_MB),
            "managedLedgerCacheEvictionTimeThresholdMillis", "5000"));

    /** The latency broker's bookie write cache and managed-ledger cache, each; the report says so. */
    static final int LATENCY_CACHE_MB = 512;

    /** How long the latency broker keeps an entry in its managed-ledger cache. */
    static final int LATENCY_CACHE_SECONDS = 5;

    /**
     * The broker of the latency scenario, started for it alone: the shared broker's settings, and
     * caches for a reader that follows a topic written at tens of MB/s. With the distribution's
     * standalone sizes (a bookie write cache of 32 MB, flushed every quarter second at section 4's
     * rate, and a managed-ledger cache of 64 MB whose entries go after 1 s), a flush that stalls the
     * bookie for a second or more (seen here: 1.4 s) left the harness's reader behind the cache for
     * good: it then read from the bookie, more slowly than the topic grew, and measured its own lag
     * (p50 13 to 20 s in 2 of 7 rounds of one evening, with the reader short of a third of the
     * topic). Both subjects get this broker, one after the other, as they got the shared one.
     */
    static final Map<String, String> LATENCY_BROKER = sharedBrokerWith(Map.of(
            "dbStorage_writeCacheMaxSizeMb", Integer.toString(LATENCY_CACHE_MB),
            "managedLedgerCacheSizeMB", Integer.toString(LATENCY_CACHE_MB),
            "managedLedgerCacheEvictionTimeThresholdMillis", Long.toString(LATENCY_CACHE_SECONDS * 1000)));

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        Scenarios.Scale scale = Scenarios.Scale.FULL;
        Set<String> only = new LinkedHashSet<>(ALL);
        Path reportFile = Paths.get("BENCHMARKS.md");
        Double latencyRate = null;
        Integer rounds = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> scale = Scenarios.Scale.QUICK;
                case "--profile" -> System.setProperty(Subject.PROFILE_PROPERTY, "true");
                case "--only" -> only = new LinkedHashSet<>(List.of(value(args, ++i, "--only").split(",")));
                case "--report" -> reportFile = Paths.get(value(args, ++i, "--report"));
                case "--latency-rate" -> latencyRate = Double.parseDouble(value(args, ++i, "--latency-rate"));
                case "--rounds" -> rounds = positive(value(args, ++i, "--rounds"), "--rounds");
                case "--set" -> {
                    String pair = value(args, ++i, "--set");
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        usage("--set takes key=value, a Kinesis connector key such as receiveQueueSize=4000");
                    }
                    overrides.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                default -> usage("unknown option " + args[i]);
            }
        }
        for (String name : only) {
            if (!ALL.contains(name)) {
                usage("unknown scenario " + name + "; the scenarios are " + String.join(",", ALL));
            }
        }
        if (only.contains("pulsar-perf") && !only.contains("throughput")) {
            // Its figures are rows of section 1's table; alone, they would be measured and then dropped.
            usage("pulsar-perf is reported in section 1's table: run it with throughput (--only pulsar-perf,throughput)");
        }
        if (rounds == null) {
            rounds = scale == Scenarios.Scale.FULL ? DEFAULT_ROUNDS : 1;
        }
        long began = System.nanoTime();
        Path work = Files.createDirectories(Paths.get("benchmarks", "target", "benchmark-runs").toAbsolutePath());
        Report report = new Report(overrides, rounds);
        Path pulsarHome = System.getProperty("tributary.pulsar.home") == null ? null
                : Paths.get(System.getProperty("tributary.pulsar.home"));
        if (only.stream().anyMatch(name -> !name.equals("eos"))) {
            pulsarHome = runOnSharedStandalone(only, scale, rounds, work, overrides, latencyRate, report);
        }
        if (only.contains("eos")) {
            Scenarios.Scale eosScale = scale;
            int eosRounds = rounds;
            run(report, "exactly once", () -> {
                PulsarStandalone transactional = PulsarStandalone.startDedicated("bench-transactions",
                        EXACTLY_ONCE_BROKER, CACHING_BROKER_MEMORY);
                try {
                    Scenarios.log("Pulsar standalone with transactions and deduplication: %s", transactional.describe());
                    Scenarios eos = new Scenarios(transactional.serviceUrl(), transactional.adminUrl(), work, eosScale,
                            overrides, eosRounds);
                    report.exactlyOnce(eos.exactlyOnce(1024));
                } finally {
                    transactional.stopAndDeleteData();
                }
            });
        }

        String previous = Report.read(reportFile);
        String command = "bin/benchmark" + (args.length == 0 ? "" : " " + String.join(" ", args));
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        String text = report.render(Machine.describe(pulsarVersion(pulsarHome)), command, took, previous);
        Files.writeString(reportFile, text, StandardCharsets.UTF_8);
        Scenarios.log("report written to %s in %d min", reportFile.toAbsolutePath(), took.toMinutes());
        System.exit(0);
    }

    /**
     * Runs every scenario but {@code eos} that {@code only} names, on the shared standalone, and
     * stops it. Returns the Pulsar distribution it ran.
     */
    private static Path runOnSharedStandalone(Set<String> only, Scenarios.Scale scale, int rounds, Path work,
            Map<String, String> overrides, Double latencyRate, Report report) {
        PulsarStandalone pulsar = PulsarStandalone.startDedicated("bench", SHARED_BROKER);
        Scenarios.log("Pulsar standalone: %s", pulsar.describe());
        Scenarios scenarios = new Scenarios(pulsar.serviceUrl(), pulsar.adminUrl(), work, scale, overrides, rounds);
        Duration perfTime = scale == Scenarios.Scale.FULL ? Duration.ofSeconds(30) : Duration.ofSeconds(10);
        if (only.stream().anyMatch(SUBJECT_SCENARIOS::contains)) {
            run(report, "class-data archive", () -> SubjectArchive.DEFAULT.prime(pulsar.serviceUrl(), work));
        }

        for (int size : new int[] {1024, 100}) {
            if (only.contains("pulsar-perf")) {
                run(report, "pulsar-perf " + size + " B", () -> {
                    PulsarPerf.Result r = PulsarPerf.produce(pulsar.home(), pulsar.serviceUrl(), pulsar.adminUrl(), size,
                            perfTime, work);
                    Scenarios.log("pulsar-perf produce, %d B: %,.0f msg/s, %.1f MB/s", size, r.messagesPerSecond(),
                            r.megabytesPerSecond());
                    report.pulsarPerf(size, r);
                });
            }
            if (only.contains("throughput")) {
                run(report, "throughput " + size + " B", () -> report.throughput(size, scenarios.maxThroughput(size)));
            }
        }
        if (only.contains("shards")) {
            run(report, "256 shards", () -> report.manyShards(256, 100_000, scenarios.manyShards(256, 100_000, 1024)));
        }
        if (only.contains("idle")) {
            run(report, "1000 idle shards", () -> report.idle(1000, scenarios.idleShards(1000)));
        }
        if (only.contains("latency")) {
            double rate = latencyRate != null ? latencyRate : report.halfOfTributaryMaximum(1024).orElse(10_000.0);
            run(report, "latency", () -> {
                // Its own broker, with the caches above, beside the shared one, which is idle meanwhile.
                PulsarStandalone quiet = PulsarStandalone.startDedicated("bench-latency", LATENCY_BROKER,
                        CACHING_BROKER_MEMORY);
                try {
                    Scenarios.log("Pulsar standalone for the latency scenario: %s", quiet.describe());
                    Scenarios latency = new Scenarios(quiet.serviceUrl(), quiet.adminUrl(), work, scale, overrides, rounds);
                    report.latency(rate, latency.latency(rate, 1024));
                } finally {
                    quiet.stopAndDeleteData();
                }
            });
        }
        GroupScenarios group = new GroupScenarios(pulsar.serviceUrl(), pulsar.adminUrl(), work);
        if (only.contains("failover")) {
            int kills = scale == Scenarios.Scale.FULL ? 10 : 3;
            run(report, "failover", () -> report.failover(group.failover(kills)));
        }
        if (only.contains("spread")) {
            int connectors = scale == Scenarios.Scale.FULL ? 100 : 30;
            run(report, "spread", () -> report.spread(group.spread(connectors, 4)));
        }
        if (only.contains("archive")) {
            ArchiveScenario archive = new ArchiveScenario(pulsar.serviceUrl(), pulsar.adminUrl(), pulsar.home(), work, scale,
                    overrides);
            run(report, "archive", () -> report.archive(archive.run(rounds)));
        }
        if (only.contains("peer")) {
            PeerScenario peer = new PeerScenario(pulsar.serviceUrl(), pulsar.adminUrl(), pulsar.home(), work, scale,
                    overrides);
            run(report, "peer", () -> report.peer(peer.run(rounds)));
        }
        if (only.contains("jmh")) {
            Scenarios.Scale jmhScale = scale;
            run(report, "JMH", () -> report.jmh(jmh(work, jmhScale)));
        }
        pulsar.stopAndDeleteData();
        return pulsar.home();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(Report report, String name, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            Scenarios.log("%s failed: %s", name, e);
            report.failed(name, e);
        }
    }

    /** Runs the JMH suite in its own JVM, as JMH wants, and returns its JSON results. */
    private static Path jmh(Path work, Scenarios.Scale scale) throws Exception {
        Path json = work.resolve("jmh.json");
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.tributary.bench.jmh.JmhMain", json.toString()));
        if (scale == Scenarios.Scale.QUICK) {
            command.add("--quick");
        }
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the JMH suite did not finish cleanly (exit "
                    + (process.isAlive() ? "none" : process.exitValue()) + ")");
        }
        return json;
    }

    private static String pulsarVersion(Path home) {
        if (home == null) {
            return "unknown (no standalone started)";
        }
        return home.getFileName().toString().replace("apache-pulsar-", "") + " standalone (official server distribution)";
    }

    private static int positive(String text, String option) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the usage line below says what is wanted
        }
        usage(option + " takes a whole number of at least 1, not '" + text + "'");
        return 0;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("bin/benchmark: " + problem);
        System.err.println("usage: bin/benchmark [--quick] [--only " + String.join(",", ALL)
                + "] [--rounds N] [--report FILE] [--latency-rate RECORDS_PER_SECOND] [--set connectorKey=value]... [--profile]");
        System.exit(2);
    }
}
