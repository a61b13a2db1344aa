package dev.tributary.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a REST caller cannot make the worker read a file, or send a stored secret, to an
 * address that the operator's policy does not allow. A plain listener on 127.0.0.1 stands in for
 * the attacker and counts every connection made to it.
 */
@ExtendWith(TestServices.class)
class RestDestinationPolicyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Long enough for a started connector to have listed its shards, or called STS, many times over. */
    private static final Duration NO_CONTACT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void withTheDefaultPolicyNoFileIsReadAndNoHostButAwsIsContacted(PulsarStandalone pulsar) throws Exception {
        String token = "WEB-IDENTITY-TOKEN-" + System.nanoTime();
        Path tokenFile = Files.writeString(dir.resolve("token"), token);
        try (Attacker attacker = new Attacker();
             TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(worker(pulsar, Map.of())))) {
            URI base = runtime.baseUri();
            Map<String, String> webIdentity = new LinkedHashMap<>();
            webIdentity.put("connector.class", "kinesis");
            webIdentity.put("topic", KinesisItSupport.topic("policy"));
            webIdentity.put("awsKinesisStreamName", "orders");
            webIdentity.put("awsRegion", "us-east-1");
            webIdentity.put("credentialsType", "WEB_IDENTITY");
            webIdentity.put("roleArn", "arn:aws:iam::123456789012:role/reader");
            webIdentity.put("webIdentityTokenFile", tokenFile.toString());
            webIdentity.put("stsEndpoint", attacker.url());

            HttpResponse<String> created = send(base, "POST", "/connectors", Map.of("name", "wi", "config", webIdentity));
            assertThat(created.statusCode()).isEqualTo(400);
            assertThat(created.body()).contains("stsEndpoint: host '127.0.0.1' is not allowed",
                    "connector.policy.allowed.hosts", "webIdentityTokenFile: path '" + tokenFile + "' is not allowed",
                    "connector.policy.allowed.paths").doesNotContain(token);
            webIdentity.put("name", "wi");
            assertThat(send(base, "PUT", "/connectors/wi/config", webIdentity).statusCode()).isEqualTo(400);

            // The default chain would sign with the worker's own keys: its access key id would go to the endpoint.
            Map<String, String> defaultChain = new LinkedHashMap<>(webIdentity);
            defaultChain.keySet().removeAll(List.of("credentialsType", "roleArn", "webIdentityTokenFile",
                    "stsEndpoint"));
            defaultChain.put("name", "chain");
            defaultChain.put("awsEndpoint", attacker.url());
            HttpResponse<String> chain = send(base, "PUT", "/connectors/chain/config", defaultChain);
            assertThat(chain.statusCode()).isEqualTo(400);
            assertThat(chain.body()).contains("awsEndpoint: host '127.0.0.1' is not allowed");

            // Validation reads the values only: it opens no file and calls no host, and shows the policy's refusals.
            HttpResponse<String> validated = send(base, "PUT", "/connector-plugins/kinesis/config/validate", webIdentity);
            assertThat(validated.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(validated.body()).path("error_count").asInt())
                    .as("the token file and the STS endpoint, refused by the policy; the config is valid otherwise: %s",
                            validated.body())
                    .isEqualTo(2);
            assertThat(validated.body()).contains("connector.policy.allowed.paths", "connector.policy.allowed.hosts")
                    .doesNotContain(token);

            assertThat(KinesisItSupport.get(base, "/connectors")).isEqualTo("[]");
            attacker.assertNoContactFor(NO_CONTACT);
        }
    }

    @Test
    void storedSecretsNeverFollowAChangedDestination(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String secret = "AWS-S3CR3T-" + System.nanoTime();
        String credentials = "{\"accessKey\":\"AKIDEXAMPLE\",\"secretKey\":\"" + secret + "\"}";
        String stream = "policy-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        kinesis.putRecord(stream, "k", "before".getBytes(UTF_8));
        String topic = KinesisItSupport.topic("policy");
        // The operator allows the local emulator, so the attacker's address passes the host check:
        // only the rule on secrets stands between the stored keys and the attacker.
        Map<String, String> policy = Map.of("connector.policy.allowed.hosts", "127.0.0.1");
        try (Attacker attacker = new Attacker();
             TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(worker(pulsar, policy)));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            URI base = runtime.baseUri();
            Map<String, String> config = KinesisItSupport.connector("orders", kinesis, stream, topic);
            config.put("tasks.max", "1");
            config.put("awsCredentialPluginParam", credentials);
            runtime.worker().startConnector(config);
            reader.readUntil(m -> m.stream().anyMatch(r -> new String(r.getValue(), UTF_8).equals("before")),
                    Duration.ofSeconds(60));

            HttpResponse<String> proxy = send(base, "PATCH", "/connectors/orders/config",
                    Map.of("proxyHost", "127.0.0.1", "proxyPort", String.valueOf(attacker.port())));
            assertThat(proxy.statusCode()).isEqualTo(400);
            assertThat(proxy.body()).contains("proxyHost, proxyPort: changing where the connector connects",
                    "send awsCredentialPluginParam");
            HttpResponse<String> endpoint = send(base, "PATCH", "/connectors/orders/config",
                    Map.of("awsEndpoint", attacker.url()));
            assertThat(endpoint.statusCode()).isEqualTo(400);
            assertThat(endpoint.body()).contains("awsEndpoint: changing");

            // GET, change the endpoint, PUT back: the secret comes back as [hidden], which is not the secret.
            JsonNode shown = JSON.readTree(KinesisItSupport.get(base, "/connectors/orders/config"));
            Map<String, String> modified = JSON.convertValue(shown, JSON.getTypeFactory()
                    .constructMapType(LinkedHashMap.class, String.class, String.class));
            assertThat(modified).containsEntry("awsCredentialPluginParam", "[hidden]");
            modified.put("awsEndpoint", attacker.url());
            assertThat(send(base, "PUT", "/connectors/orders/config", modified).statusCode()).isEqualTo(400);

            assertThat(JSON.readTree(KinesisItSupport.get(base, "/connectors/orders/config")).path("awsEndpoint").asText())
                    .as("no refused change is applied").isEqualTo(kinesis.endpoint().toString());
            attacker.assertNoContactFor(NO_CONTACT);

            // A change that carries its secrets is applied, and the connector reads on (the same emulator, written another way).
            HttpResponse<String> allowed = send(base, "PATCH", "/connectors/orders/config",
                    Map.of("awsEndpoint", kinesis.endpoint() + "/", "awsCredentialPluginParam", credentials));
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            assertThat(allowed.body()).doesNotContain(secret);
            kinesis.putRecord(stream, "k", "after".getBytes(UTF_8));
            reader.readUntil(m -> m.stream().anyMatch(r -> new String(r.getValue(), UTF_8).equals("after")),
                    Duration.ofSeconds(60));
            assertThat(attacker.connections()).isZero();
        }
    }

    private Map<String, String> worker(PulsarStandalone pulsar, Map<String, String> extra) {
        Map<String, String> worker = new LinkedHashMap<>(Map.of("pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0", "data.dir", dir.resolve("data").toString(),
                "offset.flush.interval.ms", "500"));
        worker.putAll(extra);
        return worker;
    }

    private static HttpResponse<String> send(URI base, String method, String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A listener on 127.0.0.1 that accepts, counts and keeps whatever is sent to it. */
    private static final class Attacker implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final Thread acceptor;

        Attacker() throws IOException {
            acceptor = new Thread(this::accept, "attacker");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                    socket.setSoTimeout(500);
                    InputStream in = socket.getInputStream();
                    byte[] buffer = new byte[8192];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        synchronized (received) {
                            received.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // A read that timed out, or the listener closed: either way the connection was counted.
                }
            }
        }

        int port() {
            return server.getLocalPort();
        }

        String url() {
            return "http://127.0.0.1:" + port();
        }

        int connections() {
            return connections.get();
        }

        void assertNoContactFor(Duration duration) {
            Awaitility.await().during(duration).atMost(duration.plusSeconds(2)).until(() -> connections.get() == 0);
            synchronized (received) {
                assertThat(received.size()).as("bytes the attacker received").isZero();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
