package dev.tributary.runtime.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigField.Reach;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.runtime.config.ConnectorConfigPolicy;
import dev.tributary.runtime.worker.TargetState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyCheckedHerderTest {
    private static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder("endpoint", ConfigType.STRING).reach(Reach.ENDPOINT).build())
            .field(ConfigField.builder("secret", ConfigType.PASSWORD).build())
            .field(ConfigField.builder("batch", ConfigType.INT).build())
            .build();

    private final FakeHerder worker = new FakeHerder();
    private final PolicyCheckedHerder herder = new PolicyCheckedHerder(worker, ConnectorConfigPolicy.DEFAULT,
            c -> c.equals("reaching") ? Optional.of(SCHEMA) : Optional.empty());

    private static Map<String, String> config(String endpoint) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", "c");
        config.put("connector.class", "reaching");
        config.put("endpoint", endpoint);
        config.put("secret", "s3cr3t");
        return config;
    }

    @Test
    void aForeignEndpointFromRestNeverReachesTheWorker() {
        assertThatThrownBy(() -> herder.putConnectorConfig("c", config("http://10.0.0.7"), false, TargetState.STARTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("endpoint: host '10.0.0.7' is not allowed");
        assertThat(worker.calls).isEmpty();

        herder.putConnectorConfig("c", config("https://kinesis.eu-west-1.amazonaws.com"), false, TargetState.STARTED);
        Map<String, String> patch = new HashMap<>();
        patch.put("endpoint", "http://10.0.0.7");
        assertThatThrownBy(() -> herder.patchConnectorConfig("c", patch)).isInstanceOf(ConfigException.class);
        assertThat(worker.calls).containsExactly("put c STARTED");
    }

    @Test
    void anOperatorsConnectorReadAndSentBackIsAccepted() {
        worker.configs.put("c", config("http://10.0.0.7"));
        Map<String, String> shown = new LinkedHashMap<>(worker.connectorInfo("c").config());
        shown.put("batch", "5");

        herder.putConnectorConfig("c", shown, true, TargetState.STARTED);
        Map<String, String> removal = new HashMap<>();
        removal.put("endpoint", null);
        herder.patchConnectorConfig("c", removal);

        assertThat(worker.calls).containsExactly("put c STARTED", "patch c {endpoint=null}");
    }

    @Test
    void aLockedKeyIsRefusedEvenForAConnectorThatIsNotInstalled() {
        Map<String, String> config = new LinkedHashMap<>(Map.of("name", "x", "connector.class", "gone",
                "trustAllCertificates", "true"));

        assertThatThrownBy(() -> herder.putConnectorConfig("x", config, false, TargetState.STARTED))
                .isInstanceOf(ConfigException.class).hasMessageContaining("trustAllCertificates: a REST caller may not");
        assertThat(worker.calls).isEqualTo(List.of());
    }
}
