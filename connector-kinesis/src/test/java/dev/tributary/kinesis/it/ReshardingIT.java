package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * One shard is split and two others merged while records flow. Nothing is lost, and for each
 * partition key the order in Pulsar is the order written: children are read only after their
 * parents' ends are committed.
 */
@ExtendWith(TestServices.class)
class ReshardingIT {
    private static final int KEYS = 30;
    private static final int BATCHES = 60;
    private static final int PER_BATCH = 25;

    @TempDir
    Path dir;

    @Test
    void splitAndMergeUnderLoadLoseNothingAndKeepOrderPerKey(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "reshard-" + System.nanoTime();
        kinesis.createStream(stream, 3);
        String topic = KinesisItSupport.topic("reshard");
        Map<String, Integer> written = new LinkedHashMap<>();
        AtomicInteger counter = new AtomicInteger();

        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic);
             KinesisAsyncClient admin = kinesis.newAsyncClient()) {
            runtime.worker().startConnector(KinesisItSupport.connector("reshard", kinesis, stream, topic));
            for (int batch = 0; batch < BATCHES; batch++) {
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < PER_BATCH; i++) {
                    String key = "key-" + (counter.getAndIncrement() % KEYS);
                    int n = written.merge(key, 1, Integer::sum) - 1;
                    entries.add(PutRecordsRequestEntry.builder().partitionKey(key)
                            .data(SdkBytes.fromUtf8String(key + ":" + n)).build());
                }
                kinesis.putRecords(stream, entries);
                if (batch == BATCHES / 3) {
                    split(admin, stream);
                    kinesis.awaitActive(admin, stream, Duration.ofSeconds(30));
                }
                if (batch == 2 * BATCHES / 3) {
                    merge(admin, stream);
                    kinesis.awaitActive(admin, stream, Duration.ofSeconds(30));
                }
            }
            int total = BATCHES * PER_BATCH;
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= total, Duration.ofSeconds(180));
            reader.readUntil(m -> false, Duration.ofSeconds(2));

            assertThat(admin.listShards(b -> b.streamName(stream)).join().shards())
                    .as("the stream was resharded: 3 original + 2 split children + 1 merge child").hasSize(6);
            Map<String, List<Integer>> byKey = new LinkedHashMap<>();
            for (Message<byte[]> m : reader.messages()) {
                String[] parts = new String(m.getValue(), StandardCharsets.UTF_8).split(":");
                byKey.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
            }
            assertThat(messages.size()).isEqualTo(total);
            written.forEach((key, count) -> {
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    expected.add(i);
                }
                assertThat(byKey.get(key)).as("records of %s, in the order written", key).isEqualTo(expected);
            });
        }
    }

    private static void split(KinesisAsyncClient admin, String stream) {
        Shard shard = openShards(admin, stream).get(0);
        BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
        admin.splitShard(b -> b.streamName(stream).shardToSplit(shard.shardId())
                .newStartingHashKey(start.add(end).shiftRight(1).toString())).join();
    }

    private static void merge(KinesisAsyncClient admin, String stream) {
        List<Shard> open = openShards(admin, stream);
        // The last two open shards by hash range are adjacent: the original second and third.
        Shard a = open.get(open.size() - 2);
        Shard b = open.get(open.size() - 1);
        admin.mergeShards(r -> r.streamName(stream).shardToMerge(a.shardId()).adjacentShardToMerge(b.shardId())).join();
    }

    private static List<Shard> openShards(KinesisAsyncClient admin, String stream) {
        return admin.listShards(b -> b.streamName(stream)).join().shards().stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .sorted(Comparator.comparing(s -> new BigInteger(s.hashKeyRange().startingHashKey())))
                .toList();
    }
}
