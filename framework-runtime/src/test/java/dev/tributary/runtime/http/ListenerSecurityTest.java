package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.Password;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and HTTP basic authentication on the listener. */
class ListenerSecurityTest {
    private static final String STORE_PASSWORD = "store-pass-1";

    @TempDir
    static Path dir;
    private static Path keystore;

    private WorkerHttpServer server;

    @BeforeAll
    static void createKeystore() throws Exception {
        keystore = dir.resolve("worker.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "worker", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as("keytool made the key store").isZero();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static TlsKeystore tls(String password) {
        return new TlsKeystore(keystore, "PKCS12", new Password(password), new Password(password));
    }

    /** A client that trusts only the worker's own certificate. */
    private static HttpClient trustingClient() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static HttpRequest get(WorkerHttpServer server, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.build();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    @Test
    void anHttpsListenerServesTlsWithTheKeystoresCertificate() throws Exception {
        server = new WorkerHttpServer(ListenerAddress.parse("https://127.0.0.1:0"),
                new ListenerSecurity(Optional.of(tls(STORE_PASSWORD).sslContext()), Optional.empty()));
        server.route("GET", "/", request -> Response.text(200, "text/plain", "secure"));
        server.start();

        assertThat(server.baseUri().getScheme()).isEqualTo("https");
        HttpResponse<String> response = trustingClient().send(get(server, "/", null), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("secure");
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(get(server, "/", null), HttpResponse.BodyHandlers.ofString()))
                .as("a client that does not trust the certificate is refused")
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void httpsNeedsAKeystoreAndHttpTakesNone() throws Exception {
        assertThatThrownBy(() -> new WorkerHttpServer(ListenerAddress.parse("https://127.0.0.1:0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rest.ssl.keystore.location");
        SSLContext context = tls(STORE_PASSWORD).sslContext();
        assertThatThrownBy(() -> new WorkerHttpServer(ListenerAddress.parse("http://127.0.0.1:0"),
                new ListenerSecurity(Optional.of(context), Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not https://");
    }

    @Test
    void aWrongKeystorePasswordOrFileIsReportedWithoutThePassword() {
        assertThatThrownBy(() -> tls("wrong-password-xyz").sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rest.ssl.keystore.location").hasMessageContaining(keystore.toString())
                .hasMessageNotContaining("wrong-password-xyz");
        assertThatThrownBy(() -> new TlsKeystore(dir.resolve("missing.p12"), "PKCS12", new Password("p"), new Password("p"))
                .sslContext()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.p12");
        assertThatThrownBy(() -> new TlsKeystore(keystore, "NOPE", new Password("p"), new Password("p")).sslContext())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rest.ssl.keystore.type");
    }

    @Test
    void basicAuthLetsKnownUsersInAndAnswers401ToOthers() throws Exception {
        Path file = dir.resolve("users.properties");
        Files.writeString(file, "# operators\nalice=wonder land\nbob: builder\n");
        BasicAuthCredentials credentials = BasicAuthCredentials.load(file);
        assertThat(credentials.users()).isEqualTo(2);
        server = new WorkerHttpServer(ListenerAddress.parse("http://127.0.0.1:0"),
                new ListenerSecurity(Optional.empty(), Optional.of(credentials)));
        server.route("GET", "/connectors", request -> Response.text(200, "text/plain", "[]"));
        server.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> none = client.send(get(server, "/connectors", null), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(client.send(get(server, "/connectors", basic("alice", "wrong")), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
        assertThat(client.send(get(server, "/connectors", basic("mallory", "wonder land")), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
        assertThat(client.send(get(server, "/nope", null), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("unknown paths are hidden behind authentication too").isEqualTo(401);
        assertThat(client.send(get(server, "/connectors", "Bearer abc"), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);

        HttpResponse<String> alice = client.send(get(server, "/connectors", basic("alice", "wonder land")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(client.send(get(server, "/connectors", basic("bob", "builder")), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aCredentialsFileThatCannotBeUsedNamesTheSettingButNoPassword() throws Exception {
        assertThatThrownBy(() -> BasicAuthCredentials.load(dir.resolve("absent.properties")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rest.auth.basic.file: ");
        Path empty = Files.writeString(dir.resolve("empty.properties"), "# nobody\n");
        assertThatThrownBy(() -> BasicAuthCredentials.load(empty)).hasMessageContaining("lists no user");
        Path blank = Files.writeString(dir.resolve("blank.properties"), "carol=\n");
        assertThatThrownBy(() -> BasicAuthCredentials.load(blank)).hasMessageContaining("empty user or password");
        assertThat(BasicAuthCredentials.of(Map.of("u", "p")).toString()).doesNotContain("p]").contains("1 user");
        assertThat(BasicAuthCredentials.of(Map.of("u", "p")).matches("u", null)).isFalse();
    }
}
