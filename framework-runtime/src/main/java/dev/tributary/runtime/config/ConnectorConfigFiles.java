package dev.tributary.runtime.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.runtime.config.ConnectorConfigFile.Format;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads connector config files into one flat map of text values: the runtime's keys
 * ({@code name}, {@code connector.class}, {@code tasks.max}, {@code topic}) and the connector's own.
 *
 * <p>The extension picks the syntax: {@code .properties} (UTF-8), {@code .json}, or {@code .yaml}
 * and {@code .yml}. In JSON and YAML the shape of the top-level object picks the layout:
 * <ul>
 *   <li>with {@code configs} or {@code className}: a Pulsar IO source config. {@code name},
 *       {@code topicName} (becomes {@code topic}), {@code parallelism} ({@code tasks.max}),
 *       {@code className} ({@code connector.class}; Pulsar IO's Kinesis source becomes
 *       {@code kinesis}) and {@code configs} (the connector's keys). {@code tenant} and
 *       {@code namespace} place a short {@code topicName}; Pulsar Functions settings such as
 *       {@code processingGuarantees} are ignored, each with a notice.</li>
 *   <li>with {@code config}: a Kafka Connect config, {@code {"name": ..., "config": {...}}}.</li>
 *   <li>otherwise: a flat object whose keys are the config's keys.</li>
 * </ul>
 *
 * <p>Values become text: numbers and booleans as written ({@code 30000}, {@code true}), lists
 * joined with commas, nested objects as compact JSON; null counts as absent.
 *
 * <p>Errors are {@link ConfigException}s with one line per problem, each naming the file. They
 * never show the value of a connector key, since it may be a secret.
 *
 * <p>Thread-safe.
 */
public final class ConnectorConfigFiles {
    private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();
    private static final ObjectMapper YAML = configure(YAMLMapper.builder()).build();

    /** Pulsar IO source classes that Tributary runs with a connector of its own. */
    private static final Map<String, String> PULSAR_IO_CLASSES =
            Map.of("org.apache.pulsar.io.kinesis.KinesisSource", "kinesis");

    private static final String NAME = ConnectorConfig.NAME;
    private static final String KAFKA_CONFIG = "config";
    private static final String PULSAR_CONFIGS = "configs";
    private static final String PULSAR_CLASS = "className";
    private static final String PULSAR_TOPIC = "topicName";
    private static final String PULSAR_PARALLELISM = "parallelism";
    private static final String PULSAR_TENANT = "tenant";
    private static final String PULSAR_NAMESPACE = "namespace";

    private static final Set<String> KAFKA_KEYS = Set.of(NAME, KAFKA_CONFIG);
    /** Keys of Kafka Connect's REST answers that mean nothing here, and why. */
    private static final Map<String, String> KAFKA_IGNORED = Map.of(
            "tasks", "lists the tasks of a Kafka Connect worker; Tributary assigns its own",
            "type", "says whether a Kafka Connect connector is a source or a sink; this one is a source");

    private static final Set<String> PULSAR_KEYS = Set.of(NAME, PULSAR_TOPIC, PULSAR_PARALLELISM, PULSAR_CLASS,
            PULSAR_CONFIGS, PULSAR_TENANT, PULSAR_NAMESPACE);
    /** Pulsar Functions settings that mean nothing to Tributary, and why. */
    private static final Map<String, String> PULSAR_IGNORED = pulsarIgnored();
    /** What the Pulsar IO layout calls the runtime's keys, for hints when one is written the other way. */
    private static final Map<String, String> PULSAR_NAMES = Map.of(
            ConnectorConfig.NAME, NAME,
            ConnectorConfig.TOPIC, PULSAR_TOPIC,
            ConnectorConfig.TASKS_MAX, PULSAR_PARALLELISM,
            ConnectorConfig.CONNECTOR_CLASS, PULSAR_CLASS);

    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate field '(.*)'");
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
    private static final Pattern YAML_MARK = Pattern.compile("\\s*in '[^']*', line (\\d+), column (\\d+):?\\s*");

    private ConnectorConfigFiles() {
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Exact decimals keep "1.50" as written rather than a double's "1.5".
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    }

    private static Map<String, String> pulsarIgnored() {
        String runtime = "Tributary runs connectors in its own worker, not in a Pulsar Functions runtime";
        String producer = "Tributary's worker owns the Pulsar producer settings";
        String serde = "Tributary writes each record's value to Pulsar as bytes, unchanged";
        Map<String, String> ignored = new LinkedHashMap<>();
        ignored.put("archive", "Tributary loads connectors from its plugin directory, not from an archive");
        ignored.put("processingGuarantees",
                "Tributary always delivers at least once: records may repeat after a restart, none are lost");
        ignored.put("resources", "size the Tributary worker instead");
        ignored.put("runtimeFlags", runtime);
        ignored.put("customRuntimeOptions", runtime);
        ignored.put("secrets", "Tributary does not read Pulsar Functions secrets; put the values under configs,"
                + " where the connector masks its secret keys");
        ignored.put("batchSourceConfig", "Tributary has no batch sources");
        ignored.put("batchBuilder", producer);
        ignored.put("logTopic", "Tributary logs to its own log files");
        ignored.put("producerConfig", producer);
        ignored.put("serdeClassName", serde);
        ignored.put("schemaType", serde);
        return Map.copyOf(ignored);
    }

    /**
     * Reads a connector config file.
     *
     * @param file a {@code .properties}, {@code .json}, {@code .yaml} or {@code .yml} file
     * @param defaults values for keys that the file leaves out or blank, such as {@code connector.class}
     *     and {@code topic} for a file that holds only the connector's keys; {@code name} defaults to
     *     the file's name without its extension
     * @return the flat config, its layout, and notices for the user
     * @throws ConfigException when the file cannot be read or is not a config, with one line per problem
     */
    public static ConnectorConfigFile read(Path file, Map<String, String> defaults) {
        requireNonNull(file, "file is null");
        requireNonNull(defaults, "defaults is null");
        String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory, not a config file");
        }
        if (!List.of("properties", "json", "yaml", "yml").contains(extension)) {
            throw new ConfigException(file + ": is not a config file this can read; name it .properties,"
                    + " .json, .yaml or .yml after its format");
        }
        FileReading reading = new FileReading(file);
        byte[] bytes = reading.bytes();
        Format format;
        if (extension.equals("properties")) {
            format = Format.PROPERTIES;
            reading.readProperties(bytes);
        } else {
            boolean json = extension.equals("json");
            format = reading.readTree(json ? JSON : YAML, json ? "JSON" : "YAML", bytes);
        }
        if (!reading.problems.isEmpty()) {
            throw new ConfigException(reading.problems);
        }
        Map<String, String> config = reading.config;
        defaults.forEach((key, value) -> {
            if (key != null && value != null && isBlank(config.get(key))) {
                config.put(key, value);
            }
        });
        if (isBlank(config.get(NAME))) {
            config.put(NAME, dot < 0 ? fileName : fileName.substring(0, dot));
        }
        return new ConnectorConfigFile(file, format, config, reading.notices);
    }

    /** The aliases of Tributary's connectors for the Pulsar IO sources it runs, such as {@code kinesis}. */
    static List<String> pulsarIoAliases() {
        return PULSAR_IO_CLASSES.values().stream().sorted().toList();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** The state of reading one file: what was found, what is wrong, and what to tell the user. */
    private static final class FileReading {
        private final Path file;
        private final LinkedHashMap<String, String> config = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final List<String> notices = new ArrayList<>();

        FileReading(Path file) {
            this.file = file;
        }

        private void problem(String problem) {
            problems.add(file + ": " + problem);
        }

        private void notice(String notice) {
            notices.add(notice);
        }

        byte[] bytes() {
            try {
                return Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new ConfigException(file + ": no such file");
            } catch (AccessDeniedException e) {
                throw new ConfigException(file + ": cannot be read: permission denied");
            } catch (IOException e) {
                throw new ConfigException(file + ": cannot be read: "
                        + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
            }
        }

        void readProperties(byte[] bytes) {
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                problem("is not UTF-8 text; save it as UTF-8");
                return;
            }
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            // Properties forgets the order of keys; recording each put keeps the file's order.
            Properties properties = new Properties() {
                @Override
                public synchronized Object put(Object key, Object value) {
                    config.put((String) key, (String) value);
                    return super.put(key, value);
                }
            };
            try {
                properties.load(new StringReader(text));
            } catch (IllegalArgumentException e) {
                problem("has a malformed \\uXXXX escape; write four hex digits after \\u");
            } catch (IOException e) {
                throw new IllegalStateException("reading from a string cannot fail", e);
            }
        }

        Format readTree(ObjectMapper mapper, String syntax, byte[] bytes) {
            JsonNode root;
            try {
                root = mapper.readTree(bytes);
            } catch (JsonProcessingException e) {
                problem(parseError(e, syntax));
                return Format.FLAT;
            } catch (IOException e) {
                problem("is not valid " + syntax + ": " + e.getClass().getSimpleName());
                return Format.FLAT;
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                problem("is empty; write the config as an object of keys");
                return Format.FLAT;
            }
            if (!root.isObject()) {
                problem("holds " + shape(root) + " at the top level; write the config as an object of keys");
                return Format.FLAT;
            }
            if (root.has(PULSAR_CONFIGS) || root.has(PULSAR_CLASS)) {
                readPulsarIo(root);
                return Format.PULSAR_IO;
            }
            if (root.has(KAFKA_CONFIG)) {
                readKafkaConnect(root);
                return Format.KAFKA_CONNECT;
            }
            root.properties().forEach(e -> putValue(e.getKey(), e.getValue()));
            return Format.FLAT;
        }

        private void readKafkaConnect(JsonNode root) {
            for (String key : keys(root)) {
                if (KAFKA_IGNORED.containsKey(key)) {
                    notice("'" + key + "' is ignored: it " + KAFKA_IGNORED.get(key));
                } else if (!KAFKA_KEYS.contains(key)) {
                    problem("'" + key + "' is not a top-level key of a Kafka Connect config; " + ConfigSchema
                            .closestKey(key, union(KAFKA_KEYS, KAFKA_IGNORED.keySet()))
                            .map(k -> "did you mean " + k + "?")
                            .orElse("the top-level keys are name and config, and connector.class, tasks.max,"
                                    + " topic and the connector's keys go inside config"));
                }
            }
            String name = scalar(root, NAME);
            put(ConnectorConfig.NAME, name);
            JsonNode inner = objectOrNull(root, KAFKA_CONFIG);
            if (inner == null) {
                return;
            }
            String innerName = text(inner.get(NAME));
            if (name != null && innerName != null && !innerName.equals(name)) {
                problem("the top-level name '" + name + "' and config's name '" + innerName
                        + "' differ; keep one of them");
            }
            inner.properties().forEach(e -> putValue(e.getKey(), e.getValue()));
        }

        private void readPulsarIo(JsonNode root) {
            for (String key : keys(root)) {
                if (PULSAR_IGNORED.containsKey(key)) {
                    notice("'" + key + "' is a Pulsar Functions setting that Tributary ignores: "
                            + PULSAR_IGNORED.get(key));
                } else if (!PULSAR_KEYS.contains(key)) {
                    String hint = PULSAR_NAMES.containsKey(key) ? PULSAR_NAMES.get(key)
                            : ConfigSchema.closestKey(key, union(PULSAR_KEYS, PULSAR_IGNORED.keySet())).orElse(null);
                    problem("'" + key + "' is not a key of a Pulsar IO source config; " + (hint != null
                            ? "did you mean " + hint + "?"
                            : "the connector's keys go inside configs"));
                }
            }
            put(ConnectorConfig.NAME, scalar(root, NAME));
            String className = scalar(root, PULSAR_CLASS);
            put(ConnectorConfig.CONNECTOR_CLASS,
                    className == null ? null : PULSAR_IO_CLASSES.getOrDefault(className.trim(), className));
            put(ConnectorConfig.TASKS_MAX, scalar(root, PULSAR_PARALLELISM));
            put(ConnectorConfig.TOPIC, topic(root));
            JsonNode configs = objectOrNull(root, PULSAR_CONFIGS);
            if (configs == null) {
                return;
            }
            configs.properties().forEach(e -> {
                // Pulsar IO has its own top-level names for these; the runtime's other keys, which it
                // lacks (such as errors.record.too.large), go inside configs with the connector's.
                if (PULSAR_NAMES.containsKey(e.getKey())) {
                    problem("configs." + e.getKey() + " is a runtime key; set it at the top level as "
                            + PULSAR_NAMES.get(e.getKey()));
                } else {
                    putValue(e.getKey(), e.getValue());
                }
            });
        }

        /** Pulsar IO's topicName, placed in tenant and namespace when it is a short name. */
        private String topic(JsonNode root) {
            String topic = scalar(root, PULSAR_TOPIC);
            String tenant = scalar(root, PULSAR_TENANT);
            String namespace = scalar(root, PULSAR_NAMESPACE);
            if (isBlank(tenant) && isBlank(namespace)) {
                return topic;
            }
            if (isBlank(topic)) {
                notice("tenant and namespace are ignored: there is no topicName to place in them");
                return topic;
            }
            if (topic.contains("/")) {
                notice("tenant and namespace are ignored: topicName " + topic + " is already a full topic name");
                return topic;
            }
            // Pulsar's own defaults for a topic given without tenant or namespace.
            return "persistent://" + (isBlank(tenant) ? "public" : tenant.trim()) + "/"
                    + (isBlank(namespace) ? "default" : namespace.trim()) + "/" + topic.trim();
        }

        private void put(String key, String value) {
            if (value != null) {
                config.put(key, value);
            }
        }

        private void putValue(String key, JsonNode value) {
            put(key, text(value));
        }

        /** A runtime key's text; an object or a list there is an error, since it is never one. */
        private String scalar(JsonNode parent, String key) {
            JsonNode node = parent.get(key);
            if (node != null && node.isContainerNode()) {
                problem("'" + key + "' holds " + shape(node) + "; write it as text");
                return null;
            }
            return text(node);
        }

        private JsonNode objectOrNull(JsonNode parent, String key) {
            JsonNode node = parent.get(key);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                problem("'" + key + "' holds " + shape(node) + "; write it as an object of keys");
                return null;
            }
            return node;
        }
    }

    /**
     * A value as text: numbers and booleans as written, lists joined with commas, objects as
     * compact JSON, and null for a null or missing value.
     */
    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isBigDecimal()) {
            return node.decimalValue().toPlainString();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> {
                String text = item.isContainerNode() ? item.toString() : text(item);
                if (text != null) {
                    items.add(text);
                }
            });
            return String.join(",", items);
        }
        return node.isObject() ? node.toString() : node.asText();
    }

    private static String shape(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "text";
        }
        return node.isNumber() ? "a number" : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static List<String> keys(JsonNode node) {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * A parse error as one line: where, then what, in words. The position is the one SnakeYAML
     * marks as the problem when there is one, since Jackson's can be a line early, and Jackson's
     * otherwise. Leaves out the parser's excerpt of the file and any quoted token longer than a
     * character, either of which could be a secret value.
     */
    static String parseError(JsonProcessingException e, String syntax) {
        JsonLocation location = e.getLocation();
        int line = location == null ? -1 : location.getLineNr();
        int column = location == null ? -1 : location.getColumnNr();
        String message = Objects.requireNonNullElse(e.getOriginalMessage(), "");
        List<String> words = new ArrayList<>();
        String pendingMark = null;
        // SnakeYAML follows each statement with "in 'reader', line L, column C:" and an indented excerpt.
        for (String text : message.split("\\R")) {
            Matcher mark = YAML_MARK.matcher(text);
            if (mark.matches()) {
                line = Integer.parseInt(mark.group(1));
                column = Integer.parseInt(mark.group(2));
                pendingMark = "line " + line + ", column " + column;
            } else if (!text.isBlank() && !Character.isWhitespace(text.charAt(0))) {
                if (pendingMark != null && !words.isEmpty()) {
                    words.set(words.size() - 1, words.get(words.size() - 1) + " (at " + pendingMark + ")");
                }
                pendingMark = null;
                words.add(text.trim());
            }
        }
        String where = line < 1 ? "" : "line " + line + ", column " + column + ": ";
        return where + "is not valid " + syntax + ": " + describe(words);
    }

    /** The words of a parse error, with Jackson's jargon put plainly and long quoted tokens left out. */
    static String describe(List<String> lines) {
        String message = String.join(": ", lines);
        Matcher duplicate = DUPLICATE_KEY.matcher(message);
        if (duplicate.matches()) {
            return "the key '" + duplicate.group(1) + "' appears twice";
        }
        if (message.startsWith("Trailing token")) {
            return "more than one value at the top level; a config file holds one object of keys";
        }
        int marker = message.indexOf(" (start marker at");
        String words = marker < 0 ? message : message.substring(0, marker);
        Matcher quoted = QUOTED.matcher(words);
        StringBuilder redacted = new StringBuilder();
        while (quoted.find()) {
            String token = quoted.group(1);
            boolean safe = token.length() <= 1 || token.startsWith("\\") || Set.of("null", "true", "false")
                    .contains(token);
            quoted.appendReplacement(redacted, Matcher.quoteReplacement(safe ? quoted.group() : "'...'"));
        }
        quoted.appendTail(redacted);
        return redacted.length() == 0 ? "it cannot be parsed" : redacted.toString();
    }
}
