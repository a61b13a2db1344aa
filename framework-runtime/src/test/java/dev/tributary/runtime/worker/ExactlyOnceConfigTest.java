package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.ExactlyOnceSupport;
import dev.tributary.runtime.config.WorkerExactlyOnce;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The KIP-618 keys: their defaults, and the clear refusals that name the keys and the fix. */
class ExactlyOnceConfigTest {
    private static final PluginRegistry PLUGINS = PluginRegistry.discover(List.of());

    @Test
    void theWorkerDefaultsToAtLeastOnce() {
        WorkerConfig config = WorkerConfig.fromMap(Map.of());

        assertThat(config.exactlyOnce()).isEqualTo(new WorkerExactlyOnce(false, "file"));
        assertThat(config.exactlyOnceTransactionTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void anEnabledWorkerWithThePulsarStoreIsAccepted() {
        WorkerConfig config = WorkerConfig.fromMap(Map.of("exactly.once.source.support", "enabled",
                "offset.store", "pulsar", "exactly.once.transaction.timeout.ms", "30000"));

        assertThat(config.exactlyOnce()).isEqualTo(new WorkerExactlyOnce(true, "pulsar"));
        assertThat(config.exactlyOnceTransactionTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anEnabledWorkerOnAnotherStoreIsToldToUsePulsar() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("exactly.once.source.support", "enabled",
                "offset.store", "file")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "exactly.once.source.support: is enabled, but offset.store is 'file', which cannot commit"
                                + " offsets inside a Pulsar transaction; set offset.store=pulsar, or set"
                                + " exactly.once.source.support=disabled"));
    }

    @Test
    void aTransactionTimeoutNotLongerThanTheCommitIntervalIsRefused() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("exactly.once.source.support", "enabled",
                "offset.store", "pulsar", "offset.flush.interval.ms", "20000",
                "exactly.once.transaction.timeout.ms", "20000")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("exactly.once.transaction.timeout.ms: is 20000 ms, not more than"
                                + " offset.flush.interval.ms (20000 ms)")
                        .endsWith("make it longer than offset.flush.interval.ms, such as 60000"));
    }

    @Test
    void anUnknownWorkerValueNamesTheAllowedOnes() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("exactly.once.source.support", "yes")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("exactly.once.source.support:").contains("disabled").contains("enabled"));
    }

    @Test
    void theConnectorKeyDefaultsToRequestedAndRoundTrips() {
        ConnectorConfig plain = ConnectorConfig.fromFlat(connector(null));
        ConnectorConfig required = ConnectorConfig.fromFlat(connector("required"));

        assertThat(plain.exactlyOnce()).isEqualTo(ExactlyOnceSupport.REQUESTED);
        assertThat(plain.toFlat()).doesNotContainKey("exactly.once.support");
        assertThat(required.exactlyOnce()).isEqualTo(ExactlyOnceSupport.REQUIRED);
        assertThat(ConnectorConfig.fromFlat(required.toFlat())).isEqualTo(required);
        assertThat(required.connectorProps()).doesNotContainKey("exactly.once.support");
    }

    @Test
    void requiredOnAWorkerWithoutSupportNamesBothKeys() {
        ConnectorValidator validator = new ConnectorValidator(PLUGINS, new WorkerExactlyOnce(false, "file"));

        assertThat(validator.validate(connector("required")).errorLines()).containsExactly(
                "exactly.once.support: is required, but this worker has exactly.once.source.support=disabled; set"
                        + " exactly.once.source.support=enabled (with offset.store=pulsar) in the worker config, or set"
                        + " exactly.once.support=requested to accept at-least-once delivery");
    }

    @Test
    void requiredOnAStoreOtherThanPulsarNamesTheStore() {
        ConnectorValidator validator = new ConnectorValidator(PLUGINS, new WorkerExactlyOnce(true, "jdbc"));

        assertThat(validator.validate(connector("required")).errorLines()).containsExactly(
                "exactly.once.support: is required, but this worker's offset.store is 'jdbc', which cannot commit"
                        + " offsets inside a Pulsar transaction; set offset.store=pulsar in the worker config, or set"
                        + " exactly.once.support=requested to accept at-least-once delivery");
    }

    @Test
    void requiredOnAWorkerWithSupportAndRequestedAnywhereAreAccepted() {
        assertThat(new ConnectorValidator(PLUGINS, new WorkerExactlyOnce(true, "pulsar"))
                .validate(connector("required")).errorLines()).isEmpty();
        assertThat(new ConnectorValidator(PLUGINS, new WorkerExactlyOnce(false, "file"))
                .validate(connector("requested")).errorLines()).isEmpty();
    }

    @Test
    void anUnknownConnectorValueNamesTheAllowedOnes() {
        assertThat(new ConnectorValidator(PLUGINS, new WorkerExactlyOnce(true, "pulsar"))
                .validate(connector("always")).errorLines()).singleElement().asString()
                .startsWith("exactly.once.support:").contains("requested").contains("required");
    }

    @Test
    void skipAndDeadLetterForRecordsTooLargeAreRefusedOnAnExactlyOnceWorker() {
        ConnectorValidator exactlyOnce = new ConnectorValidator(PLUGINS, new WorkerExactlyOnce(true, "pulsar"));
        Map<String, String> skip = connector(null);
        skip.put("errors.record.too.large", "skip");
        Map<String, String> deadLetter = connector(null);
        deadLetter.put("errors.record.too.large", "dead-letter");
        deadLetter.put("errors.dead.letter.topic", "orders-too-large");

        assertThat(exactlyOnce.validate(skip).errorLines()).singleElement().asString()
                .startsWith("errors.record.too.large: is 'skip', which this worker cannot do with"
                        + " exactly.once.source.support=enabled")
                .contains("errors.record.too.large=fail");
        assertThat(exactlyOnce.validate(deadLetter).errorLines()).singleElement().asString()
                .startsWith("errors.record.too.large: is 'dead-letter'");
        Map<String, String> fail = connector(null);
        fail.put("errors.record.too.large", "fail");
        assertThat(exactlyOnce.validate(fail).errorLines()).isEmpty();
        assertThat(new ConnectorValidator(PLUGINS, new WorkerExactlyOnce(false, "file")).validate(skip).errorLines())
                .as("at least once takes every policy").isEmpty();
    }

    private static Map<String, String> connector(String exactlyOnce) {
        Map<String, String> flat = new HashMap<>(Map.of("name", "orders", "connector.class", "datagen",
                "topic", "orders"));
        if (exactlyOnce != null) {
            flat.put("exactly.once.support", exactlyOnce);
        }
        return flat;
    }
}
