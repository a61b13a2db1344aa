package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.kpl.KplAggregator;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.offsets.FileOffsetStore;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** KPL aggregates written with a test encoder that follows the published format. */
@ExtendWith(TestServices.class)
class KplAggregationIT {
    private static final int AGGREGATES = 6;
    private static final int USERS = 10;

    @TempDir
    Path dir;

    @Test
    void aggregatesAreUnpackedWithSubsequenceNumbersAndAResumeInsideOneIsExact(PulsarStandalone pulsar, KinesisMock kinesis)
            throws Exception {
        String stream = "kpl-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        List<PutRecordsResultEntry> put = new ArrayList<>();
        for (int a = 0; a < AGGREGATES; a++) {
            List<KplAggregator.Entry> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                users.add(new KplAggregator.Entry("user-key-" + u, ("a" + a + "-u" + u).getBytes(StandardCharsets.UTF_8)));
            }
            put.add(kinesis.putRecord(stream, "outer-" + a, KplAggregator.aggregate(users)));
        }

        String topic = KinesisItSupport.topic("kpl");
        Map<String, String> config = new java.util.LinkedHashMap<>(KinesisItSupport.connector("kpl", kinesis, stream, topic));
        config.put("kinesisRecordProperties", "kinesis.sequence.number,kinesis.sub.sequence.number,kinesis.partition.key");
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("first"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(config);
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= AGGREGATES * USERS, Duration.ofSeconds(60));

            assertThat(messages).hasSize(AGGREGATES * USERS);
            for (int i = 0; i < messages.size(); i++) {
                Message<byte[]> m = messages.get(i);
                int a = i / USERS;
                int u = i % USERS;
                assertThat(new String(m.getValue(), StandardCharsets.UTF_8)).isEqualTo("a" + a + "-u" + u);
                assertThat(m.getKey()).isEqualTo("user-key-" + u);
                assertThat(m.getProperty("kinesis.sub.sequence.number")).isEqualTo(Integer.toString(u));
                assertThat(m.getProperty("kinesis.sequence.number")).isEqualTo(put.get(a).sequenceNumber());
            }
        }

        // A worker that stopped after user record 3 of aggregate 2 resumes at user record 4 of it.
        Path resumeData = dir.resolve("resume");
        try (FileOffsetStore store = new FileOffsetStore(resumeData.resolve("offsets.json"), new OffsetCodec())) {
            store.write("kpl-resume", Map.of(KinesisOffsets.partition(stream, put.get(2).shardId()),
                    KinesisOffsets.offset(put.get(2).sequenceNumber(), 3)));
        }
        String resumeTopic = KinesisItSupport.topic("kpl-resume");
        Map<String, String> resume = new java.util.LinkedHashMap<>(config);
        resume.put("name", "kpl-resume");
        resume.put("topic", resumeTopic);
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), resumeData);
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), resumeTopic)) {
            runtime.worker().startConnector(resume);
            int expected = USERS - 4 + (AGGREGATES - 3) * USERS;
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= expected, Duration.ofSeconds(60));
            reader.readUntil(m -> false, Duration.ofSeconds(1));

            assertThat(reader.messages()).hasSize(expected);
            assertThat(new String(messages.get(0).getValue(), StandardCharsets.UTF_8)).isEqualTo("a2-u4");
            assertThat(new String(messages.get(expected - 1).getValue(), StandardCharsets.UTF_8))
                    .isEqualTo("a" + (AGGREGATES - 1) + "-u" + (USERS - 1));
        }
    }
}
