package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.offsets.JdbcOffsetStoreProvider;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PropertiesFiles;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TcpFaultProxy;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offset store becomes unreachable for a while as records keep arriving, then comes back:
 * PostgreSQL behind a proxy that drops and black-holes its connections (the database itself keeps
 * running for everyone else), and the file store's directory made immutable with
 * {@code chattr +i}, which holds even for root. While the store is away the committed offsets do
 * not move and each task's status names the failure; afterwards commits resume and the error
 * clears; a SIGKILL and a restart then lose nothing and repeat only records after the last commit.
 */
@ExtendWith(TestServices.class)
class OffsetStoreOutageIT {
    private static final String CONNECTOR = "kinesis-store-outage";
    private static final String COMMIT_FAILED = "offset commit failed, will retry: ";
    private static final Duration OUTAGE = Duration.ofSeconds(25);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** How a scenario takes its store away and reads what is committed, from outside the worker. */
    private interface StoreOutage {
        Map<String, String> workerKeys();

        /** Connector keys the scenario needs beside the usual ones. */
        default Map<String, String> connectorKeys() {
            return Map.of();
        }

        void begin() throws Exception;

        void end() throws Exception;

        Map<String, String> committedSequenceByShard() throws Exception;

        /** What the commit error in the status must name. */
        List<String> named();

        /** Text that must appear in no status and no log line. */
        List<String> secrets();
    }

