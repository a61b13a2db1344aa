package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.offset.OffsetStoreProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class OffsetStoreProviderDiscoveryTest {
    @Test
    void theServiceLoaderFindsEveryStoreByName() {
        assertThat(ServiceLoader.load(OffsetStoreProvider.class).stream().map(ServiceLoader.Provider::get))
                .extracting(OffsetStoreProvider::name)
                .containsExactlyInAnyOrder("memory", "file", "pulsar", "jdbc");
    }
}
