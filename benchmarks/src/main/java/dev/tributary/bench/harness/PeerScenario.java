package dev.tributary.bench.harness;

import dev.tributary.bench.harness.BacklogDrain.Drained;
import dev.tributary.bench.replay.ReplayConfig;
import dev.tributary.bench.replay.ReplayServer;
import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Tributary against the peer users would otherwise run: Pulsar IO's own Kinesis source
 * ({@code pulsar-io-kinesis}, a KCL 3 application) under {@code pulsar-admin sources localrun} of
 * the harness's Pulsar distribution. Both read the backlog of scenario 1 at 1 KiB on 8 shards from
 * the same replay endpoint into a fresh topic each of the same broker, one after the other:
 * Tributary's standalone worker as in scenario 1, and the peer, in rounds, the order reversed from
 * one round to the next ({@link Rounds}).
 *
 * <p>Both are measured the same way, from outside, by a {@link ProcessTree}: CPU (utime + stime)
 * and memory (RSS and PSS) in {@code /proc}, of the worker's JVM and of every process under the
 * {@code pulsar-admin} launcher (the LocalRunner JVM with the source in it). Time to first record:
 * from just before the process starts to the first message the broker's topic stats count. When a
 * subject has stopped, a reader in the harness compares every message with what the endpoint
 * served ({@link PayloadCheck}).
 *
 * <p>The peer needs a DynamoDB for its KCL leases: dynalite, with the lease table created first,
 * as dynalite cannot add the index KCL 3 wants later (see {@link Dynalite}). Its CloudWatch
 * endpoint is a closed local port, so its metrics go nowhere. Its Kinesis client speaks HTTP/2
 * only, so it gets the endpoint's HTTP/2 listener.
 */
final class PeerScenario {
    /** Where bin/benchmark says the peer's archive is: benchmarks/target/peer/pulsar-io-kinesis-4.0.8.jar. */
    static final String PEER_PROPERTY = "tributary.bench.peer.nar";
    private static final String STREAM = "bench";
    private static final int RECORD_BYTES = 1024;
    private static final int SHARDS = 8;
    /** Finer until the first record, which is a figure of its own. */
    private static final long FIRST_RECORD_TICK_MS = 50;
    /**
     * On top of the drain's own limit: localrun unpacks the archive (145 MB) and starts a JVM, and
     * the KCL takes about 2 minutes from its start to its first GetRecords on a fresh application
     * (lease sync, a 60 s shard-sync sleep, then lease assignment).
     */
    private static final Duration PEER_START = Duration.ofMinutes(5);
    private static final Duration PAYLOAD_CHECK_LIMIT = Duration.ofMinutes(10);

    /**
     * One subject's run.
     *
     * @param figures throughput, CPU and heap over the window of scenario 1 ({@link Scenarios#window}); CPU
     *     from {@code /proc}
     * @param firstRecordMillis from just before the process started to the first message in the topic
     * @param peakMemory the largest RSS and PSS of the subject's processes over the whole run
     * @param processes the processes measured: pid and command of each
     * @param payloads what the reader found when it compared every message with what was served
     */
    record Run(Figures figures, long firstRecordMillis, ProcFs.Memory peakMemory, String processes,
            PayloadCheck.Result payloads) {
        /** CPU seconds per 1,000 records moved in the window. */
        double cpuPerThousandRecords() {
            return figures.records() == 0 ? Double.POSITIVE_INFINITY : figures.cpuSeconds() / figures.records() * 1000;
        }
    }

    /**
     * One round: each subject once.
     *
     * @param heap the heap both JVMs were given ({@code -Xmx})
     * @param peerErrors the ERROR lines of localrun's log
     */
    record Result(Run tributary, Run peer, String heap, List<String> peerErrors) {
        Result {
            peerErrors = List.copyOf(peerErrors);
        }
    }

    private final String pulsarUrl;
    private final String adminUrl;
    private final Path pulsarHome;
    private final Path workDir;
    private final Scenarios.Scale scale;
    private final Map<String, String> connectorOverrides;

    PeerScenario(String pulsarUrl, String adminUrl, Path pulsarHome, Path workDir, Scenarios.Scale scale,
            Map<String, String> connectorOverrides) {
        this.pulsarUrl = pulsarUrl;
        this.adminUrl = adminUrl;
        this.pulsarHome = pulsarHome;
        this.workDir = workDir;
        this.scale = scale;
        this.connectorOverrides = Map.copyOf(connectorOverrides);
    }

