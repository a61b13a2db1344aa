package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.offsets.FileOffsetStore;
import dev.tributary.offsets.JdbcOffsetStoreProvider;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.offsets.PulsarOffsetStoreProvider;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PropertiesFiles;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kinesis connector on the shared offset stores, with workers run as their own JVMs: a
 * SIGKILL mid-stream and a restart lose nothing on the {@code pulsar} and the {@code jdbc} store,
 * and offsets exported from the {@code file} store and imported into {@code pulsar} let a worker
 * resume exactly where the first one stopped.
 */
@ExtendWith(TestServices.class)
class KinesisSharedOffsetStoresIT {
    private static final int COUNT = 2000;
    private static final String CONNECTOR = "kinesis-shared-store";

    @TempDir
    Path dir;

    @Test
    void sigkillMidStreamLosesNothingWithThePulsarStore(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String offsetTopic = "persistent://public/default/offsets-kinesis-" + UUID.randomUUID();
        Map<String, String> store = Map.of("service.url", pulsar.serviceUrl(), "topic", offsetTopic);

        sigkillAndRestart(pulsar, kinesis, "pulsar", store, () -> new PulsarOffsetStoreProvider().open(store, dir));
    }

    @Test
    void sigkillMidStreamLosesNothingWithTheJdbcStore(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String table = "offsets_kinesis_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Map<String, String> store = Map.of("url", KinesisItSupport.POSTGRES_URL, "user", "postgres", "table", table);
        // Fails at once, with the fix, when PostgreSQL is down: a skipped test would hide it.
        KinesisItSupport.postgres().close();
        try {
            sigkillAndRestart(pulsar, kinesis, "jdbc", store, () -> new JdbcOffsetStoreProvider().open(store, dir));
        } finally {
            try (Connection connection = KinesisItSupport.postgres(); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS " + table);
                statement.execute("DROP TABLE IF EXISTS " + table + "_schema_version");
            }
        }
    }

