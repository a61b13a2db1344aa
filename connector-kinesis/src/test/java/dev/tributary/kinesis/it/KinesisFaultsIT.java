package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.KinesisFaultProxy;
import dev.tributary.testing.services.KinesisFaultProxy.Fault;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Throttling, 500s, dropped connections, a 10 s stall and expired iterators, injected by a proxy
 * in front of kinesis-mock while the connector reads: every record arrives exactly once, with no
 * restart and no manual action.
 */
@ExtendWith(TestServices.class)
class KinesisFaultsIT {
    private static final int COUNT = 1000;

    @TempDir
    Path dir;

    @Test
    void theReaderRidesOutKinesisFaultsWithoutLossOrRepeats(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "faults-" + System.nanoTime();
        kinesis.createStream(stream, 2);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + (i % 10))
                    .data(SdkBytes.fromUtf8String("id-" + i)).build());
        }
        kinesis.putRecords(stream, entries);
        String topic = KinesisItSupport.topic("faults");

        try (KinesisFaultProxy proxy = KinesisFaultProxy.start(kinesis.endpoint());
             TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            proxy.inject("GetShardIterator", Fault.THROTTLE, 2);
            proxy.inject("GetRecords", Fault.THROTTLE, 6);
            proxy.inject("GetRecords", Fault.SERVER_ERROR, 6);
            proxy.inject("GetRecords", Fault.CONNECTION_RESET, 3);
            proxy.inject("GetRecords", Fault.EXPIRED_ITERATOR, 3);
            proxy.inject("GetRecords", Fault.STALL, 1);
            proxy.inject("GetRecords", Fault.LIMIT_EXCEEDED, 2);
            Map<String, String> config = KinesisItSupport.connector("faults", kinesis, stream, topic);
            config.put("awsEndpoint", proxy.endpoint().toString());
            config.put("maxRecordsPerFetch", "25");
            config.put("backoffTime", "200");

            runtime.worker().startConnector(config);
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= COUNT, Duration.ofSeconds(120));
            reader.readUntil(m -> false, Duration.ofSeconds(2));

            assertThat(proxy.pending()).as("every planned fault was hit: %s", proxy).isZero();
            Map<String, Integer> copies = new HashMap<>();
            reader.messages().forEach(m -> copies.merge(new String(m.getValue(), StandardCharsets.UTF_8), 1, Integer::sum));
            assertThat(copies).as("every record, once").hasSize(COUNT).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(messages).hasSize(COUNT);
            assertThat(runtime.worker().status("faults")).hasValueSatisfying(s -> {
                assertThat(s.state().name()).isEqualTo("RUNNING");
                assertThat(s.tasks()).allSatisfy(t -> assertThat(t.state().name()).isEqualTo("RUNNING"));
            });
        }
    }
}
