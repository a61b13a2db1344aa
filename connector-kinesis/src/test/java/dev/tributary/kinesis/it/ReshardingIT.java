package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
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
        DeliveryAccounting accounting = new DeliveryAccounting();
        AccountedProducer producer = new AccountedProducer(kinesis, stream, accounting);
        int counter = 0;

        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic);
             KinesisAsyncClient admin = kinesis.newAsyncClient()) {
            runtime.worker().startConnector(KinesisItSupport.connector("reshard", kinesis, stream, topic));
            for (int batch = 0; batch < BATCHES; batch++) {
                List<String> ids = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < PER_BATCH; i++, counter++) {
                    ids.add("id-" + counter);
                    keys.add("key-" + (counter % KEYS));
                }
                producer.put(ids, keys);
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
            reader.readUntil(m -> m.size() >= total, Duration.ofSeconds(180));
            // A moment more, so that a repeat behind the last record is counted too.
            List<Message<byte[]>> messages = reader.readUntil(m -> false, Duration.ofSeconds(2));
            Report report = accounting.check(messages, AccountedProducer::delivered);
            System.out.println("ReshardingIT: " + report);

            assertThat(admin.listShards(b -> b.streamName(stream)).join().shards())
                    .as("the stream was resharded: 3 original + 2 split children + 1 merge child").hasSize(6);
            assertThat(accounting.writtenCount()).isEqualTo(total);
            assertThat(report.exact()).as("nothing lost, and every key in the order written: %s", report).isTrue();
            assertThat(report.duplicates()).as("a worker that never stops repeats nothing: %s", report).isZero();
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
