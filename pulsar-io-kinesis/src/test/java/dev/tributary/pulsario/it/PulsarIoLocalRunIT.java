package dev.tributary.pulsario.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The archive under {@code pulsar-admin sources localrun}, with the seed's YAML and JSON config files
 * pointed at kinesis-mock: every record arrives byte for byte, in order per key.
 */
class PulsarIoLocalRunIT {
    private static final int KEYS = 50;

    @Test
    void localRunMovesBinaryRecordsByteExactInOrderPerKey() throws Exception {
        moveByteExact(5_000, "kinesis-source.yaml", PulsarIoLocalRunIT::seedConfig);
    }

    /**
     * The seed's JSON form: the same keys, but {@code receiveQueueSize} a JSON number beside the quoted
     * ones. Fewer records: the delivery path is the one the YAML case proves; this proves the file is read.
     */
    @Test
    void seedJsonConfigFileRunsUnchanged() throws Exception {
        moveByteExact(1_000, "kinesis-source.json", PulsarIoLocalRunIT::seedJsonConfig);
    }

    private interface SeedConfig {
        String write(String topic, String stream, KinesisMock kinesis) throws IOException;
    }

    private static void moveByteExact(int records, String configName, SeedConfig seed) throws Exception {
        PulsarStandalone pulsar = PulsarStandalone.get();
        KinesisMock kinesis = KinesisMock.get();
        String stream = "pio-localrun-" + System.nanoTime();
        String topic = "persistent://public/default/" + stream;
        kinesis.createStream(stream, 2);

        Map<String, List<byte[]>> written = new LinkedHashMap<>();
        Random random = new Random(14);
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String key = "key-" + (i % KEYS);
            // Every byte value, including invalid UTF-8, so that any re-encoding would show.
            byte[] value = new byte[64 + random.nextInt(192)];
            random.nextBytes(value);
            value[0] = (byte) (i >>> 8);
            value[1] = (byte) i;
            written.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            batch.add(PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromByteArray(value)).build());
            if (batch.size() == 500) {
                kinesis.putRecords(stream, batch);
                batch.clear();
            }
        }

        Path work = Files.createDirectories(Paths.get("target", "pulsar-io-it", stream)).toAbsolutePath();
        Path config = work.resolve(configName);
        Files.writeString(config, seed.write(topic, stream, kinesis));
        try (LocalRun run = LocalRun.start(pulsar, config, stream, work);
                PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= records, Duration.ofMinutes(4));
            assertThat(messages).as("records on %s; localrun log %s", topic, run.log()).hasSizeGreaterThanOrEqualTo(records);

            Map<String, List<byte[]>> delivered = new HashMap<>();
            for (Message<byte[]> message : messages) {
                delivered.computeIfAbsent(message.getKey(), k -> new ArrayList<>()).add(message.getValue());
                assertThat(message.getEventTime()).isPositive();
                assertThat(message.getProperties()).containsKey("kinesis.sequence.number");
            }
            assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(written.keySet());
            written.forEach((key, values) -> assertThat(delivered.get(key)).as("records of %s, in order", key)
                    .containsExactlyElementsOf(values));

            // Offsets go to the pulsar store in the source's own namespace, keyed by tenant/namespace/name and
            // written in the instance's scope, task-0, once per checkpointInterval (30 s in the seed).
            String record = "/task-0/public/default/" + stream;
            try (PulsarTopicReader offsets = new PulsarTopicReader(pulsar.serviceUrl(),
                    "persistent://public/default/__tributary_offsets")) {
                assertThat(offsets.readUntil(m -> m.stream().anyMatch(o -> isScopeOffsets(o, record)),
                        Duration.ofSeconds(90)))
                        .as("offset commits ending %s", record)
                        .anyMatch(o -> isScopeOffsets(o, record));
            }
        }
    }

    private static boolean isScopeOffsets(Message<byte[]> message, String suffix) {
        return message.getKey().startsWith("scope-offsets/") && message.getKey().endsWith(suffix)
                && message.getValue() != null && message.getValue().length > 0;
    }

    /** The seed's YAML, unchanged but for the stream, the credentials, the endpoint and the topic. */
    static String seedConfig(String topic, String stream, KinesisMock kinesis) throws IOException {
        Path seed = Paths.get(System.getProperty("tributary.test.seed.yaml"));
        var credentials = kinesis.credentials().resolveCredentials();
        String yaml = Files.readString(seed)
                .replace("persistent://public/default/kinesis", topic)
                .replace("\"my-stream\"", "\"" + stream + "\"")
                .replace("\\\"myKey\\\"", "\\\"" + credentials.accessKeyId() + "\\\"")
                .replace("\\\"my-Secret\\\"", "\\\"" + credentials.secretAccessKey() + "\\\"")
                .replace("parallelism: 2", "parallelism: 1");
        return yaml + "    awsEndpoint: \"" + kinesis.endpoint() + "\"\n";
    }

    /** The seed's JSON, unchanged but for the stream, the credentials, the endpoint and the topic. */
    static String seedJsonConfig(String topic, String stream, KinesisMock kinesis) throws IOException {
        Path seed = Paths.get(System.getProperty("tributary.test.seed.json"));
        var credentials = kinesis.credentials().resolveCredentials();
        String json = Files.readString(seed);
        String edited = json
                .replace("persistent://public/default/kinesis", topic)
                .replace("\"my-stream\"", "\"" + stream + "\"")
                .replace("\\\"myKey\\\"", "\\\"" + credentials.accessKeyId() + "\\\"")
                .replace("\\\"my-Secret\\\"", "\\\"" + credentials.secretAccessKey() + "\\\"")
                .replace("\"parallelism\": 2", "\"parallelism\": 1")
                .replace("\"configs\": {", "\"configs\": {\n        \"awsEndpoint\": \"" + kinesis.endpoint() + "\",");
        assertThat(edited).as("the seed JSON still has the fields this test points elsewhere")
                .contains(topic, stream, credentials.accessKeyId(), "\"parallelism\": 1", "awsEndpoint")
                .contains("\"receiveQueueSize\": 2000");
        return edited;
    }

    /** A {@code pulsar-admin sources localrun} process and the folder it unpacks the archive in. */
    record LocalRun(Process process, Path log, Path tmp) implements AutoCloseable {
        static LocalRun start(PulsarStandalone pulsar, Path config, String name, Path work) throws IOException {
            Path nar = Paths.get(System.getProperty("tributary.test.nar"));
            Path tmp = Files.createDirectories(work.resolve("tmp"));
            Path log = work.resolve("localrun.log");
            ProcessBuilder builder = new ProcessBuilder("bash", pulsar.home().resolve("bin/pulsar-admin").toString(),
                    "sources", "localrun", "--archive", nar.toString(), "--source-config-file", config.toString(),
                    "--broker-service-url", pulsar.serviceUrl(), "--name", name)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("PULSAR_EXTRA_OPTS", "-Djava.io.tmpdir=" + tmp);
            builder.environment().put("PULSAR_LOG_DIR", work.resolve("logs").toString());
            return new LocalRun(builder.start(), log, tmp);
        }

        @Override
        public void close() throws Exception {
            process.toHandle().descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

}
