package dev.tributary.runtime.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigRule;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Validators;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connector's config as the runtime sees it: the runtime's own keys ({@value #NAME},
 * {@value #CONNECTOR_CLASS}, {@value #TASKS_MAX}, {@value #TOPIC}, {@value #ERRORS_RECORD_TOO_LARGE},
 * {@value #ERRORS_DEAD_LETTER_TOPIC}, {@value #EXACTLY_ONCE_SUPPORT}), read and checked, and the connector's own keys, passed on to
 * the connector unchanged.
 *
 * <p>{@link #toString()} shows the connector's keys but not their values, which may be secrets.
 *
 * @param name the connector's name, unique in the worker and safe in file names and URLs
 * @param connectorClass the connector's alias, such as {@code kinesis}, or its class name
 * @param tasksMax the most tasks the connector may run, at least 1
 * @param topic the destination Pulsar topic: a short name or {@code persistent://tenant/namespace/topic}
 * @param recordTooLarge what the tasks do with a record larger than Pulsar's maximum message size
 * @param connectorProps the connector's own keys, without the runtime's; copied, in the order given
 * @param exactlyOnce whether the connector may run on a worker without exactly-once delivery
 */
public record ConnectorConfig(String name, String connectorClass, int tasksMax, String topic,
        RecordTooLargePolicy recordTooLarge, Map<String, String> connectorProps, ExactlyOnceSupport exactlyOnce) {

    /** The connector's name. */
    public static final String NAME = "name";
    /** The connector's alias or class name. */
    public static final String CONNECTOR_CLASS = "connector.class";
    /** The most tasks to run. */
    public static final String TASKS_MAX = "tasks.max";
    /** The destination Pulsar topic. */
    public static final String TOPIC = "topic";
    /** What to do with a record larger than Pulsar's maximum message size. */
    public static final String ERRORS_RECORD_TOO_LARGE = "errors.record.too.large";
    /** Where {@code errors.record.too.large=dead-letter} sends such records. */
    public static final String ERRORS_DEAD_LETTER_TOPIC = "errors.dead.letter.topic";
    /** Whether the connector must run exactly once (Kafka Connect's KIP-618 name). */
    public static final String EXACTLY_ONCE_SUPPORT = "exactly.once.support";

    /** The keys that belong to the runtime rather than to the connector. */
    public static final Set<String> RUNTIME_KEYS = Set.of(NAME, CONNECTOR_CLASS, TASKS_MAX, TOPIC,
            ERRORS_RECORD_TOO_LARGE, ERRORS_DEAD_LETTER_TOPIC, EXACTLY_ONCE_SUPPORT);

    private static final String GROUP = "Connector";
    private static final String ERRORS_GROUP = "Errors";
    /**
     * The most tasks a connector may ask for. Each task is a runner with its own queue and Pulsar
     * producers, so a worker is sized in tens of tasks; a larger value is a mistake, and an absurd
     * one (2147483647) would exhaust memory before a single task started.
     */
    public static final int MAX_TASKS = 1024;
    /** The most keys a connector config takes; a real one has tens. */
    public static final int MAX_KEYS = 1000;
    /** The longest key taken. */
    public static final int MAX_KEY_LENGTH = 256;
    /** The longest value taken, room for a certificate or a JSON parameter. */
    public static final int MAX_VALUE_LENGTH = 65_536;
    /** The runtime's keys of every connector config, declared as data; the docs are generated from it. */
    public static final ConfigSchema RUNTIME_SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(NAME, ConfigType.STRING)
                    .required()
                    .validator(Validators.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}",
                            "1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit,"
                                    + " so that it is safe in file names and URLs"))
                    .doc("The connector's name, unique in the worker. It names the connector's offsets, its"
                            + " status and its REST path, so it is 1 to 128 letters, digits, '.', '_' or '-',"
                            + " starting with a letter or digit.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(CONNECTOR_CLASS, ConfigType.STRING)
                    .required()
                    // Another plugin would get the stored secrets.
                    .reach(ConfigField.Reach.DESTINATION)
                    .validator(Validators.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*",
                            "a connector alias such as kinesis or datagen, or a fully qualified class name"))
                    .doc("Which connector to run: its alias, such as kinesis or datagen, or the fully qualified"
                            + " name of its SourceConnector class.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(TASKS_MAX, ConfigType.INT)
                    .defaultValue("1")
                    .validator(Validators.between(1, MAX_TASKS))
                    .doc("The most tasks the connector may run at once, from 1 to " + MAX_TASKS + ". The connector"
                            + " may run fewer, for example when there is less work than tasks.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(TOPIC, ConfigType.STRING)
                    .required()
                    .validator(new TopicNameValidator())
                    .doc("The Pulsar topic that records are written to, unless a record names its own. A short"
                            + " name such as orders means persistent://public/default/orders. Each part of the name"
                            + " is letters, digits, '-', '_', '=', ':' or '.', at most 255 characters, and not '.'"
                            + " or '..'.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(ERRORS_RECORD_TOO_LARGE, ConfigType.ENUM)
                    .defaultValue(RecordTooLargePolicy.Action.FAIL.word())
                    .enumValues(RecordTooLargePolicy.Action.words().toArray(String[]::new))
                    .doc("What a task does with a record larger than the broker's maxMessageSize, which Pulsar"
                            + " refuses. fail: the task fails, naming the record, and restarts; the connector"
                            + " stops at that record until this policy changes. skip: the record is dropped with"
                            + " a WARN line (partition, offset, size, never the payload) and counted in"
                            + " tributary_task_records_skipped_total; the offset moves past it. dead-letter: the"
                            + " record is written unchanged, with properties saying where it came from, to"
                            + " errors.dead.letter.topic by a chunking producer; its offset counts once that topic"
                            + " has it, and a failure there fails the task.")
                    .group(ERRORS_GROUP)
                    .build())
            .field(ConfigField.builder(ERRORS_DEAD_LETTER_TOPIC, ConfigType.STRING)
                    .validator(new TopicNameValidator())
                    .doc("The Pulsar topic that takes the records too large for topic, when"
                            + " errors.record.too.large is dead-letter; required then, ignored otherwise. It must"
                            + " differ from topic. Its consumers must accept chunked messages, which Pulsar"
                            + " consumers do by default.")
                    .group(ERRORS_GROUP)
                    .build())
            .field(ConfigField.builder(EXACTLY_ONCE_SUPPORT, ConfigType.ENUM)
                    .defaultValue(ExactlyOnceSupport.REQUESTED.word())
                    .enumValues(ExactlyOnceSupport.words().toArray(String[]::new))
                    .doc("Whether the connector may run without exactly-once delivery (Kafka Connect's KIP-618"
                            + " key). requested: exactly once on a worker with exactly.once.source.support=enabled,"
                            + " at least once on any other. required: the connector is refused, with an error naming"
                            + " the worker keys, unless the worker has exactly.once.source.support=enabled and"
                            + " offset.store=pulsar.")
                    .group(GROUP)
                    .build())
            .rule(ConnectorConfig::checkDeadLetterTopic)
            .build();

    /** A dead-letter policy needs its own topic, else the records it saves would have nowhere to go. */
    private static void checkDeadLetterTopic(Config config, ConfigRule.Problems problems) {
        String action = config.getString(ERRORS_RECORD_TOO_LARGE);
        if (action == null || RecordTooLargePolicy.Action.of(action) != RecordTooLargePolicy.Action.DEAD_LETTER) {
            return;
        }
        String deadLetter = config.getString(ERRORS_DEAD_LETTER_TOPIC);
        if (deadLetter == null) {
            problems.add(ERRORS_DEAD_LETTER_TOPIC, "is required when " + ERRORS_RECORD_TOO_LARGE + " is dead-letter;"
                    + " set it to a topic for records too large for Pulsar, such as orders-too-large, or set "
                    + ERRORS_RECORD_TOO_LARGE + " to fail or skip");
            return;
        }
        String topic = config.getString(TOPIC);
        if (topic != null && fullTopicName(topic).equals(fullTopicName(deadLetter))) {
            problems.add(ERRORS_DEAD_LETTER_TOPIC, "is the same topic as " + TOPIC + "; give the records too large"
                    + " for Pulsar a topic of their own, such as " + shortName(topic) + "-too-large");
        }
    }

    /** A short topic name as Pulsar reads it, in public/default. */
    private static String fullTopicName(String topic) {
        String trimmed = topic.trim();
        return trimmed.contains("://") ? trimmed : "persistent://public/default/" + trimmed;
    }

    private static String shortName(String topic) {
        String trimmed = topic.trim();
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    /** A config whose tasks fail on a record too large for Pulsar, the default. */
    public ConnectorConfig(String name, String connectorClass, int tasksMax, String topic,
            Map<String, String> connectorProps) {
        this(name, connectorClass, tasksMax, topic, RecordTooLargePolicy.FAIL, connectorProps);
    }

    /** A config with {@code exactly.once.support} left at its default, requested. */
    public ConnectorConfig(String name, String connectorClass, int tasksMax, String topic,
            RecordTooLargePolicy recordTooLarge, Map<String, String> connectorProps) {
        this(name, connectorClass, tasksMax, topic, recordTooLarge, connectorProps, ExactlyOnceSupport.REQUESTED);
    }

    public ConnectorConfig {
        requireNonNull(name, "name is null");
        requireNonNull(connectorClass, "connectorClass is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(recordTooLarge, "recordTooLarge is null");
        requireNonNull(connectorProps, "connectorProps is null");
        requireNonNull(exactlyOnce, "exactlyOnce is null");
        if (tasksMax < 1 || tasksMax > MAX_TASKS) {
            throw new IllegalArgumentException("tasksMax must be from 1 to " + MAX_TASKS + ", not " + tasksMax);
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        connectorProps.forEach((key, value) -> {
            requireNonNull(key, "connectorProps has a null key");
            requireNonNull(value, () -> "connectorProps has a null value for " + key);
            if (RUNTIME_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + " is a runtime key, not a connector key");
            }
            copy.put(key, value);
        });
        connectorProps = Collections.unmodifiableMap(copy);
    }

    /**
     * Refuses a config too large to be a connector's: more than {@value #MAX_KEYS} keys, a key
     * longer than {@value #MAX_KEY_LENGTH} characters or a value longer than
     * {@value #MAX_VALUE_LENGTH}. Checked before anything else, so that what a hostile config
     * costs (validation, hints, messages) stays bounded. Messages never show values.
     *
     * @throws ConfigException with one line per problem, at most a few
     */
    public static void checkSize(Map<String, String> flat) {
        requireNonNull(flat, "flat is null");
        if (flat.size() > MAX_KEYS) {
            throw new ConfigException(List.of("config: has " + flat.size() + " keys; a connector config takes"
                    + " at most " + MAX_KEYS + ", so remove the keys the connector does not use"));
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : flat.entrySet()) {
            String key = e.getKey();
            if (key != null && key.length() > MAX_KEY_LENGTH) {
                problems.add(key.substring(0, 40) + "...: the key is " + key.length() + " characters long; keys are at"
                        + " most " + MAX_KEY_LENGTH);
            } else if (e.getValue() != null && e.getValue().length() > MAX_VALUE_LENGTH) {
                problems.add(key + ": the value is " + e.getValue().length() + " characters long; values are at most "
                        + MAX_VALUE_LENGTH);
            }
            if (problems.size() == 10) {
                problems.add("config: more keys or values are too long; only the first 10 are listed");
                break;
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /**
     * Reads a flat config: checks the runtime's keys against {@link #RUNTIME_SCHEMA} and keeps every
     * other key as the connector's. Null values count as absent.
     *
     * @throws ConfigException with one line per bad runtime key, all of them at once, or when the
     *     config is too large (see {@link #checkSize})
     */
    public static ConnectorConfig fromFlat(Map<String, String> flat) {
        checkSize(flat);
        Map<String, String> runtime = new LinkedHashMap<>();
        Map<String, String> connector = new LinkedHashMap<>();
        flat.forEach((key, value) -> {
            if (key != null && value != null) {
                (RUNTIME_KEYS.contains(key) ? runtime : connector).put(key, value);
            }
        });
        Config config = RUNTIME_SCHEMA.parse(runtime);
        RecordTooLargePolicy.Action action = RecordTooLargePolicy.Action.of(config.getString(ERRORS_RECORD_TOO_LARGE));
        return new ConnectorConfig(config.getString(NAME), config.getString(CONNECTOR_CLASS),
                config.getInt(TASKS_MAX), config.getString(TOPIC),
                new RecordTooLargePolicy(action, config.getString(ERRORS_DEAD_LETTER_TOPIC)), connector,
                ExactlyOnceSupport.of(config.getString(EXACTLY_ONCE_SUPPORT)));
    }

    /** The runtime's keys followed by the connector's, as text; {@link #fromFlat} reads it back. */
    public Map<String, String> toFlat() {
        LinkedHashMap<String, String> flat = new LinkedHashMap<>();
        flat.put(NAME, name);
        flat.put(CONNECTOR_CLASS, connectorClass);
        flat.put(TASKS_MAX, Integer.toString(tasksMax));
        flat.put(TOPIC, topic);
        // The default is left out, so that configs written before these keys existed read back the same.
        if (recordTooLarge.action() != RecordTooLargePolicy.Action.FAIL) {
            flat.put(ERRORS_RECORD_TOO_LARGE, recordTooLarge.action().word());
        }
        if (recordTooLarge.deadLetterTopic() != null) {
            flat.put(ERRORS_DEAD_LETTER_TOPIC, recordTooLarge.deadLetterTopic());
        }
        if (exactlyOnce != ExactlyOnceSupport.REQUESTED) {
            flat.put(EXACTLY_ONCE_SUPPORT, exactlyOnce.word());
        }
        flat.putAll(connectorProps);
        return Collections.unmodifiableMap(flat);
    }

    /** Shows the connector's keys without their values, which may be secrets. */
    @Override
    public String toString() {
        return "ConnectorConfig[name=" + name + ", connectorClass=" + connectorClass + ", tasksMax=" + tasksMax
                + ", topic=" + topic + ", recordTooLarge=" + recordTooLarge + ", exactlyOnce=" + exactlyOnce.word()
                + ", connectorKeys=" + connectorProps.keySet() + "]";
    }
}
