package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.datagen.DatagenPayload;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole path: datagen records, through the worker, into a real Pulsar standalone. */
@ExtendWith(TestServices.class)
class DatagenToPulsarIT {
    private static final int COUNT = 3000;
    private static final String TOPIC = "persistent://public/default/datagen-it-" + System.nanoTime();

    @TempDir
    static Path dataDir;

    private static PulsarStandalone pulsar;
    private static TributaryRuntime runtime;
    private static Instant started;

    @BeforeAll
    static void start(PulsarStandalone broker) {
        pulsar = broker;
        started = Instant.now();
        runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dataDir.toString(),
                "offset.flush.interval.ms", "200")));
        var status = runtime.worker().startConnector(Map.of(
                "name", "datagen-it",
                "connector.class", "datagen",
                "tasks.max", "2",
                "topic", TOPIC,
                "count", Integer.toString(COUNT),
                "rate", "0",
                "record.size", "64",
                "key.cardinality", "10"));
        assertThat(status.state()).isEqualTo(State.RUNNING);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void everyRecordArrivesWithItsKeyValuePropertiesAndEventTime() throws Exception {
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), TOPIC)) {
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= COUNT, Duration.ofSeconds(90));

            assertThat(messages).hasSize(COUNT);
            Set<String> ids = new HashSet<>();
            for (Message<byte[]> m : messages) {
                String id = m.getProperty("datagen.id");
                long seq = Long.parseLong(m.getProperty("datagen.seq"));
                assertThat(id).isEqualTo(m.getProperty("datagen.task") + "-" + seq);
                assertThat(DatagenPayload.idOf(m.getValue())).isEqualTo(id);
                assertThat(m.getValue()).hasSize(64);
                assertThat(m.getKey()).isEqualTo("key-" + (seq % 10));
                assertThat(Instant.ofEpochMilli(m.getEventTime())).isBetween(started.minusSeconds(1), Instant.now());
                ids.add(id);
            }
            assertThat(ids).as("ids are unique").hasSize(COUNT);
            assertThat(new String(messages.get(0).getValue(), StandardCharsets.US_ASCII)).startsWith("{\"id\":\"");
        }
    }

    @Test
    void metricsEndpointServesEveryTaskSeries() throws Exception {
        URI metrics = runtime.baseUri().resolve("/metrics");
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        String labels = "{connector=\"datagen-it\",task=\"0\"}";
        assertThat(response.body()).contains(
                "tributary_task_poll_calls_total" + labels,
                "tributary_task_poll_records_total" + labels,
                "tributary_task_poll_rate" + labels,
                "tributary_task_records_written_total" + labels,
                "tributary_task_bytes_written_total" + labels,
                "tributary_task_send_ack_latency_seconds{connector=\"datagen-it\",task=\"0\",quantile=\"0.5\"}",
                "tributary_task_send_ack_latency_seconds{connector=\"datagen-it\",task=\"0\",quantile=\"0.99\"}",
                "tributary_task_send_ack_latency_seconds_max" + labels,
                "tributary_task_offset_commit_latency_seconds_count" + labels,
                "tributary_task_queue_depth" + labels,
                "tributary_jvm_heap_used_bytes");
    }
}
