package dev.tributary.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.worker.WorkerConfig;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole worker with its REST API behind TLS and basic authentication, configured by the worker
 * keys alone. No connector runs, so no Pulsar broker is needed: the client connects lazily.
 */
class TributaryRuntimeSecurityTest {
    private static final String STORE_PASSWORD = "runtime-store-pass";

    @TempDir
    static Path dir;
    private static Path keystore;

    @BeforeAll
    static void createKeystoreAndUsers() throws Exception {
        keystore = dir.resolve("worker.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "worker", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        Files.writeString(dir.resolve("users.properties"), "operator=op-password\n");
    }

    private static Map<String, String> worker(String storePassword) {
        return Map.of(
                "pulsar.service.url", "pulsar://127.0.0.1:1",
                "offset.store", "memory",
                "data.dir", dir.resolve("data").toString(),
                "listeners", "https://127.0.0.1:0",
                "rest.ssl.keystore.location", keystore.toString(),
                "rest.ssl.keystore.password", storePassword,
                "rest.auth.basic.file", dir.resolve("users.properties").toString());
    }

    @Test
    void theRestApiIsServedOverTlsToAuthenticatedUsersOnly() throws Exception {
        try (TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(worker(STORE_PASSWORD)))) {
            assertThat(runtime.baseUri().getScheme()).isEqualTo("https");
            HttpClient client = HttpClient.newBuilder().sslContext(trusting()).version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest.Builder connectors = HttpRequest.newBuilder(runtime.baseUri().resolve("/connectors"))
                    .timeout(Duration.ofSeconds(30));

            HttpResponse<String> anonymous = client.send(connectors.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            HttpResponse<String> wrong = client.send(connectors.copy().header("Authorization", basic("operator", "nope"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            HttpResponse<String> operator = client.send(connectors.copy().header("Authorization",
                    basic("operator", "op-password")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(operator.statusCode()).isEqualTo(200);
            assertThat(operator.body()).isEqualTo("[]");
        }
    }

    @Test
    void aKeystoreThatCannotBeOpenedStopsTheStartWithTheKeyToFix() {
        assertThatThrownBy(() -> TributaryRuntime.start(WorkerConfig.fromMap(worker("wrong-password"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rest.ssl.keystore.location")
                .hasMessageNotContaining("wrong-password");
    }

    @Test
    void aListenerOffLoopbackWithoutAuthenticationDoesNotStart() {
        assertThatThrownBy(() -> TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", "pulsar://127.0.0.1:1", "offset.store", "memory",
                "data.dir", dir.resolve("open").toString(), "listeners", "http://0.0.0.0:0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rest.auth.basic.file: is required when listeners ('http://0.0.0.0:0') is not a"
                        + " loopback address");
    }

    private static SSLContext trusting() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }
}