    @Test
    void postgresUnreachableForAWhileDelaysCommitsAndLosesNothing(PulsarStandalone pulsar, KinesisMock kinesis)
            throws Exception {
        String table = "offsets_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String password = "pw-" + UUID.randomUUID();
        KinesisItSupport.postgres().close();
        try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", 5432);
             OffsetStore direct = new JdbcOffsetStoreProvider().open(
                     Map.of("url", KinesisItSupport.POSTGRES_URL, "user", "postgres", "table", table), dir)) {
            String proxiedUrl = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test";
            StoreOutage outage = new StoreOutage() {
                @Override
                public Map<String, String> workerKeys() {
                    return Map.of("offset.store", "jdbc", "offset.jdbc.url", proxiedUrl, "offset.jdbc.user", "postgres",
                            "offset.jdbc.password", password, "offset.jdbc.table", table, "offset.jdbc.pool.size", "2");
                }

                @Override
                public Map<String, String> connectorKeys() {
                    // The defaults: each attempt waits up to the pool's 10 s connection timeout, and the status
                    // must show the first failed attempt, not wait for the last of the retries.
                    return Map.of();
                }

                @Override
                public void begin() {
                    proxy.cut(TcpFaultProxy.Outage.BLACK_HOLE);
                }

                @Override
                public void end() {
                    proxy.heal();
                }

                @Override
                public Map<String, String> committedSequenceByShard() {
                    return KinesisItSupport.sequenceByShard(direct.readAll(CONNECTOR));
                }

                @Override
                public List<String> named() {
                    return List.of(table, "127.0.0.1:" + proxy.port());
                }

                @Override
                public List<String> secrets() {
                    return List.of(password);
                }
            };
            runOutage(pulsar, kinesis, "jdbc", outage);
            System.out.println("[OffsetStoreOutageIT] jdbc proxy: " + proxy);
            assertThat(proxy.dropped() + proxy.turnedAway()).as("the outage really cut connections: %s", proxy)
                    .isPositive();
        } finally {
            try (Connection connection = KinesisItSupport.postgres(); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS " + table);
                statement.execute("DROP TABLE IF EXISTS " + table + "_schema_version");
            }
        }
    }

    @Test
    void fileStoreDirectoryImmutableForAWhileDelaysCommitsAndLosesNothing(PulsarStandalone pulsar, KinesisMock kinesis)
            throws Exception {
        Path offsetsDir = Files.createDirectories(dir.resolve("offsets"));
        Path file = offsetsDir.resolve("offsets.json");
        // Root ignores file permissions; the immutable attribute it does not. Fail clearly where it is missing.
        chattr("+i", offsetsDir);
        chattr("-i", offsetsDir);
        StoreOutage outage = new StoreOutage() {
            @Override
            public Map<String, String> workerKeys() {
                return Map.of("offset.store", "file", "offset.file.file", file.toString());
            }

            @Override
            public void begin() throws Exception {
                chattr("+i", offsetsDir);
            }

            @Override
            public void end() throws Exception {
                chattr("-i", offsetsDir);
            }

            @Override
            public Map<String, String> committedSequenceByShard() throws Exception {
                byte[] bytes;
                Path read = file;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (NoSuchFileException betweenRenames) {
                    // The store renames the file to <file>.prev before it moves the new one in (FileOffsetStore);
                    // between the two renames, what it would recover to is the previous copy.
                    read = file.resolveSibling(file.getFileName() + ".prev");
                    if (!Files.exists(read)) {
                        return Map.of();
                    }
                    bytes = Files.readAllBytes(read);
                }
                return KinesisItSupport.sequenceByShard(new OffsetCodec().decodeState(bytes, read.toString())
                        .getOrDefault(CONNECTOR, Map.of()));
            }

            @Override
            public List<String> named() {
                return List.of(file.toString());
            }

            @Override
            public List<String> secrets() {
                return List.of();
            }
        };
        try {
            runOutage(pulsar, kinesis, "file", outage);
        } finally {
            chattr("-i", offsetsDir);
        }
    }

    private void runOutage(PulsarStandalone pulsar, KinesisMock kinesis, String name, StoreOutage outage)
            throws Exception {
        String stream = "outage-" + name + "-" + System.nanoTime();
        String topic = KinesisItSupport.topic("outage-" + name);
        kinesis.createStream(stream, 4);
        Map<String, String> worker = new LinkedHashMap<>(Map.of("pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0", "data.dir", dir.resolve("data-" + name).toString(),
                "offset.flush.interval.ms", "300"));
        worker.putAll(outage.workerKeys());
        Path workerFile = PropertiesFiles.write(dir.resolve(name + "-worker.properties"), worker);
        Map<String, String> connector = KinesisItSupport.connector(CONNECTOR, kinesis, stream, topic);
        connector.put("checkpointInterval", "300");
        connector.putAll(outage.connectorKeys());
        Path connectorFile = PropertiesFiles.write(dir.resolve(name + "-kinesis.properties"), connector);
        List<String> traces = new ArrayList<>();
        List<WorkerProcess> workers = new ArrayList<>();

        try (KinesisLoad load = new KinesisLoad(kinesis, stream, 40, 20, Duration.ofMillis(200), 16).start();
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            WorkerProcess first = WorkerProcess.start(workerFile, List.of(connectorFile), Map.of(),
                    dir.resolve(name + "-first.log"));
            workers.add(first);
            URI rest = KinesisItSupport.restAddress(first);
            reader.readUntil(m -> m.size() >= 300, Duration.ofSeconds(60));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outage.committedSequenceByShard().size() == 4);

            outage.begin();
            int deliveredAtCut = reader.messages().size();
            // A commit already on the wire may still land; after a second nothing can.
            Thread.sleep(1000);
            Map<String, String> committedAtCut = outage.committedSequenceByShard();
            long outageEnd = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < outageEnd) {
                reader.readUntil(m -> false, Duration.ofMillis(500));
                traces.addAll(commitErrors(rest));
                assertThat(outage.committedSequenceByShard()).as("no commit lands while the store is away")
                        .isEqualTo(committedAtCut);
            }
            int deliveredDuring = reader.messages().size() - deliveredAtCut;
            assertThat(traces).as("the tasks' status shows the failing commits").isNotEmpty();
            String trace = traces.get(traces.size() - 1);
            assertThat(trace).as("the error names the store").contains(outage.named());
            for (String secret : outage.secrets()) {
                assertThat(traces).as("no secret in the status").noneMatch(t -> t.contains(secret));
            }
            outage.end();

            long healedAt = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300)).until(() -> {
                reader.readUntil(m -> false, Duration.ofMillis(100));
                Map<String, String> now = outage.committedSequenceByShard();
                return commitErrors(rest).isEmpty() && committedAtCut.keySet().stream()
                        .allMatch(shard -> KinesisOffsets.compare(now.get(shard), committedAtCut.get(shard)) > 0);
            });
            double resumedAfter = (System.nanoTime() - healedAt) / 1e9;
            assertThat(ids(reader.messages())).as("no record repeated before the kill").hasSize(reader.messages().size());

            reader.readUntil(m -> false, Duration.ofSeconds(2));
            first.kill();
            Map<String, String> committedAtKill = outage.committedSequenceByShard();
            WorkerProcess second = WorkerProcess.start(workerFile, List.of(connectorFile), Map.of(),
                    dir.resolve(name + "-second.log"));
            workers.add(second);
            reader.readUntil(m -> false, Duration.ofSeconds(3));
            DeliveryAccounting accounting = load.stop();
            Map<String, String> last = load.lastSequenceByShard();
            List<Message<byte[]>> messages = reader.readUntil(m -> ids(m).size() >= accounting.writtenCount(),
                    Duration.ofSeconds(60));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outage.committedSequenceByShard().equals(last));
            assertThat(commitErrors(KinesisItSupport.restAddress(second))).isEmpty();
            second.terminate();

            DeliveryAccounting.Report report = accounting.check(messages, KinesisLoad::describe);
            System.out.printf("[OffsetStoreOutageIT] %s store down %d s: %d delivered during the outage, commits back"
                    + " %.1f s after healing; %s%n", name, OUTAGE.toSeconds(), deliveredDuring, resumedAfter, report);
            assertThat(report.lost()).as("%s; see %s", report, dir).isEmpty();
            assertThat(report.unexpected()).isEmpty();
            assertThat(report.orderViolations()).as("%s", report).isZero();
            for (Message<byte[]> m : messages) {
                if (report.duplicateIds().contains(KinesisLoad.describe(m).id())) {
                    String committed = committedAtKill.get(m.getProperty("kinesis.shard.id"));
                    assertThat(KinesisOffsets.compare(m.getProperty("kinesis.sequence.number"), committed))
                            .as("duplicate %s lies after its shard's offset committed before the kill",
                                    KinesisLoad.describe(m).id())
                            .isPositive();
                }
            }
            String logs = first.output() + second.output();
            for (String secret : outage.secrets()) {
                assertThat(logs).as("no secret in the worker's log").doesNotContain(secret);
            }
        } finally {
            // A failed assertion must not leave a worker running.
            for (WorkerProcess started : workers) {
                if (started.isAlive()) {
                    started.kill();
                }
            }
        }
    }

    /** The commit errors in the tasks' status; empty when commits work. */
    private static List<String> commitErrors(URI rest) throws Exception {
        JsonNode status = JSON.readTree(KinesisItSupport.get(rest, "/connectors/" + CONNECTOR + "/status"));
        List<String> errors = new ArrayList<>();
        for (JsonNode task : status.path("tasks")) {
            String trace = task.path("trace").asText("");
            if (trace.startsWith(COMMIT_FAILED)) {
                errors.add(trace);
            }
        }
        return errors;
    }

    private static Set<String> ids(List<Message<byte[]>> messages) {
        return messages.stream().map(m -> KinesisLoad.describe(m).id()).collect(Collectors.toSet());
    }


    private static void chattr(String change, Path path) throws Exception {
        Process process = new ProcessBuilder("chattr", change, path.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("chattr %s %s printed: %s; this test needs root and a file system with the"
                + " immutable attribute (ext4, xfs, btrfs)", change, path, output).isZero();
    }

}
