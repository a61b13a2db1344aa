package dev.tributary.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    static final class KinesisSourceConnector {
    }

    static final class FooConnector {
    }

    static final class BarSource {
    }

    @Test
    void aliasDropsTheSuffixAndLowerCases() {
        assertThat(PluginRegistry.aliasOf(KinesisSourceConnector.class)).isEqualTo("kinesis");
        assertThat(PluginRegistry.aliasOf(FooConnector.class)).isEqualTo("foo");
        assertThat(PluginRegistry.aliasOf(BarSource.class)).isEqualTo("bar");
    }

    @Test
    void findsTheBuiltInDatagenConnectorByAliasAndClass() {
        PluginRegistry registry = PluginRegistry.discover(List.of());

        assertThat(registry.findConnector("datagen")).isPresent();
        assertThat(registry.findConnector("DATAGEN")).isPresent();
        assertThat(registry.findConnector(registry.findConnector("datagen").orElseThrow().className())).isPresent();
    }

    @Test
    void anUnknownConnectorNamesTheKeyAndTheInstalledOnes() {
        PluginRegistry registry = PluginRegistry.discover(List.of());

        assertThatThrownBy(() -> registry.newConnector("kinesys"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("connector.class: 'kinesys' is not installed; installed: ")
                .hasMessageContaining("datagen");
    }

    @Test
    void aMissingPluginDirectoryIsAConfigError(@TempDir Path dir) {
        assertThatThrownBy(() -> PluginRegistry.discover(List.of(dir.resolve("missing"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugin.path: ")
                .hasMessageContaining("is not a directory");
    }
}
