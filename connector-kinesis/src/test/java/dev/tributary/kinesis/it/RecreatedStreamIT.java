package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.pulsar.client.api.Message;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * A stream is deleted, while the connector reads it, and created again under the same name: its
 * new shards have the old shards' ids, which the old offsets mark as read to their end. The
 * connector tells the new stream by its creation time and reads all of it, by polling and by
 * enhanced fan-out, whose consumer went with the deleted stream.
 */
@ExtendWith(TestServices.class)
class RecreatedStreamIT {
    private static final int PER_PHASE = 200;
    private static final int KEYS = 10;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "useEnhancedFanOut={0}")
    @ValueSource(booleans = {false, true})
    void everyRecordOfTheRecreatedStreamIsRead(boolean fanOut, PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "recreated-" + System.nanoTime();
        kinesis.createStream(stream, 2);
        String topic = KinesisItSupport.topic("recreated");
        DeliveryAccounting accounting = new DeliveryAccounting();
        AccountedProducer producer = new AccountedProducer(kinesis, stream, accounting);

        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic);
             KinesisAsyncClient admin = kinesis.newAsyncClient()) {
            Map<String, String> config = KinesisItSupport.connector("recreated", kinesis, stream, topic);
            config.put("useEnhancedFanOut", Boolean.toString(fanOut));
            config.put("consumerName", "recreated-it");
            runtime.worker().startConnector(config);
            put(producer, 0);
            reader.readUntil(m -> m.size() >= PER_PHASE, Duration.ofSeconds(60));
            Instant firstCreated = created(admin, stream);

            admin.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true)).join();
            awaitDeleted(admin, stream);
            // Creation times have a granularity of a second or coarser: the new stream must not share the old one's.
            Thread.sleep(1_100);
            kinesis.createStream(stream, 2);
            assertThat(created(admin, stream)).as("the recreated stream's creation time").isAfter(firstCreated);
            put(producer, PER_PHASE);

            reader.readUntil(m -> m.size() >= 2 * PER_PHASE, Duration.ofSeconds(120));
            // A moment more, so that a repeat behind the last record is counted too.
            List<Message<byte[]>> messages = reader.readUntil(m -> false, Duration.ofSeconds(2));
            Report report = accounting.check(messages, AccountedProducer::delivered);
            System.out.println("RecreatedStreamIT (useEnhancedFanOut=" + fanOut + "): " + report);

            assertThat(accounting.writtenCount()).isEqualTo(2 * PER_PHASE);
            assertThat(report.exact()).as("every record of both streams, each key in order: %s", report).isTrue();
        }
    }

    private static void put(AccountedProducer producer, int first) {
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = first; i < first + PER_PHASE; i++) {
            ids.add("id-" + i);
            keys.add("key-" + (i % KEYS));
        }
        producer.put(ids, keys);
    }

    private static Instant created(KinesisAsyncClient admin, String stream) {
        return admin.describeStreamSummary(b -> b.streamName(stream)).join().streamDescriptionSummary()
                .streamCreationTimestamp();
    }

    private static void awaitDeleted(KinesisAsyncClient admin, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                admin.describeStreamSummary(b -> b.streamName(stream)).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof ResourceNotFoundException) {
                    return;
                }
                throw e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stream " + stream + " was not deleted within 30 s");
    }
}
