package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.KinesisFaultProxy;
import dev.tributary.testing.services.KinesisFaultProxy.Fault;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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
        DeliveryAccounting accounting = new DeliveryAccounting();
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            ids.add("id-" + i);
            keys.add("pk-" + (i % 10));
        }
        new AccountedProducer(kinesis, stream, accounting).put(ids, keys);
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
            reader.readUntil(m -> m.size() >= COUNT, Duration.ofSeconds(120));
            // A moment more, so that a repeat behind the last record is counted too.
            List<Message<byte[]>> messages = reader.readUntil(m -> false, Duration.ofSeconds(2));
            Report report = accounting.check(messages, AccountedProducer::delivered);
            System.out.println("KinesisFaultsIT: " + report);

            assertThat(proxy.pending()).as("every planned fault was hit: %s", proxy).isZero();
            assertThat(report.exact()).as("every record, in order per key: %s", report).isTrue();
            assertThat(report.duplicates()).as("no fault repeats a record: %s", report).isZero();
            assertThat(runtime.worker().status("faults")).hasValueSatisfying(s -> {
                assertThat(s.state().name()).isEqualTo("RUNNING");
                assertThat(s.tasks()).allSatisfy(t -> assertThat(t.state().name()).isEqualTo("RUNNING"));
            });
        }
    }
}
