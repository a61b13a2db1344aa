package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.DatagenAccounting;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker restarts in the middle of a stream. The worker's producers reconnect by themselves,
 * the tasks keep running, and every record reaches Pulsar.
 */
@ExtendWith(TestServices.class)
class BrokerRestartIT {
    private static final int COUNT = 12_000;
    private static final int TASKS = 2;

    @TempDir
    Path dir;

    @Test
    void aBrokerRestartMidStreamLosesNothingAndNeedsNoManualAction(PulsarStandalone pulsar) throws Exception {
        String topic = "persistent://public/default/broker-restart-" + System.nanoTime();
        try (TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dir.toString(),
                "offset.flush.interval.ms", "500")))) {
            runtime.worker().startConnector(Map.of("name", "restart-it", "connector.class", "datagen",
                    "tasks.max", Integer.toString(TASKS), "topic", topic, "count", Integer.toString(COUNT),
                    "rate", "1500", "record.size", "64"));
            try (PulsarTopicReader before = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
                before.readUntil(m -> m.size() >= COUNT / 4, Duration.ofSeconds(60));
            }

            pulsar.restart();

            DeliveryAccounting accounting = DatagenAccounting.expected(COUNT, TASKS);
            try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
                reader.readUntil(m -> m.size() >= COUNT && ids(m).size() >= COUNT, Duration.ofSeconds(180));
                // A moment more, so that a copy written after the last new id is counted too.
                List<Message<byte[]>> messages = reader.readUntil(m -> false, Duration.ofSeconds(2));
                Report report = accounting.check(messages, DatagenAccounting::delivered);
                System.out.println("BrokerRestartIT: " + report);

                assertThat(report.exact()).as("after the restart every datagen id is in Pulsar, in order per task: %s",
                        report).isTrue();
            }
            assertThat(runtime.worker().status("restart-it")).hasValueSatisfying(s ->
                    assertThat(s.tasks()).extracting(t -> t.state()).containsOnly(State.RUNNING));
        }
    }

    private static Set<String> ids(List<Message<byte[]>> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getProperty("datagen.id")));
        return ids;
    }
}
