package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.http.RequestOrigins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsPropertiesWithDefaultsAndStoreKeys() throws Exception {
        Path file = write("worker.properties", """
                pulsar.service.url=pulsar://broker:6650
                offset.store=file
                offset.file.file=my-offsets.json
                offset.flush.interval.ms=2500
                plugin.path=a, b
                """);

        WorkerConfig config = WorkerConfig.load(file, Map.of());

        assertThat(config.pulsarServiceUrl()).isEqualTo("pulsar://broker:6650");
        assertThat(config.offsetStoreConfig()).containsExactly(Map.entry("file", "my-offsets.json"));
        assertThat(config.offsetFlushInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.pluginPath()).containsExactly(Path.of("a").toAbsolutePath(), Path.of("b").toAbsolutePath());
        assertThat(config.listeners()).isEqualTo("http://127.0.0.1:8083");
        assertThat(config.workerThreads()).isEqualTo(16);
    }

    @Test
    void readsHocon() throws Exception {
        Path file = write("worker.conf", """
                pulsar { service.url = "pulsar://h:1" }
                worker.threads = 4
                """);

        WorkerConfig config = WorkerConfig.load(file, Map.of());

        assertThat(config.pulsarServiceUrl()).isEqualTo("pulsar://h:1");
        assertThat(config.workerThreads()).isEqualTo(4);
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        Path file = write("worker.properties", "pulsar.service.url=pulsar://file:6650\n");

        WorkerConfig config = WorkerConfig.load(file, Map.of("TRIBUTARY_PULSAR_SERVICE_URL", "pulsar://env:6650",
                "TRIBUTARY_WORKER_THREADS", "3"));

        assertThat(config.pulsarServiceUrl()).isEqualTo("pulsar://env:6650");
        assertThat(config.workerThreads()).isEqualTo(3);
    }

    @Test
    void reportsEveryBadKeyOnceWithHints() throws Exception {
        Path file = write("worker.properties", """
                pulsar.service.url=http://wrong
                worker.threads=lots
                offset.flush.interval=100
                listner=http://127.0.0.1:1
                pulsar.auth.params=token:SECRET123
                """);

        assertThatThrownBy(() -> WorkerConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "pulsar.service.url: 'http://wrong' must be a pulsar:// or pulsar+ssl:// URL",
                        "worker.threads: 'lots' is not a whole number from 1 to 1024",
                        "listner: is not a known key; did you mean listeners?",
                        "offset.flush.interval: is not a known key; did you mean offset.flush.interval.ms?"))
                .hasMessageNotContaining("SECRET123");
    }

    @Test
    void aKeyThatIsAlsoAPrefixOfAnotherIsReportedNotLost() throws Exception {
        Path file = write("worker.properties", "listeners=http://127.0.0.1:1\nlisteners.extra=1\n");

        assertThatThrownBy(() -> WorkerConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners: cannot be set together with keys that start with 'listeners.'");
    }

    @Test
    void aMissingFileIsOneLine() {
        assertThatThrownBy(() -> WorkerConfig.load(dir.resolve("nope.properties"), Map.of()))
                .hasMessage(dir.resolve("nope.properties") + ": worker config file not found");
    }

    @Test
    void toStringMasksSecrets() {
        WorkerConfig config = WorkerConfig.fromMap(Map.of("pulsar.auth.params", "token:SECRET123"));

        assertThat(config.toString()).doesNotContain("SECRET123").contains("pulsar.auth.params=[hidden]");
        assertThat(config.pulsarAuthParams().value()).isEqualTo("token:SECRET123");
    }

    @Test
    void aListenerOffLoopbackNeedsAuthenticationAndTheAllowListsAreRead() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("listeners", "http://0.0.0.0:8083")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rest.auth.basic.file: is required when listeners ('http://0.0.0.0:8083') is not a "
                        + "loopback address");
        assertThat(WorkerConfig.fromMap(Map.of("listeners", "http://localhost:8083")).listeners())
                .isEqualTo("http://localhost:8083");

        WorkerConfig config = WorkerConfig.fromMap(Map.of("listeners", "http://0.0.0.0:8083",
                "rest.auth.basic.file", "/etc/users.properties", "rest.allowed.hosts", "worker.example.com, 10.0.0.5",
                "rest.allowed.origins", "https://console.example.com"));

        assertThat(config.restAllowedOrigins().allowedHosts()).containsExactlyInAnyOrder("worker.example.com", "10.0.0.5");
        assertThat(config.restAllowedOrigins().allowedOrigins()).containsExactly("https://console.example.com");
        assertThat(WorkerConfig.fromMap(Map.of()).restAllowedOrigins()).isEqualTo(RequestOrigins.DEFAULT);
    }

    @Test
    void anHttpsListenerNeedsAKeystoreAndTheRestKeysAreRead() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("listeners", "https://0.0.0.0:8443")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rest.ssl.keystore.location: is required when listeners is https://");

        WorkerConfig config = WorkerConfig.fromMap(Map.of("listeners", "https://0.0.0.0:8443",
                "rest.ssl.keystore.location", "/etc/worker.p12", "rest.ssl.keystore.password", "STOREPW",
                "rest.auth.basic.file", "/etc/users.properties"));

        assertThat(config.restKeystore()).hasValueSatisfying(keystore -> {
            assertThat(keystore.location()).isEqualTo(Path.of("/etc/worker.p12"));
            assertThat(keystore.type()).isEqualTo("PKCS12");
            assertThat(keystore.password().value()).isEqualTo("STOREPW");
            assertThat(keystore.keyPassword().value()).as("defaults to the store's").isEqualTo("STOREPW");
        });
        assertThat(config.restBasicAuthFile()).hasValue(Path.of("/etc/users.properties"));
        assertThat(config.toString()).doesNotContain("STOREPW");
        assertThat(WorkerConfig.fromMap(Map.of()).restKeystore()).isEmpty();
        assertThat(WorkerConfig.fromMap(Map.of()).restBasicAuthFile()).isEmpty();
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
