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

    /**
     * The validation's lines for this file, with how to give a missing {@code connector.class} or
     * {@code topic}: in the file, under the name its layout uses (a Pulsar IO config's
     * {@code className} and {@code topicName}), or on the command line with {@code --set}.
     *
     * @param errorLines what validating {@link #config()} returned, one line per problem
     * @param installedConnectors aliases of the installed connectors, offered as values of connector.class
     */
    public List<String> explain(List<String> errorLines, List<String> installedConnectors) {
        requireNonNull(errorLines, "errorLines is null");
        requireNonNull(installedConnectors, "installedConnectors is null");
        return errorLines.stream().map(line -> {
            if (line.startsWith(ConnectorConfig.CONNECTOR_CLASS + ": is required")) {
                return line + "; " + connectorClassHint(installedConnectors);
            }
            if (line.startsWith(ConnectorConfig.TOPIC + ": is required")) {
                return line + "; " + topicHint();
            }
            return line;
        }).toList();
    }

    private String connectorClassHint(List<String> installed) {
        if (format == Format.PULSAR_IO) {
            String alias = ConnectorConfigFiles.pulsarIoAliases().stream().filter(installed::contains).findFirst()
                    .orElse("<connector>");
            return "a Pulsar IO config names it in className, which this file lacks: add className, or run with"
                    + " --set connector.class=" + alias + " (or the connector's class name)";
        }
        String example = installed.size() == 1 ? installed.get(0) : "<connector>";
        return "add connector.class to the file, or run with --set connector.class=" + example
                + " (an alias or a class name" + (installed.isEmpty() ? "" : "; installed: "
                + String.join(", ", installed.stream().sorted().toList())) + ")";
    }

    private String topicHint() {
        String set = "--set topic=persistent://public/default/my-topic";
        return format == Format.PULSAR_IO
                ? "a Pulsar IO config names it in topicName, which this file lacks: add topicName, or run with " + set
                : "add topic to the file, or run with " + set;
    }

    /** Shows the keys without their values, which may be secrets. */
    @Override
    public String toString() {
        return "ConnectorConfigFile[source=" + source + ", format=" + format + ", keys=" + config.keySet()
                + ", notices=" + notices + "]";
    }
}
