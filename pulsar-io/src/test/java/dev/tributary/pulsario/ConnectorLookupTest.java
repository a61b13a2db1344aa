package dev.tributary.pulsario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConnectorLookupTest {
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void findsBundledConnectorsByAliasOrClassName() {
        assertThat(ConnectorLookup.newConnector("k", "kinesis", loader).getClass().getName())
                .isEqualTo("dev.tributary.kinesis.KinesisSourceConnector");
        assertThat(ConnectorLookup.newConnector("k", "dev.tributary.runtime.datagen.DatagenSourceConnector", loader)
                .getClass().getSimpleName()).isEqualTo("DatagenSourceConnector");
    }

    @Test
    void anUnknownOrMissingConnectorNamesTheKeyAndWhatIsThere() {
        assertThatThrownBy(() -> ConnectorLookup.newConnector("configs.connector.class", "kafka", loader))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configs.connector.class: 'kafka' is not in this archive")
                .hasMessageContaining("datagen").hasMessageContaining("kinesis");
        assertThatThrownBy(() -> ConnectorLookup.newConnector("configs.connector.class", null, loader))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("configs.connector.class: is required");
    }
}
