package dev.tributary.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ChosenOffsetStore;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PulsarTransactionalOutput} against a real standalone with transactions: a fenced copy of
 * a task, still connected, cuts off nothing else of its worker.
 *
 * <p>The broker fences an exclusive-with-fencing producer without telling its client, and closes
 * the client's whole connection when that producer next sends. The fence producers therefore have
 * a client of their own; with them on the worker's main client (as before), this test's bystander,
 * a producer of the main client, lost its connection at the fenced copy's commit. The fence
 * producers of the worker's other tasks share that client, and their connection may close: they
 * connect again and commit, as the neighbour here does.
 */
class PulsarTransactionalOutputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PulsarStandalone pulsar;
    private static PulsarClient client;
    private static PulsarClient fencing;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        pulsar = PulsarStandalone.withTransactions();
        client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).enableTransaction(true).build();
        fencing = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fencing != null) {
            fencing.close();
        }
        if (client != null) {
            client.close();
        }
    }

    @Test
    void aFencedCopyCommitsNothingAndCutsOffNoOtherProducerOfItsWorker() throws Exception {
        String records = topic("records");
        WorkerConfig config = WorkerConfig.fromMap(Map.of("pulsar.service.url", pulsar.serviceUrl(),
                "offset.store", "pulsar", "offset.pulsar.topic", topic("offsets"), "listeners", "http://127.0.0.1:0",
                "data.dir", dataDir.toString()));
        SourcePartition shard = SourcePartition.of("shard", "0");
        SourcePartition other = SourcePartition.of("shard", "1");
        try (OffsetStore store = ChosenOffsetStore.of(config, PluginRegistry.discover(List.of())).open();
                Producer<String> bystander = client.newProducer(Schema.STRING).topic(topic("bystander")).create()) {
            bystander.send("before");
            PulsarTransactionalOutput output = new PulsarTransactionalOutput(client, () -> fencing, store,
                    ProducerSettings.from(config), records, Duration.ofSeconds(30));
            String fenceTopic = PulsarTransactionalOutput.fenceTopic(store.transactionalTopic().orElseThrow(),
                    "fenced", 0);

            try (TransactionalOutput.Session neighbour = output.open("fenced", 1);
                    TransactionalOutput.Session zombie = output.open("fenced", 0)) {
                String zombieFence = publisherNames(fenceTopic).get(0);
                zombie.begin();
                zombie.records().send(record(shard, 1, "zombie")).get(30, TimeUnit.SECONDS);
                TransactionalOutput.Sealed zombieCommit = zombie.seal();

                try (TransactionalOutput.Session successor = output.open("fenced", 0)) {
                    assertThat(publisherNames(fenceTopic)).doesNotContain(zombieFence).hasSize(1);

                    assertThatThrownBy(() -> zombieCommit.commit(Map.of(shard, SourceOffset.of("seq", 1L)))
                            .get(60, TimeUnit.SECONDS))
                            .isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(OffsetWriterFencedException.class);
                    assertThat(zombie.fencedOut()).as("the zombie's probe").isTrue();

                    successor.begin();
                    successor.records().send(record(shard, 2, "successor")).get(30, TimeUnit.SECONDS);
                    successor.seal().commit(Map.of(shard, SourceOffset.of("seq", 2L))).get(60, TimeUnit.SECONDS);
                }
                neighbour.begin();
                neighbour.records().send(record(other, 7, "neighbour")).get(30, TimeUnit.SECONDS);
                neighbour.seal().commit(Map.of(other, SourceOffset.of("seq", 7L))).get(60, TimeUnit.SECONDS);
            }

            assertThat(bystander.getLastDisconnectedTimestamp())
                    .as("when the main client's connection last closed (0: never)").isZero();
            bystander.send("after");
            assertThat(readAll(records)).containsExactly("successor", "neighbour");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(store.read("fenced",
                    List.of(shard, other))).containsOnly(Map.entry(shard, SourceOffset.of("seq", 2L)),
                    Map.entry(other, SourceOffset.of("seq", 7L))));
        }
    }

    private static SourceRecord record(SourcePartition partition, long sequence, String value) {
        return new SourceRecord(partition, SourceOffset.of("seq", sequence), null, null,
                value.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    /** The names of the producers the broker lists on {@code topic}. */
    private static List<String> publisherNames(String topic) throws Exception {
        HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pulsar.adminUrl() + "/admin/v2/" + topic.replace("://", "/") + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode publisher : JSON.readTree(stats.body()).path("publishers")) {
            names.add(publisher.path("producerName").asText());
        }
        return names;
    }

    private static List<String> readAll(String topic) throws Exception {
        List<String> values = new ArrayList<>();
        try (Reader<byte[]> reader = client.newReader().topic(topic).startMessageId(MessageId.earliest).create()) {
            for (Message<byte[]> m = reader.readNext(3, TimeUnit.SECONDS); m != null;
                    m = reader.readNext(3, TimeUnit.SECONDS)) {
                values.add(new String(m.getValue(), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String topic(String name) {
        return "persistent://public/default/eos-output-" + name + "-" + UUID.randomUUID();
    }
}
