package dev.tributary.runtime.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connector config file as {@link ConnectorConfigFiles#read} found it.
 *
 * <p>{@link #toString()} shows the keys but not their values, which may be secrets.
 *
 * @param source the file that was read
 * @param format which layout the file has
 * @param config the flat config: the runtime's keys and the connector's, every value as text, with
 *     defaults filled in; copied, in file order
 * @param notices things the user should know, such as Pulsar IO settings that were ignored: one line
 *     each, safe to print; they do not name the file, so that the caller can say it once
 */
public record ConnectorConfigFile(Path source, Format format, Map<String, String> config, List<String> notices) {

    /** The layouts that {@link ConnectorConfigFiles#read} accepts. */
    public enum Format {
        /** A {@code .properties} file of runtime and connector keys. */
        PROPERTIES("Java properties"),
        /** Kafka Connect JSON: {@code {"name": ..., "config": {...}}}. */
        KAFKA_CONNECT("Kafka Connect config"),
        /** A Pulsar IO source config: {@code name}, {@code topicName}, {@code className}, {@code configs}. */
        PULSAR_IO("Pulsar IO source config"),
        /** A JSON or YAML object whose keys are the config's keys. */
        FLAT("flat map of keys");

        private final String description;

        Format(String description) {
            this.description = description;
        }

        /** What the format is called in messages, such as {@code "Pulsar IO source config"}. */
        public String description() {
            return description;
        }
    }

    public ConnectorConfigFile {
        requireNonNull(source, "source is null");
        requireNonNull(format, "format is null");
        requireNonNull(config, "config is null");
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        config.forEach((key, value) -> copy.put(requireNonNull(key, "config has a null key"),
                requireNonNull(value, () -> "config has a null value for " + key)));
        config = Collections.unmodifiableMap(copy);
        notices = List.copyOf(requireNonNull(notices, "notices is null"));
    }

    /** Reads a config file; the same as {@link ConnectorConfigFiles#read}. */
    public static ConnectorConfigFile read(Path file, Map<String, String> defaults) {
        return ConnectorConfigFiles.read(file, defaults);
    }

    /**
     * Reads the config with {@link ConnectorConfig#fromFlat}.
     *
     * @throws ConfigException with one line per bad runtime key, each naming the file
     */
    public ConnectorConfig toConnectorConfig() {
        try {
            return ConnectorConfig.fromFlat(config);
        } catch (ConfigException e) {
            throw new ConfigException(e.problems().stream().map(problem -> source + ": " + problem).toList());
        }
    }

    /** Shows the keys without their values, which may be secrets. */
    @Override
    public String toString() {
        return "ConnectorConfigFile[source=" + source + ", format=" + format + ", keys=" + config.keySet()
                + ", notices=" + notices + "]";
    }
}
