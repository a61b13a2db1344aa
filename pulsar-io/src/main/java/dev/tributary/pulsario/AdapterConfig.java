package dev.tributary.pulsario;

import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Validators;
import dev.tributary.runtime.config.ConnectorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The archive's own keys in a Pulsar IO {@code configs} object, split from the connector's keys.
 * Pulsar IO sets the runtime's other keys itself: {@code name}, {@code topicName} and
 * {@code parallelism} are the source's, so those keys inside {@code configs} are an error.
 *
 * @param connectorKeys the connector's own keys, as text
 * @param connectorClass the connector to run, for the generic source; null when not given
 * @param offsetTopic the compacted topic of the {@code pulsar} offset store
 * @param flushInterval how often offsets are committed when the connector does not say
 */
record AdapterConfig(Map<String, String> connectorKeys, String connectorClass, String offsetTopic,
        Duration flushInterval) {
    static final String CONNECTOR_CLASS = ConnectorConfig.CONNECTOR_CLASS;
    static final String OFFSET_TOPIC = "offset.topic";
    static final String OFFSET_FLUSH_INTERVAL = "offset.flush.interval.ms";
    /** The name of the offset topic in the source's own namespace, when offset.topic is not set. */
    static final String DEFAULT_OFFSET_TOPIC_NAME = "__tributary_offsets";

    private static final String GROUP = "Pulsar IO";
    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(CONNECTOR_CLASS, ConfigType.STRING).defaultValue("")
                    .group(GROUP)
                    .doc("The Tributary connector that the generic source dev.tributary.pulsario.TributarySource runs,"
                            + " by alias or class name, such as datagen. The Kinesis source runs kinesis and needs"
                            + " none.")
                    .build())
            .field(ConfigField.builder(OFFSET_TOPIC, ConfigType.STRING).defaultValue("")
                    .validator(Validators.custom("empty, or persistent://tenant/namespace/topic",
                            v -> v.toString().isBlank() || v.toString().matches("persistent://[^/\\s]+/[^/\\s]+/[^/\\s]+"),
                            "must be a topic name of the form persistent://tenant/namespace/topic"))
                    .group(GROUP)
                    .doc("The compacted topic that keeps the source's offsets on the function's own cluster. Empty"
                            + " means persistent://<tenant>/<namespace>/" + DEFAULT_OFFSET_TOPIC_NAME
                            + " in the source's namespace.")
                    .build())
            .field(ConfigField.builder(OFFSET_FLUSH_INTERVAL, ConfigType.LONG).defaultValue("5000")
                    .validator(Validators.atLeast(100))
                    .group(GROUP)
                    .doc("How often, in milliseconds, acknowledged offsets are committed, for connectors that do"
                            + " not set their own interval (the Kinesis source uses checkpointInterval).")
                    .build())
            .build();

    AdapterConfig {
        connectorKeys = Map.copyOf(connectorKeys);
    }

    /**
     * Splits and checks the configs.
     *
     * @param text the {@code configs} object as text
     * @param fixedConnector the connector a dedicated source runs, or null for the generic source
     * @param identity where the source lives, for the default offset topic
     * @throws ConfigException naming every bad key of the archive's own; the connector's keys are
     *     checked by the connector
     */
    static AdapterConfig of(Map<String, String> text, String fixedConnector, InstanceIdentity identity) {
        Map<String, String> own = new LinkedHashMap<>();
        Map<String, String> connector = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        text.forEach((key, value) -> {
            if (SCHEMA.field(key).isPresent()) {
                own.put(key, value);
            } else if (key.equals(ConnectorConfig.NAME) || key.equals(ConnectorConfig.TOPIC)
                    || key.equals(ConnectorConfig.TASKS_MAX)) {
                problems.add("configs." + key + ": is set by Pulsar IO; use the source's "
                        + pulsarName(key) + " instead and remove it from configs");
            } else if (ConnectorConfig.RUNTIME_KEYS.contains(key)) {
                problems.add("configs." + key + ": is not used under Pulsar IO, where a record Pulsar refuses fails the"
                        + " instance and Pulsar restarts it; remove it from configs");
            } else {
                connector.put(key, value);
            }
        });
        if (fixedConnector != null && own.containsKey(CONNECTOR_CLASS) && !own.get(CONNECTOR_CLASS).isBlank()
                && !own.get(CONNECTOR_CLASS).trim().equalsIgnoreCase(fixedConnector)) {
            problems.add("configs." + CONNECTOR_CLASS + ": this source always runs " + fixedConnector
                    + "; remove the key, or use dev.tributary.pulsario.TributarySource as className");
        }
        problems.addAll(SCHEMA.validate(own).errorLines().stream().map(line -> "configs." + line).toList());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Config parsed = SCHEMA.parse(own);
        String connectorClass = fixedConnector != null ? fixedConnector : parsed.getString(CONNECTOR_CLASS);
        String topic = parsed.getString(OFFSET_TOPIC).isBlank()
                ? "persistent://" + identity.tenant() + "/" + identity.namespace() + "/" + DEFAULT_OFFSET_TOPIC_NAME
                : parsed.getString(OFFSET_TOPIC);
        return new AdapterConfig(connector, connectorClass.isBlank() ? null : connectorClass.trim(), topic,
                Duration.ofMillis(parsed.getLong(OFFSET_FLUSH_INTERVAL)));
    }

    private static String pulsarName(String key) {
        return switch (key) {
            case ConnectorConfig.NAME -> "name";
            case ConnectorConfig.TOPIC -> "topicName (--destination-topic-name)";
            default -> "parallelism";
        };
    }
}