    /** The peer's archive that bin/benchmark fetched, or an error that says how to get it. */
    static Path peerArchive() {
        return LocalRun.archive(PEER_PROPERTY, "no peer archive: set -D" + PEER_PROPERTY + " to benchmarks/target/peer/"
                + "pulsar-io-kinesis-<version>.jar (bin/benchmark fetches it with -Pbenchmark)",
                archive -> "the peer archive " + archive + " does not exist: fetch it with ./mvnw -pl "
                        + "benchmarks -am package -DskipTests -Pbenchmark, or run bin/benchmark, which does");
    }

    /** Runs {@code rounds} rounds on one endpoint and one dynalite; each round's subjects get fresh topics. */
    List<Result> run(int rounds) throws Exception {
        Path archive = peerArchive();
        int perShard = Scenarios.backlogPerShard(scale, RECORD_BYTES);
        long expected = (long) SHARDS * perShard;
        Duration limit = scale.seconds(240);
        List<Result> results = new ArrayList<>();
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                .stream(STREAM, SHARDS, perShard, RECORD_BYTES)
                .http2(true)
                .port(0)
                .build())) {
            Dynalite dynalite = Dynalite.get();
            try {
                for (int round = 0; round < rounds; round++) {
                    Scenarios.log("peer: round %d of %d", round + 1, rounds);
                    int r = round;
                    Rounds.Both<Run, PeerRun> runs = Rounds.both(round, () -> DiskSpace.require(workDir),
                            () -> tributary(server, expected, limit, r),
                            () -> peer(server, dynalite, archive, expected, limit, r));
                    PeerRun peer = runs.second();
                    results.add(new Result(runs.first(), peer.run(), Subject.HEAP, peer.errors()));
                }
            } finally {
                dynalite.stop();
            }
        }
        return results;
    }

    /** The peer's run and the ERROR lines of its log. */
    private record PeerRun(Run run, List<String> errors) {
    }

    private Run tributary(ReplayServer server, long expected, Duration limit, int round) throws Exception {
        String topic = topic("tributary");
        Path dir = runDir("peer-tributary-" + (round + 1));
        Scenarios.log("peer: Tributary's standalone worker reading %,d records of %d B from %d shards", expected,
                RECORD_BYTES, SHARDS);
        long started = System.currentTimeMillis();
        Drained drained;
        List<Sample> heap;
        String processes;
        ProcessTree tree = null;
        try (Subject subject = Subject.start(Subject.Kind.TRIBUTARY, dir, pulsarUrl, server.endpoint(), STREAM, topic,
                connectorOverrides)) {
            tree = ProcessTree.start(subject.processHandle(), true);
            drained = drain(server, topic, expected, limit, started, subject::isAlive, subject.log());
            processes = tree.processes();
            heap = subject.samples();
        } finally {
            if (tree != null) {
                tree.close();
            }
        }
        Figures figures = figures(drained, tree.samples(), heap.stream().mapToLong(Sample::heapAfterGc).max().orElse(0),
                heap.stream().mapToLong(Sample::heapUsed).max().orElse(0),
                heap.stream().mapToInt(Sample::threads).max().orElse(0));
        return finish("Tributary", figures, drained, tree.peakMemory(), processes, server, topic);
    }

    private PeerRun peer(ReplayServer server, Dynalite dynalite, Path archive, long expected, Duration limit, int round)
            throws Exception {
        String topic = topic("pulsar-io");
        Path dir = runDir("peer-pulsar-io-" + (round + 1));
        // Names of their own: the KCL keeps leases in a table named after the application, and localrun's
        // instance is keyed by the source's name.
        String application = "bench-peer-" + System.nanoTime();
        try (DynamoDbAsyncClient client = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(client, application);
        }
        int closedPort = FreePorts.allocate(1).get(0);
        Path config = Files.writeString(dir.resolve("kinesis-source.yaml"),
                sourceConfig(application, topic, server, dynalite, closedPort));
        Scenarios.log("peer: Pulsar IO's Kinesis source (%s) under sources localrun reading %,d records of %d B from "
                + "%d shards; leases in dynalite at %s", archive.getFileName(), expected, RECORD_BYTES, SHARDS,
                dynalite.endpoint());
        long started = System.currentTimeMillis();
        try (LocalRun run = LocalRun.start(pulsarHome, archive, config, application, pulsarUrl, dir)) {
            Drained drained = drain(server, topic, expected, limit.plus(PEER_START), started, run::isAlive, run.log());
            String processes = run.measuredProcesses();
            Figures figures = figures(drained, run.samples(), run.peakHeapAfterGc(), 0, 0);
            List<String> errors = run.errorLines();
            ProcFs.Memory memory = run.peakMemory();
            run.close(); // before the check, which reads the topic beside nothing else
            Scenarios.log("  %d ERROR lines in %s", errors.size(), run.log());
            return new PeerRun(finish("the peer", figures, drained, memory, processes, server, topic), errors);
        }
    }

    /** Logs a subject's figures and checks what it wrote, once it has stopped. */
    private Run finish(String subject, Figures figures, Drained drained, ProcFs.Memory memory, String processes,
            ReplayServer server, String topic) throws Exception {
        PayloadCheck.Result payloads = PayloadCheck.readTopic(pulsarUrl, topic, server.stream(STREAM),
                PAYLOAD_CHECK_LIMIT);
        new TopicCounter(adminUrl, topic).delete();
        Run run = new Run(figures, drained.firstRecordMillis(), memory, processes, payloads);
        Scenarios.log("  %s: first record after %.2f s; %,.0f records/s, %.3f CPU-s per 1k records, %.1f CPU-s/GB; "
                + "peak RSS %d MiB, PSS %d MiB (%s); %,d of %,d messages altered (%,d bytes), %,d unidentified, "
                + "%,d duplicates, %,d records missing", subject, drained.firstRecordMillis() / 1000.0,
                figures.recordsPerSecond(), run.cpuPerThousandRecords(), figures.cpuSecondsPerGigabyte(),
                memory.rssBytes() >> 20, memory.pssBytes() >> 20, processes, payloads.alteredMessages(),
                payloads.messages(), payloads.alteredBytes(), payloads.unidentified(), payloads.duplicates(),
                payloads.missing());
        return run;
    }

    /**
     * The peer's source config: the keys its {@code KinesisSourceConfig} (4.0.8) reads, the others
     * at its defaults. Its producer's compression is set to NONE, as the archive scenario sets it,
     * so that both subjects send uncompressed messages (the worker's default).
     */
    static String sourceConfig(String application, String topic, ReplayServer server, Dynalite dynalite,
            int closedPort) {
        Map<String, Object> configs = new LinkedHashMap<>();
        configs.put("awsEndpoint", server.http2Endpoint().toString());
        configs.put("awsRegion", "us-east-1");
        configs.put("awsKinesisStreamName", STREAM);
        configs.put("awsCredentialPluginParam", "{\"accessKey\":\"bench\",\"secretKey\":\"bench\"}");
        configs.put("applicationName", application);
        configs.put("dynamoEndpoint", dynalite.endpoint().toString());
        configs.put("cloudwatchEndpoint", "http://127.0.0.1:" + closedPort);
        configs.put("initialPositionInStream", "TRIM_HORIZON");
        // Polling: the replay endpoint has no SubscribeToShard.
        configs.put("useEnhancedFanOut", false);
        return LocalRun.sourceConfigYaml(application, topic, configs);
    }

    /** Waits until the topic holds {@code expected} messages; fails when no record came. */
    private Drained drain(ReplayServer server, String topic, long expected, Duration limit, long started,
            BooleanSupplier alive, Path log) throws Exception {
        Drained drained = BacklogDrain.drain("peer", adminUrl, server, topic, expected, limit, started,
                FIRST_RECORD_TICK_MS, alive, log);
        if (drained.firstRecordMillis() < 0) {
            throw new IOException("no record reached the topic in " + limit.toSeconds() + " s; see " + log);
        }
        return drained;
    }

    private static Figures figures(Drained drained, List<Sample> cpu, long liveHeap, long usedHeap, int threads) {
        long[] from = drained.from();
        long[] to = drained.to();
        return new Figures(Subject.Kind.TRIBUTARY, (to[0] - from[0]) / 1000.0, to[1] - from[1], RECORD_BYTES,
                Sample.cpuSecondsBetween(cpu, from[0], to[0]), liveHeap, usedHeap, threads, to[2] - from[2], SHARDS, null);
    }

    /** An empty directory for one run: a worker must not restore the offsets of an earlier run. */
    private Path runDir(String name) throws IOException {
        return Scenarios.freshDir(workDir.resolve(name));
    }

    private static String topic(String subject) {
        return "persistent://public/default/bench-peer-" + subject + "-" + System.nanoTime();
    }
}
