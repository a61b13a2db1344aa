package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known secrets go into a worker's config (Pulsar token) and a Kinesis connector's config (AWS
 * secret key); the worker runs, answers REST calls, rejects a bad config that carries the secret,
 * and stops. Then every response body, the worker's output and every file under its folder are
 * searched for the secrets: none may contain them.
 */
@ExtendWith(TestServices.class)
class SecretsNeverShownIT {
    private static final Pattern LISTENING = Pattern.compile("REST and metrics on (http://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path dir;

    @Test
    void secretsAppearInNoResponseLogOrFile(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String awsSecret = "AWS-S3CR3T-" + System.nanoTime();
        String pulsarToken = "PULSAR-T0KEN-" + System.nanoTime();
        String stream = "secrets-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        kinesis.putRecord(stream, "k", "v".getBytes(StandardCharsets.UTF_8));
        String topic = KinesisItSupport.topic("secrets");
        Path worker = write("worker.properties", "pulsar.service.url=" + pulsar.serviceUrl() + "\n"
                + "pulsar.auth.plugin=org.apache.pulsar.client.impl.auth.AuthenticationToken\n"
                + "pulsar.auth.params=token:" + pulsarToken + "\n"
                + "listeners=http://127.0.0.1:0\n"
                + "data.dir=" + dir.resolve("data") + "\n");
        Map<String, String> config = KinesisItSupport.connector("secretive", kinesis, stream, topic);
        config.put("awsCredentialPluginParam", "{\"accessKey\":\"AKIDEXAMPLE\",\"secretKey\":\"" + awsSecret + "\"}");
        StringBuilder properties = new StringBuilder();
        config.forEach((k, v) -> properties.append(k).append('=').append(v).append('\n'));
        Path connector = write("kinesis.properties", properties.toString());
        List<String> responses = new ArrayList<>();

        WorkerProcess process = WorkerProcess.start(worker, List.of(connector), Map.of(), dir.resolve("worker.log"));
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> LISTENING.matcher(process.output()).find());
            Matcher m = LISTENING.matcher(process.output());
            assertThat(m.find()).isTrue();
            URI base = URI.create(m.group(1));
            assertThat(reader.readUntil(r -> !r.isEmpty(), Duration.ofSeconds(60))).as("the connector runs").isNotEmpty();

            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/connectors?expand=info&expand=status", "/connectors/secretive",
                    "/connectors/secretive/config", "/connectors/secretive/status", "/connectors/secretive/tasks",
                    "/connectors/secretive/tasks/0/status", "/connectors/secretive/offsets", "/metrics", "/admin/loggers")) {
                responses.add(http.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            // The secret sits in its sensitive field, in a shape that field rejects, beside another bad field.
            String bad = "{\"name\":\"bad\",\"config\":{\"connector.class\":\"kinesis\",\"topic\":\"t\","
                    + "\"awsKinesisStreamName\":\"s\",\"awsRegion\":\"us-east-1\",\"receiveQueueSize\":\"lots\","
                    + "\"awsCredentialPluginParam\":\"{\\\"secretKey\\\":\\\"" + awsSecret + "\\\"}\"}}";
            HttpResponse<String> rejected = http.send(HttpRequest.newBuilder(base.resolve("/connectors"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(bad)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(rejected.statusCode()).isEqualTo(400);
            responses.add(rejected.body());
            HttpResponse<String> validated = http.send(HttpRequest.newBuilder(
                    base.resolve("/connector-plugins/kinesis/config/validate"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(bad.substring(bad.indexOf("\"config\":") + 9, bad.length() - 1)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            responses.add(validated.body());
        } finally {
            process.terminate();
        }

        for (String body : responses) {
            assertThat(body).doesNotContain(awsSecret, pulsarToken);
        }
        assertThat(String.join("\n", responses)).contains("[hidden]");
        assertThat(process.output()).as("the worker's output").doesNotContain(awsSecret, pulsarToken);
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                assertThat(text).as("%s", file).doesNotContain(pulsarToken);
                if (!file.getFileName().toString().equals("connectors.json")) {
                    assertThat(text).as("%s", file).doesNotContain(awsSecret);
                }
            }
        }
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
