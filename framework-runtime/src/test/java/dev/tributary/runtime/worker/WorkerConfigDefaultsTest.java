package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker config may leave out: the installation's plugins and the offset store's Pulsar. */
class WorkerConfigDefaultsTest {
    private static final PluginRegistry CLASSPATH_PLUGINS = PluginRegistry.discover(List.of());

    @TempDir
    Path home;

    @Test
    void withoutPluginPathAnInstallationUsesItsPluginsDirectory() throws Exception {
        Files.createDirectories(home.resolve("plugins"));

        WorkerConfig config = WorkerConfig.fromMap(Map.of(), Optional.of(home));

        assertThat(config.pluginPath()).containsExactly(home.resolve("plugins"));
    }

    @Test
    void aPluginPathThatIsSetWinsOverTheInstallationsDirectory() throws Exception {
        Files.createDirectories(home.resolve("plugins"));

        WorkerConfig config = WorkerConfig.fromMap(Map.of("plugin.path", "/opt/my-plugins"), Optional.of(home));

        assertThat(config.pluginPath()).containsExactly(Path.of("/opt/my-plugins"));
    }

    @Test
    void withoutPluginPathOrInstallationThereAreNoPluginDirectories() {
        assertThat(WorkerConfig.fromMap(Map.of(), Optional.empty()).pluginPath()).isEmpty();
        assertThat(WorkerConfig.fromMap(Map.of(), Optional.of(home)).pluginPath())
                .as("an installation without plugins/").isEmpty();
    }

    @Test
    void thePulsarStoreUsesTheWorkersPulsarAndCredentialsWhenItNamesNone() {
        WorkerConfig worker = WorkerConfig.fromMap(Map.of("offset.store", "pulsar",
                "pulsar.service.url", "pulsar://broker:6650",
                "pulsar.auth.plugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken",
                "pulsar.auth.params", "token:WORKER-SECRET"), Optional.empty());

        ChosenOffsetStore store = ChosenOffsetStore.of(worker, CLASSPATH_PLUGINS);

        assertThat(store.config()).containsEntry("service.url", "pulsar://broker:6650")
                .containsEntry("auth.plugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken")
                .containsEntry("auth.params", "token:WORKER-SECRET");
    }

    @Test
    void aStoreThatNamesItsOwnPulsarGetsNeitherTheWorkersUrlNorItsCredentials() {
        WorkerConfig worker = WorkerConfig.fromMap(Map.of("offset.store", "pulsar",
                "offset.pulsar.service.url", "pulsar://offsets:6650",
                "pulsar.service.url", "pulsar://broker:6650",
                "pulsar.auth.plugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken",
                "pulsar.auth.params", "token:WORKER-SECRET"), Optional.empty());

        assertThat(ChosenOffsetStore.of(worker, CLASSPATH_PLUGINS).config())
                .containsEntry("service.url", "pulsar://offsets:6650")
                .doesNotContainKeys("auth.plugin", "auth.params");
    }

    @Test
    void theStoresOwnAuthenticationWinsOverTheWorkers() {
        WorkerConfig worker = WorkerConfig.fromMap(Map.of("offset.store", "pulsar",
                "offset.pulsar.auth.plugin", "org.example.StoreAuth",
                "pulsar.auth.plugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken",
                "pulsar.auth.params", "token:WORKER-SECRET"), Optional.empty());

        assertThat(ChosenOffsetStore.of(worker, CLASSPATH_PLUGINS).config())
                .containsEntry("service.url", "pulsar://127.0.0.1:6650")
                .containsEntry("auth.plugin", "org.example.StoreAuth")
                .doesNotContainKey("auth.params");
    }

    @Test
    void storesWithoutAServiceUrlGetNothingOfTheWorkers() {
        WorkerConfig worker = WorkerConfig.fromMap(Map.of("offset.store", "file",
                "pulsar.auth.plugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken"), Optional.empty());

        assertThat(ChosenOffsetStore.of(worker, CLASSPATH_PLUGINS).config()).isEmpty();
    }

    @Test
    void aBadStoreKeyIsNamedAsTheOperatorWritesIt() {
        WorkerConfig worker = WorkerConfig.fromMap(Map.of("offset.store", "pulsar",
                "offset.pulsar.service.url", "http://broker:8080"), Optional.empty());

        assertThatThrownBy(() -> ChosenOffsetStore.of(worker, CLASSPATH_PLUGINS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("offset.pulsar.service.url: ")
                .hasMessageContaining("pulsar://");
    }
}
