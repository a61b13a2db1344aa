package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.config.ConnectorConfigFile;
import dev.tributary.runtime.worker.State;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** The connector against kinesis-mock and a real Pulsar standalone. */
@ExtendWith(TestServices.class)
class KinesisSourceIT {
    @TempDir
    Path dir;

    @Test
    void referenceJsonAndYamlExamplesRunWithOnlyTheEndpointChanged(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        kinesis.createStream("my-stream", 1);
        for (int i = 0; i < 5; i++) {
            kinesis.putRecord("my-stream", "key-" + i, ("reference-" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (String example : List.of("kinesis-source.json", "kinesis-source.yaml")) {
            // Both examples are named kinesis-source after their file, so each gets its own offset store.
            try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data-" + example))) {
                Path copy = dir.resolve(example);
                String text = Files.readString(Paths.get(getClass().getResource("/reference/" + example).toURI()));
                Files.writeString(copy, text.replace("https://some.endpoint.aws", kinesis.endpoint().toString()));
                String topic = KinesisItSupport.topic("reference");
                Map<String, String> config = ConnectorConfigFile.read(copy,
                        Map.of("connector.class", "kinesis", "topic", topic)).config();

                assertThat(runtime.worker().validator().validate(config).errorLines()).as(example).isEmpty();
                assertThat(runtime.worker().startConnector(config).state()).isEqualTo(State.RUNNING);
                try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
                    List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= 5, Duration.ofSeconds(60));
                    assertThat(messages).extracting(m -> new String(m.getValue(), StandardCharsets.UTF_8))
                            .as(example).containsExactly("reference-0", "reference-1", "reference-2", "reference-3", "reference-4");
                }
            }
        }
    }

