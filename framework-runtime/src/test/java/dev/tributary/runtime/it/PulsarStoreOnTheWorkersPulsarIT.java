package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.PulsarOffsetStoreProvider;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** offset.store=pulsar without offset.pulsar.service.url keeps the offsets in the worker's own Pulsar. */
@ExtendWith(TestServices.class)
class PulsarStoreOnTheWorkersPulsarIT {
    private static final int COUNT = 500;

    @TempDir
    Path dataDir;

    @Test
    void theStoreNeedsNoServiceUrlOfItsOwn(PulsarStandalone pulsar) {
        String offsetTopic = "persistent://public/default/offsets-it-" + System.nanoTime();
        try (TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "offset.store", "pulsar",
                "offset.pulsar.topic", offsetTopic,
                "listeners", "http://127.0.0.1:0",
                "data.dir", dataDir.toString(),
                "offset.flush.interval.ms", "200")))) {
            var status = runtime.worker().startConnector(Map.of(
                    "name", "on-workers-pulsar",
                    "connector.class", "datagen",
                    "topic", "persistent://public/default/datagen-offsets-it-" + System.nanoTime(),
                    "count", Integer.toString(COUNT),
                    "rate", "0"));
            assertThat(status.state()).isEqualTo(State.RUNNING);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(runtime.worker().connectorOffsets("on-workers-pulsar")).isNotEmpty());
        }

        // Read back by a store that names the broker itself: the worker wrote there, not to its default 127.0.0.1:6650.
        Map<String, String> store = Map.of("service.url", pulsar.serviceUrl(), "topic", offsetTopic);
        try (OffsetStore offsets = new PulsarOffsetStoreProvider().open(store, dataDir)) {
            Map<SourcePartition, SourceOffset> committed = offsets.readAll("on-workers-pulsar");
            assertThat(committed).isNotEmpty();
            assertThat(committed.values()).allSatisfy(offset -> assertThat(offset.getLong("seq", -1)).isBetween(0L,
                    (long) COUNT - 1));
        }
    }
}