    /**
     * Runs a worker on the store, kills it with SIGKILL once it has committed offsets part-way
     * through the stream, restarts it, and checks that every record reached Pulsar and that every
     * duplicate lies after the offsets committed before the kill.
     */
    private void sigkillAndRestart(PulsarStandalone pulsar, KinesisMock kinesis, String storeName,
            Map<String, String> storeKeys, Supplier<OffsetStore> reader) throws Exception {
        String stream = storeName + "-crash-" + System.nanoTime();
        String topic = KinesisItSupport.topic(storeName + "-crash");
        DeliveryAccounting accounting = fillStream(kinesis, stream);
        Path worker = workerConfig("worker.properties", pulsar, storeName, storeKeys);
        Path connector = connectorConfig(kinesis, stream, topic);

        try (PulsarTopicReader records = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            WorkerProcess first = WorkerProcess.start(worker, List.of(connector), Map.of(), dir.resolve("first.log"));
            records.readUntil(m -> m.size() >= COUNT / 5, Duration.ofSeconds(60));
            try (OffsetStore store = reader.get()) {
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> !store.readAll(CONNECTOR).isEmpty());
            }
            first.kill();
            Map<String, String> committedAtKill;
            try (OffsetStore store = reader.get()) {
                committedAtKill = KinesisItSupport.sequenceByShard(store.readAll(CONNECTOR));
            }
            int readBeforeKill = records.readToEnd(Duration.ofSeconds(30)).size();
            assertThat(readBeforeKill).as("killed mid-stream; see %s", dir).isLessThan(COUNT);

            WorkerProcess second = WorkerProcess.start(worker, List.of(connector), Map.of(), dir.resolve("second.log"));
            records.readUntil(KinesisItSupport.everyRecordRead(COUNT), Duration.ofSeconds(60));
            second.terminate();
            List<Message<byte[]>> messages = records.readToEnd(Duration.ofSeconds(30));
            Report report = accounting.check(messages, AccountedProducer::delivered);
            System.out.println("KinesisSharedOffsetStoresIT (" + storeName + " store, SIGKILL): " + report + "; "
                    + readBeforeKill + " read before the kill");

            assertThat(report.exact()).as("every record reached Pulsar, in order per key: %s; see %s", report, dir)
                    .isTrue();
            KinesisItSupport.assertRepeatsFollowCommits(KinesisItSupport.repeats(report, messages), committedAtKill,
                    "after the kill (" + storeName + " store)");
        }
    }

    /**
     * A worker on the file store stops part-way through the stream; its offsets are exported with
     * the CLI and imported into the pulsar store; a worker on the pulsar store then reads the
     * rest: no record at or before an exported offset is read again, and none is skipped.
     */
    @Test
    void offsetsExportedFromFileAndImportedIntoPulsarResumeExactly(PulsarStandalone pulsar, KinesisMock kinesis)
            throws Exception {
        String stream = "migrate-" + System.nanoTime();
        String topic = KinesisItSupport.topic("migrate");
        String offsetTopic = "persistent://public/default/offsets-migrate-" + UUID.randomUUID();
        Map<String, String> pulsarStore = Map.of("service.url", pulsar.serviceUrl(), "topic", offsetTopic);
        DeliveryAccounting accounting = fillStream(kinesis, stream);
        Path fileWorker = workerConfig("file-worker.properties", pulsar, "file", Map.of());
        Path pulsarWorker = workerConfig("pulsar-worker.properties", pulsar, "pulsar", pulsarStore);
        Path connector = connectorConfig(kinesis, stream, topic);
        Path export = dir.resolve("export.json");

        try (PulsarTopicReader records = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            WorkerProcess first = WorkerProcess.start(fileWorker, List.of(connector), Map.of(), dir.resolve("file.log"));
            records.readUntil(m -> m.size() >= COUNT / 3, Duration.ofSeconds(60));
            // SIGTERM: the worker flushes its records and commits their offsets as it stops.
            first.terminate();
            Map<SourcePartition, SourceOffset> exported;
            try (FileOffsetStore file = new FileOffsetStore(dir.resolve("data-file").resolve("offsets.json"),
                    new OffsetCodec())) {
                exported = file.readAll(CONNECTOR);
            }
            assertThat(exported).as("the file worker committed offsets").isNotEmpty();

            cli("export", "offsets", "export", "--worker", fileWorker.toString(), "--out", export.toString());
            cli("import", "offsets", "import", "--worker", pulsarWorker.toString(), "--in", export.toString());
            try (OffsetStore imported = new PulsarOffsetStoreProvider().open(pulsarStore, dir)) {
                assertThat(imported.readAll(CONNECTOR)).isEqualTo(exported);
            }
            Map<String, String> committed = KinesisItSupport.sequenceByShard(exported);

            WorkerProcess second = WorkerProcess.start(pulsarWorker, List.of(connector), Map.of(),
                    dir.resolve("pulsar.log"));
            records.readUntil(KinesisItSupport.everyRecordRead(COUNT), Duration.ofSeconds(60));
            second.terminate();
            List<Message<byte[]>> messages = records.readToEnd(Duration.ofSeconds(30));
            Report report = accounting.check(messages, AccountedProducer::delivered);
            System.out.println("KinesisSharedOffsetStoresIT (file store exported, imported into pulsar): " + report);

            assertThat(report.exact()).as("no record was skipped, and every key kept its order: %s; see %s", report, dir)
                    .isTrue();
            Set<String> repeated = report.duplicateIds();
            int afterTheImport = 0;
            for (Message<byte[]> m : messages) {
                String at = committed.get(m.getProperty("kinesis.shard.id"));
                if (at != null && KinesisOffsets.compare(m.getProperty("kinesis.sequence.number"), at) <= 0) {
                    assertThat(repeated).as("%s, at or before the imported offset of its shard, was read once only",
                            value(m)).doesNotContain(value(m));
                } else {
                    afterTheImport++;
                }
            }
            assertThat(afterTheImport).as("the file worker stopped mid-stream, leaving records to the pulsar worker")
                    .isPositive();
        }
    }

    /** Fills a new 4-shard stream with {@link #COUNT} records on 40 keys; returns them, registered. */
    private static DeliveryAccounting fillStream(KinesisMock kinesis, String stream) {
        kinesis.createStream(stream, 4);
        DeliveryAccounting accounting = new DeliveryAccounting();
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            ids.add("id-" + i);
            keys.add("pk-" + (i % 40));
        }
        new AccountedProducer(kinesis, stream, accounting).put(ids, keys);
        return accounting;
    }

    private Path workerConfig(String name, PulsarStandalone pulsar, String store, Map<String, String> storeKeys)
            throws Exception {
        StringBuilder text = new StringBuilder()
                .append("pulsar.service.url=").append(pulsar.serviceUrl()).append('\n')
                .append("listeners=http://127.0.0.1:0\n")
                .append("data.dir=").append(dir.resolve("data-" + store)).append('\n')
                .append("offset.flush.interval.ms=300\n")
                .append("offset.store=").append(store).append('\n');
        storeKeys.forEach((key, value) -> text.append("offset.").append(store).append('.').append(key).append('=')
                .append(value).append('\n'));
        return write(name, text.toString());
    }

    private Path connectorConfig(KinesisMock kinesis, String stream, String topic) throws Exception {
        Map<String, String> config = KinesisItSupport.connector(CONNECTOR, kinesis, stream, topic);
        // Small fetches keep the read slow enough to be stopped in the middle.
        config.put("maxRecordsPerFetch", "40");
        config.put("checkpointInterval", "300");
        return PropertiesFiles.write(dir.resolve("kinesis-" + stream + ".properties"), config);
    }

    /** Runs {@code connect-runtime <args>} as its own JVM, as an operator would, and checks that it succeeded. */
    private void cli(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "dev.tributary.runtime.cli.Main"));
        command.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("connect-runtime " + String.join(" ", args) + " did not finish within 60 s; see " + log);
        }
        assertThat(process.exitValue()).as("connect-runtime %s printed: %s", String.join(" ", args),
                Files.readString(log)).isZero();
    }

    private static String value(Message<byte[]> message) {
        return new String(message.getValue(), StandardCharsets.UTF_8);
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