    @Test
    void fiveThousandRecordsOnFourShardsArriveByteIdenticalWithKeysPropertiesAndEventTime(
            PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "bulk-" + System.nanoTime();
        kinesis.createStream(stream, 4);
        Random random = new Random(7);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            byte[] value = new byte[1 + random.nextInt(300)];
            random.nextBytes(value);
            // Every tenth value is the full byte range, including invalid UTF-8, to catch any charset round trip.
            if (i % 10 == 0) {
                value = new byte[256];
                for (int b = 0; b < 256; b++) {
                    value[b] = (byte) b;
                }
            }
            entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + (i % 97))
                    .data(SdkBytes.fromByteArray(value)).build());
        }
        Instant before = Instant.now().minusSeconds(2);
        List<PutRecordsResultEntry> put = kinesis.putRecords(stream, entries);
        Instant after = Instant.now().plusSeconds(2);
        Map<String, byte[]> valueBySequence = new HashMap<>();
        Map<String, String> keyBySequence = new HashMap<>();
        Map<String, String> shardBySequence = new HashMap<>();
        for (int i = 0; i < put.size(); i++) {
            valueBySequence.put(put.get(i).sequenceNumber(), entries.get(i).data().asByteArray());
            keyBySequence.put(put.get(i).sequenceNumber(), entries.get(i).partitionKey());
            shardBySequence.put(put.get(i).sequenceNumber(), put.get(i).shardId());
        }
        assertThat(new HashSet<>(shardBySequence.values())).as("the records span the four shards").hasSize(4);
        String topic = KinesisItSupport.topic("bulk");

        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(KinesisItSupport.connector("bulk", kinesis, stream, topic));
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= 5000, Duration.ofSeconds(180));

            assertThat(messages).hasSize(5000);
            Set<String> seen = new HashSet<>();
            for (Message<byte[]> m : messages) {
                String sequence = m.getProperty("kinesis.sequence.number");
                assertThat(seen.add(sequence)).as("no record twice").isTrue();
                assertThat(m.getValue()).as("value of %s", sequence).isEqualTo(valueBySequence.get(sequence));
                assertThat(m.getKey()).isEqualTo(keyBySequence.get(sequence));
                assertThat(m.getProperty("kinesis.partition.key")).isEqualTo(keyBySequence.get(sequence));
                assertThat(m.getProperty("kinesis.shard.id")).isEqualTo(shardBySequence.get(sequence));
                assertThat(m.getProperty("kinesis.millis.behind.latest")).isNotNull();
                Instant arrival = Instant.parse(m.getProperty("kinesis.arrival.timestamp"));
                assertThat(m.getEventTime()).isEqualTo(arrival.toEpochMilli());
                assertThat(arrival).isBetween(before, after);
            }
            assertThat(seen).isEqualTo(valueBySequence.keySet());

            String metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(runtime.baseUri().resolve("/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            double fetched = metrics.lines()
                    .filter(l -> l.startsWith("tributary_kinesis_shard_records_fetched_total{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(fetched).as("per-shard fetch counters add up to the records read").isEqualTo(5000);
            assertThat(metrics).contains("tributary_kinesis_shard_millis_behind_latest{",
                    "tributary_kinesis_shard_throttles_total{", "tributary_kinesis_shard_iterator_renewals_total{",
                    "tributary_kinesis_shard_bytes_fetched_total{");
        }
    }

    @Test
    void aWrongValueInAnyReferenceFieldGetsOneReadableLineForThatField(PulsarStandalone pulsar, KinesisMock kinesis)
            throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("awsEndpoint", "not a url");
        wrong.put("awsRegion", "");
        wrong.put("awsCredentialPluginParam", "{\"accessKey\":\"SECRETKEY123\"}");
        wrong.put("checkpointInterval", "soon");
        wrong.put("backoffTime", "-1");
        wrong.put("numRetries", "three");
        wrong.put("receiveQueueSize", "0");
        wrong.put("initialPositionInStream", "EARLIEST");
        wrong.put("startAtTime", "yesterday");
        wrong.put("awsKinesisStreamName", "");
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"))) {
            Path file = dir.resolve("kinesis-source.json");
            String text = Files.readString(Paths.get(getClass().getResource("/reference/kinesis-source.json").toURI()))
                    .replace("https://some.endpoint.aws", kinesis.endpoint().toString());
            Files.writeString(file, text);
            Map<String, String> good = ConnectorConfigFile.read(file,
                    Map.of("connector.class", "kinesis", "topic", "t")).config();
            for (Map.Entry<String, String> field : wrong.entrySet()) {
                Map<String, String> config = new LinkedHashMap<>(good);
                config.put(field.getKey(), field.getValue());
                if (field.getKey().equals("awsRegion")) {
                    config.remove("awsEndpoint");
                }

                List<String> errors = runtime.worker().validator().validate(config).errorLines();

                assertThat(errors).as("errors for a wrong %s", field.getKey()).singleElement()
                        .satisfies(line -> assertThat(line).startsWith(field.getKey() + ": ").doesNotContain("SECRETKEY123"));
            }
        }
    }

    @Test
    void oneConnectorReadsSeveralStreamsAndAStreamNamedByArn(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String first = "multi-a-" + System.nanoTime();
        String second = "multi-b-" + System.nanoTime();
        kinesis.createStream(first, 1);
        kinesis.createStream(second, 2);
        for (int i = 0; i < 20; i++) {
            kinesis.putRecord(first, "k" + i, ("a" + i).getBytes(StandardCharsets.UTF_8));
            kinesis.putRecord(second, "k" + i, ("b" + i).getBytes(StandardCharsets.UTF_8));
        }
        String secondArn = kinesis.helperClient().describeStreamSummary(b -> b.streamName(second)).join()
                .streamDescriptionSummary().streamARN();
        String multiTopic = KinesisItSupport.topic("multi");
        String arnTopic = KinesisItSupport.topic("arn");
        Map<String, String> multi = new LinkedHashMap<>(KinesisItSupport.connector("multi", kinesis, first, multiTopic));
        multi.remove("awsKinesisStreamName");
        multi.put("awsKinesisStreamNames", first + "," + second);
        multi.put("kinesisRecordProperties", "kinesis.stream.name,kinesis.sequence.number");
        Map<String, String> byArn = new LinkedHashMap<>(KinesisItSupport.connector("by-arn", kinesis, second, arnTopic));
        byArn.remove("awsKinesisStreamName");
        byArn.put("awsKinesisStreamArn", secondArn);

        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader multiReader = new PulsarTopicReader(pulsar.serviceUrl(), multiTopic);
             PulsarTopicReader arnReader = new PulsarTopicReader(pulsar.serviceUrl(), arnTopic)) {
            runtime.worker().startConnector(multi);
            runtime.worker().startConnector(byArn);
            List<Message<byte[]>> both = multiReader.readUntil(m -> m.size() >= 40, Duration.ofSeconds(60));
            List<Message<byte[]>> viaArn = arnReader.readUntil(m -> m.size() >= 20, Duration.ofSeconds(60));

            assertThat(both).hasSize(40);
            assertThat(both).filteredOn(m -> first.equals(m.getProperty("kinesis.stream.name"))).hasSize(20)
                    .allSatisfy(m -> assertThat(new String(m.getValue(), StandardCharsets.UTF_8)).startsWith("a"));
            assertThat(both).filteredOn(m -> second.equals(m.getProperty("kinesis.stream.name"))).hasSize(20);
            assertThat(viaArn).hasSize(20)
                    .allSatisfy(m -> assertThat(new String(m.getValue(), StandardCharsets.UTF_8)).startsWith("b"));
        }
    }
}
