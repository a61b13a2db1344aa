package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MemoryOffsetStoreTest extends OffsetStoreConformance {
    @Override
    protected OffsetStore openFresh() {
        return new MemoryOffsetStore();
    }

    /** A restart of the memory store starts empty, as a worker restart would. */
    @Override
    protected OffsetStore reopen() {
        return new MemoryOffsetStore();
    }

    @Override
    protected boolean persistent() {
        return false;
    }

    @Override
    protected void failDuringNextChange(OffsetStore store) {
        Assumptions.abort("the memory store does no I/O, so a change can fail only while its batch is read,"
                + " which aBatchThatFailsWhileBeingReadChangesNothing covers");
    }

    @Override
    protected void damageStoredData(Damage damage) {
        Assumptions.abort("the memory store keeps nothing outside the JVM, so there is nothing to damage");
    }

    @Test
    void theProviderOpensAnEmptyStoreAndTakesNoKeys() {
        MemoryOffsetStoreProvider provider = new MemoryOffsetStoreProvider();

        try (OffsetStore opened = provider.open(Map.of(), Path.of("unused"))) {
            assertThat(provider.name()).isEqualTo("memory");
            assertThat(provider.configSchema().fields()).isEmpty();
            assertThat(opened.connectors()).isEmpty();
        }
        assertThatThrownBy(() -> provider.open(Map.of("file", "x.json"), Path.of("unused")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("file");
    }
}
