package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.runtime.TributaryRuntime;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays, with a plain {@code java.net.http} client, the requests of two public Kafka Connect
 * REST walk-throughs, changing only the connector config (datagen instead of the HDFS sink):
 *
 * <ul>
 *   <li>the Confluent Platform "Connect REST Interface" reference's request examples
 *       (https://docs.confluent.io/platform/7.5/connect/references/restapi.html): create
 *       {@code hdfs-sink-connector} with {@code POST /connectors} (Content-Type and Accept
 *       headers, string values), read its status, update its config with {@code PUT} (whose
 *       example sends only an Accept header: 415, as from Kafka Connect, until the Content-Type is
 *       added), restart it, delete it;</li>
 *   <li>the opening steps of Confluent's Kafka Connect 101 "REST API" module
 *       (https://developer.confluent.io/learn-kafka/kafka-connect/rest-api/): worker info, the
 *       plugin list, {@code GET /connectors/} with its trailing slash, and
 *       {@code ?expand=info&expand=status}.</li>
 * </ul>
 *
 * Each step checks the status code and the JSON fields those pages show.
 */
@ExtendWith(TestServices.class)
class KafkaConnectTutorialIT {
    private static final String NAME = "hdfs-sink-connector";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theTutorialsStepsWorkUnchanged(PulsarStandalone pulsar) throws Exception {
        String topic = "persistent://public/default/tutorial-it-" + System.nanoTime();
        // Only the connector's config differs from the tutorial: datagen instead of the HDFS sink.
        String config = "{\"connector.class\": \"datagen\", \"tasks.max\": \"1\", \"topic\": \"" + topic + "\","
                + " \"rate\": \"100\", \"record.size\": \"64\"}";
        String updatedConfig = "{\"connector.class\": \"datagen\", \"tasks.max\": \"2\", \"topic\": \"" + topic + "\","
                + " \"rate\": \"100\", \"record.size\": \"64\"}";

        try (TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dir.toString(),
                "offset.flush.interval.ms", "200")));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            URI base = runtime.baseUri();

            // Kafka Connect 101: curl http://localhost:8083/
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(base.resolve("/")).build(), text());
            assertThat(info.statusCode()).isEqualTo(200);
            assertThat(json(info).has("version")).isTrue();
            assertThat(json(info).has("commit")).isTrue();
            assertThat(json(info).has("kafka_cluster_id")).isTrue();

            // Kafka Connect 101: curl -s localhost:8083/connector-plugins
            HttpResponse<String> plugins = http.send(HttpRequest.newBuilder(base.resolve("/connector-plugins")).build(), text());
            assertThat(plugins.statusCode()).isEqualTo(200);
            assertThat(json(plugins).get(0).has("class")).isTrue();
            assertThat(json(plugins).get(0).path("type").asText()).isEqualTo("source");

            // Reference: POST /connectors with Content-Type and Accept: application/json.
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/connectors"))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{ \"name\": \"" + NAME + "\", \"config\": " + config + " }"))
                    .build(), text());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode createdInfo = json(created);
            assertThat(createdInfo.path("name").asText()).isEqualTo(NAME);
            assertThat(createdInfo.path("config").path("tasks.max").asText()).isEqualTo("1");
            assertThat(createdInfo.path("tasks").get(0).path("connector").asText()).isEqualTo(NAME);
            assertThat(createdInfo.path("tasks").get(0).has("task")).isTrue();

            // Kafka Connect 101: curl -s -X GET "http://localhost:8083/connectors/"
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(base.resolve("/connectors/")).GET().build(), text());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).isEqualTo("[\"" + NAME + "\"]");

            // Reference: GET /connectors/hdfs-sink-connector/status
            await().atMost(Duration.ofSeconds(30)).until(() -> status(base).path("tasks").size() == 1
                    && status(base).path("tasks").get(0).path("state").asText().equals("RUNNING"));
            JsonNode status = status(base);
            assertThat(status.path("name").asText()).isEqualTo(NAME);
            assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
            assertThat(status.path("connector").path("worker_id").asText()).isEqualTo(base.getHost() + ":" + base.getPort());
            assertThat(status.path("tasks").get(0).path("id").asInt()).isZero();
            assertThat(status.path("tasks").get(0).path("worker_id").asText()).isNotEmpty();
            reader.readUntil(m -> !m.isEmpty(), Duration.ofSeconds(30));
            assertThat(reader.messages()).isNotEmpty();

            // Kafka Connect 101: curl -s "http://localhost:8083/connectors?expand=info&expand=status"
            HttpResponse<String> expanded = http.send(HttpRequest.newBuilder(
                    base.resolve("/connectors?expand=info&expand=status")).build(), text());
            assertThat(json(expanded).path(NAME).path("info").path("name").asText()).isEqualTo(NAME);
            assertThat(json(expanded).path(NAME).path("status").path("connector").path("state").asText()).isEqualTo("RUNNING");

            // Reference: PUT /connectors/hdfs-sink-connector/config. Its example sends only an Accept header, which
            // Kafka Connect's own server answers with 415, and so does Tributary: an untyped body is how a browser
            // page posts cross-site. With the Content-Type every other example sends, it works.
            HttpResponse<String> untyped = http.send(HttpRequest.newBuilder(base.resolve("/connectors/" + NAME + "/config"))
                    .header("Accept", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(updatedConfig)).build(), text());
            assertThat(untyped.statusCode()).as("a body without Content-Type, as Kafka Connect answers").isEqualTo(415);
            HttpResponse<String> updated = http.send(HttpRequest.newBuilder(base.resolve("/connectors/" + NAME + "/config"))
                    .header("Accept", "application/json").header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(updatedConfig)).build(), text());
            assertThat(updated.statusCode()).as("an update answers 200, a creation 201").isEqualTo(200);
            assertThat(json(updated).path("config").path("tasks.max").asText()).isEqualTo("2");
            assertThat(json(updated).path("tasks").size()).isEqualTo(2);

            // Reference: POST /connectors/hdfs-sink-connector/restart
            HttpResponse<String> restarted = http.send(HttpRequest.newBuilder(base.resolve("/connectors/" + NAME + "/restart"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), text());
            assertThat(restarted.statusCode()).as("Kafka Connect answers a plain restart with 204").isEqualTo(204);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(base).path("tasks").size() == 2
                    && status(base).path("connector").path("state").asText().equals("RUNNING"));

            // Reference: DELETE /connectors/hdfs-sink-connector
            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(base.resolve("/connectors/" + NAME))
                    .DELETE().build(), text());
            assertThat(deleted.statusCode()).isEqualTo(204);
            assertThat(deleted.body()).isEmpty();
            HttpResponse<String> gone = http.send(HttpRequest.newBuilder(base.resolve("/connectors/" + NAME)).build(), text());
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(json(gone).path("error_code").asInt()).isEqualTo(404);
            assertThat(json(gone).path("message").asText()).isEqualTo("Connector " + NAME + " not found");
        }
    }

    private JsonNode status(URI base) throws Exception {
        return json(http.send(HttpRequest.newBuilder(base.resolve("/connectors/" + NAME + "/status"))
                .header("Accept", "application/json").build(), text()));
    }

    private static HttpResponse.BodyHandler<String> text() {
        return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    }
}
