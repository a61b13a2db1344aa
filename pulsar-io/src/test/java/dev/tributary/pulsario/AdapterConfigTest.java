package dev.tributary.pulsario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdapterConfigTest {
    private static final InstanceIdentity ID = new InstanceIdentity("acme", "ingest", "orders", 0, 2);

    @Test
    void splitsItsOwnKeysFromTheConnectorsAndDefaultsTheOffsetTopicToTheSourcesNamespace() {
        AdapterConfig config = AdapterConfig.of(Map.of("awsRegion", "us-east-1", "receiveQueueSize", "2000"),
                "kinesis", ID);

        assertThat(config.connectorKeys()).isEqualTo(Map.of("awsRegion", "us-east-1", "receiveQueueSize", "2000"));
        assertThat(config.connectorClass()).isEqualTo("kinesis");
        assertThat(config.offsetTopic()).isEqualTo("persistent://acme/ingest/__tributary_offsets");
        assertThat(config.flushInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theGenericSourceTakesItsConnectorAndSettingsFromConfigs() {
        AdapterConfig config = AdapterConfig.of(Map.of("connector.class", "datagen", "offset.topic",
                "persistent://t/n/offsets", "offset.flush.interval.ms", "250", "rate", "10"), null, ID);

        assertThat(config.connectorClass()).isEqualTo("datagen");
        assertThat(config.offsetTopic()).isEqualTo("persistent://t/n/offsets");
        assertThat(config.flushInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.connectorKeys()).isEqualTo(Map.of("rate", "10"));
    }

    @Test
    void runtimeKeysInsideConfigsAndBadSettingsAreReportedTogether() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("tasks.max", "3");
        text.put("topic", "x");
        text.put("errors.record.too.large", "skip");
        text.put("offset.topic", "offsets");
        text.put("offset.flush.interval.ms", "soon");
        text.put("connector.class", "datagen");

        assertThatThrownBy(() -> AdapterConfig.of(text, "kinesis", ID))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(6))
                .hasMessageContaining("configs.tasks.max: is set by Pulsar IO; use the source's parallelism")
                .hasMessageContaining("configs.topic: is set by Pulsar IO; use the source's topicName")
                .hasMessageContaining("configs.errors.record.too.large: is not used under Pulsar IO")
                .hasMessageContaining("configs.offset.topic")
                .hasMessageContaining("configs.offset.flush.interval.ms")
                .hasMessageContaining("configs.connector.class: this source always runs kinesis");
    }
}
