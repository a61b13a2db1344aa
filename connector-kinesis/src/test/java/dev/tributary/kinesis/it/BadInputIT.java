package dev.tributary.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.kpl.KplAggregator;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.State;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Bad input end to end: malformed KPL aggregates, empty payloads and a partition key that is not
 * valid UTF-8, mixed with normal records on one shard. Every Kinesis record (every user record of
 * a well-formed aggregate) must arrive once, with its bytes unchanged, and the tasks stay RUNNING.
 *
 * <p>Each message is identified by its Kinesis sequence number and subsequence number, which the
 * connector puts in its properties, so that even an empty payload can be told apart.
 */
@ExtendWith(TestServices.class)
class BadInputIT {
    private static final int NORMAL = 30;

    @TempDir
    Path dir;

    @Test
    void everyRecordArrivesWholeAndTheTasksKeepRunning(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "bad-input-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        DeliveryAccounting accounting = new DeliveryAccounting();
        Map<String, byte[]> values = new LinkedHashMap<>();
        List<KplAggregator.Entry> users = List.of(new KplAggregator.Entry("user-a", "u0".getBytes(UTF_8)),
                new KplAggregator.Entry("user-b", "u1".getBytes(UTF_8)));
        for (int i = 0; i < NORMAL; i++) {
            put(kinesis, stream, "pk-" + i, ("normal-" + i).getBytes(UTF_8), accounting, values);
            switch (i % 10) {
                case 1 -> put(kinesis, stream, "empty-" + i, new byte[0], accounting, values);
                case 3 -> put(kinesis, stream, "bad-digest-" + i,
                        KplAggregator.withBadDigest(KplAggregator.aggregate(users)), accounting, values);
                case 5 -> put(kinesis, stream, "truncated-" + i, KplAggregator.truncated(users, 3), accounting, values);
                case 7 -> put(kinesis, stream, "bad-protobuf-" + i,
                        KplAggregator.frame(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02}),
                        accounting, values);
                case 9 -> putInvalidUtf8KeyAggregate(kinesis, stream, i, accounting, values);
                default -> {
                }
            }
        }

        String topic = KinesisItSupport.topic("bad-input");
        Map<String, String> config = new LinkedHashMap<>(KinesisItSupport.connector("bad-input", kinesis, stream, topic));
        config.put("kinesisRecordProperties", "kinesis.sequence.number,kinesis.sub.sequence.number,kinesis.partition.key");
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir);
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(config);
            reader.readUntil(m -> m.size() >= accounting.writtenCount(), Duration.ofSeconds(60));
            List<Message<byte[]>> read = reader.readUntil(m -> false, Duration.ofSeconds(2));

            DeliveryAccounting.Report report = accounting.check(read,
                    m -> new DeliveryAccounting.Delivered(idOf(m), m.getKey()));
            System.out.println("[BadInputIT] " + report);
            assertThat(report.lost()).isEmpty();
            assertThat(report.exact()).isTrue();
            for (Message<byte[]> m : read) {
                assertThat(m.getValue()).as(idOf(m)).isEqualTo(values.get(idOf(m)));
            }
            assertThat(runtime.worker().connectorStatus("bad-input").tasks())
                    .isNotEmpty().allSatisfy(t -> assertThat(t.state()).isEqualTo(State.RUNNING));
        }
    }

    /** A Kinesis record that is not a well-formed aggregate: it must arrive whole, as subsequence 0. */
    private static void put(KinesisMock kinesis, String stream, String partitionKey, byte[] data,
            DeliveryAccounting accounting, Map<String, byte[]> values) {
        PutRecordsResultEntry put = kinesis.putRecord(stream, partitionKey, data);
        String id = put.sequenceNumber() + ":0";
        accounting.written(id, partitionKey);
        values.put(id, data);
    }

    /**
     * A well-formed aggregate whose first partition key is bytes that are not UTF-8 (the table
     * holds raw bytes, which the KPL never checks). The key reads as the UTF-8 decoder's
     * replacement; the data must be untouched.
     */
    private static void putInvalidUtf8KeyAggregate(KinesisMock kinesis, String stream, int i,
            DeliveryAccounting accounting, Map<String, byte[]> values) {
        byte[] badKey = {'k', (byte) 0xC3, 0x28, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        byte[][] data = {("bad-key-" + i).getBytes(UTF_8), ("good-key-" + i).getBytes(UTF_8)};
        KplAggregator.ProtoWriter aggregated = new KplAggregator.ProtoWriter()
                .bytesField(1, badKey)
                .stringField(1, "good-" + i);
        for (int r = 0; r < data.length; r++) {
            aggregated.messageField(3, new KplAggregator.ProtoWriter().varintField(1, r).bytesField(3, data[r]));
        }
        PutRecordsResultEntry put = kinesis.putRecord(stream, "outer-" + i, KplAggregator.frame(aggregated.toByteArray()));
        String[] keys = {new String(badKey, UTF_8), "good-" + i};
        for (int r = 0; r < data.length; r++) {
            String id = put.sequenceNumber() + ":" + r;
            accounting.written(id, keys[r]);
            values.put(id, data[r]);
        }
    }

    private static String idOf(Message<byte[]> m) {
        return m.getProperty("kinesis.sequence.number") + ":" + m.getProperty("kinesis.sub.sequence.number");
    }
}
