package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * SIGKILL mid-stream, then a restart: every record is in Pulsar, and the only duplicates are
 * records after the sequence numbers committed before the kill.
 */
@ExtendWith(TestServices.class)
class KinesisCrashRecoveryIT {
    private static final int COUNT = 3000;
    private static final String CONNECTOR = "kinesis-crash";

    @TempDir
    Path dir;

    @Test
    void sigkillMidStreamLosesNothing(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "crash-" + System.nanoTime();
        kinesis.createStream(stream, 4);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + (i % 40))
                    .data(SdkBytes.fromUtf8String("id-" + i)).build());
        }
        kinesis.putRecords(stream, entries);
        String topic = KinesisItSupport.topic("crash");
        Path worker = write("worker.properties", "pulsar.service.url=" + pulsar.serviceUrl() + "\n"
                + "listeners=http://127.0.0.1:0\n"
                + "data.dir=" + dir.resolve("data") + "\n");
        StringBuilder connector = new StringBuilder();
        Map<String, String> config = KinesisItSupport.connector(CONNECTOR, kinesis, stream, topic);
        // Small fetches keep the read slow enough to be killed in the middle.
        config.put("maxRecordsPerFetch", "40");
        config.put("checkpointInterval", "300");
        config.forEach((k, v) -> connector.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path connectorFile = write("kinesis.properties", connector.toString());
        Path offsets = dir.resolve("data/offsets.json");

        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            WorkerProcess first = WorkerProcess.start(worker, List.of(connectorFile), Map.of(), dir.resolve("first.log"));
            reader.readUntil(m -> m.size() >= COUNT / 5, Duration.ofSeconds(120));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(offsets));
            first.kill();
            Map<String, String> committedAtKill = committedSequenceByShard(offsets);
            assertThat(reader.messages().size()).as("killed mid-stream; see %s", dir).isLessThan(COUNT);
            assertThat(committedAtKill).isNotEmpty();

            WorkerProcess second = WorkerProcess.start(worker, List.of(connectorFile), Map.of(), dir.resolve("second.log"));
            List<Message<byte[]>> messages = reader.readUntil(m -> ids(m).size() >= COUNT, Duration.ofSeconds(180));
            second.terminate();

            assertThat(ids(messages)).as("every record reached Pulsar; see %s", dir).hasSize(COUNT);
            Map<String, Integer> copies = new HashMap<>();
            messages.forEach(m -> copies.merge(new String(m.getValue(), StandardCharsets.UTF_8), 1, Integer::sum));
            for (Message<byte[]> m : messages) {
                if (copies.get(new String(m.getValue(), StandardCharsets.UTF_8)) > 1) {
                    String committed = committedAtKill.get(m.getProperty("kinesis.shard.id"));
                    assertThat(committed).as("a duplicate comes from a shard with a commit").isNotNull();
                    assertThat(KinesisOffsets.compare(m.getProperty("kinesis.sequence.number"), committed))
                            .as("duplicate %s lies after the committed sequence number", new String(m.getValue(), StandardCharsets.UTF_8))
                            .isPositive();
                }
            }
        }
    }

    private static Set<String> ids(List<Message<byte[]>> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(new String(m.getValue(), StandardCharsets.UTF_8)));
        return ids;
    }

    private static Map<String, String> committedSequenceByShard(Path offsets) throws Exception {
        Map<String, Map<SourcePartition, SourceOffset>> state =
                new OffsetCodec().decodeState(Files.readAllBytes(offsets), offsets.toString());
        Map<String, String> result = new HashMap<>();
        state.getOrDefault(CONNECTOR, Map.of()).forEach((partition, offset) ->
                result.put(partition.getString(KinesisOffsets.SHARD), offset.getString(KinesisOffsets.SEQUENCE_NUMBER)));
        return result;
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
