package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** Enhanced fan-out (SubscribeToShard over HTTP/2) delivers the same data as GetRecords polling. */
@ExtendWith(TestServices.class)
class EnhancedFanOutIT {
    private static final int COUNT = 600;

    @TempDir
    Path dir;

    @Test
    void fanOutDeliversTheSameRecordsAsPolling(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "efo-" + System.nanoTime();
        kinesis.createStream(stream, 2);
        Random random = new Random(3);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            byte[] value = new byte[1 + random.nextInt(200)];
            random.nextBytes(value);
            entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + (i % 13)).data(SdkBytes.fromByteArray(value)).build());
        }
        kinesis.putRecords(stream, entries);
        String pollingTopic = KinesisItSupport.topic("efo-polling");
        String fanOutTopic = KinesisItSupport.topic("efo-fanout");
        Map<String, String> polling = KinesisItSupport.connector("polling", kinesis, stream, pollingTopic);
        Map<String, String> fanOut = new LinkedHashMap<>(KinesisItSupport.connector("fanout", kinesis, stream, fanOutTopic));
        fanOut.put("useEnhancedFanOut", "true");
        fanOut.put("consumerName", "tributary-efo-it");

        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader pollingReader = new PulsarTopicReader(pulsar.serviceUrl(), pollingTopic);
             PulsarTopicReader fanOutReader = new PulsarTopicReader(pulsar.serviceUrl(), fanOutTopic)) {
            runtime.worker().startConnector(polling);
            runtime.worker().startConnector(fanOut);
            List<Message<byte[]>> viaPolling = pollingReader.readUntil(m -> m.size() >= COUNT, Duration.ofSeconds(90));
            List<Message<byte[]>> viaFanOut = fanOutReader.readUntil(m -> m.size() >= COUNT, Duration.ofSeconds(90));

            assertThat(viaFanOut).as("fan-out; connector status: %s", runtime.worker().status("fanout")).hasSize(COUNT);
            assertThat(viaPolling).hasSize(COUNT);
            assertThat(summaries(viaFanOut)).containsExactlyInAnyOrderElementsOf(summaries(viaPolling));
        }
    }

    /** Sequence number, key, properties and value bytes of each message, comparable across topics. */
    private static List<String> summaries(List<Message<byte[]>> messages) {
        return messages.stream().map(m -> m.getProperty("kinesis.sequence.number") + "|" + m.getKey() + "|"
                + m.getProperty("kinesis.shard.id") + "|" + m.getEventTime() + "|" + Arrays.toString(m.getValue())).toList();
    }
}
