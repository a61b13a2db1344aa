package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store's own keys; that a worker fills service.url in is WorkerConfigDefaultsTest's part. */
class PulsarOffsetStoreProviderTest {
    private final PulsarOffsetStoreProvider provider = new PulsarOffsetStoreProvider();

    @Test
    void serviceUrlMayBeLeftToTheWorkerButMustBeAPulsarUrlWhenGiven() {
        assertThat(provider.configSchema().validate(Map.of()).errorLines()).isEmpty();
        assertThat(provider.configSchema().validate(Map.of("service.url", "http://broker:8080")).errorLines())
                .singleElement().satisfies(line -> assertThat(line).startsWith("service.url: ").contains("pulsar://"));
    }

    @Test
    void openingWithoutAServiceUrlSaysWhatToSetWithoutConnecting() {
        assertThatThrownBy(() -> provider.open(Map.of(), Path.of("unused")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("service.url: is required; set it to the Pulsar cluster that keeps the offsets");
    }
}
