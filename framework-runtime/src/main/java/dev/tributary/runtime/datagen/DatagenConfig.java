package dev.tributary.runtime.datagen;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Validators;

/** The datagen connector's keys, declared as data, and the key its tasks get in addition. */
final class DatagenConfig {
    static final String RATE = "rate";
    static final String RECORD_SIZE = "record.size";
    static final String KEY_CARDINALITY = "key.cardinality";
    static final String COUNT = "count";
    static final String BATCH_SIZE = "batch.size";
    static final String LARGE_RECORD_EVERY = "large.record.every";
    static final String LARGE_RECORD_SIZE = "large.record.size";
    static final String TASK_INDEX = "task.index";

    /** The smallest value that still holds the longest id, {@code "2147483647-9223372036854775807"}, and more. */
    static final int MIN_RECORD_SIZE = 32;
    /** Below Pulsar's default 5 MiB message limit, which also counts the key and properties. */
    static final int MAX_RECORD_SIZE = 4 * 1024 * 1024;
    /** Above Pulsar's default limit on purpose, yet small enough to keep a batch of them in memory. */
    static final int MAX_LARGE_RECORD_SIZE = 16 * 1024 * 1024;

    private static final String GROUP = "Datagen";

    /** The keys users set. */
    static final ConfigSchema CONNECTOR_SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(RATE, ConfigType.DOUBLE)
                    .defaultValue("1000")
                    .validator(Validators.atLeast(0))
                    .doc("Records per second for the whole connector, shared evenly by its tasks; 0 means as"
                            + " fast as the runtime takes them. The rate holds on average: after a pause, such"
                            + " as backpressure from Pulsar, the tasks catch up.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(RECORD_SIZE, ConfigType.INT)
                    .defaultValue("100")
                    .validator(Validators.between(MIN_RECORD_SIZE, MAX_RECORD_SIZE))
                    .doc("The size of every record's value in bytes: a JSON object that holds the record's id,"
                            + " padded to exactly this size. At least 32, to hold the longest id; at most 4 MiB,"
                            + " to stay under Pulsar's default message size limit.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(KEY_CARDINALITY, ConfigType.INT)
                    .defaultValue("100")
                    .validator(Validators.atLeast(1))
                    .doc("How many distinct keys the records use: a record with sequence number n in its task"
                            + " has key key-(n mod key.cardinality).")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(COUNT, ConfigType.LONG)
                    .defaultValue("0")
                    .validator(Validators.atLeast(0))
                    .doc("How many records the whole connector generates, shared by its tasks, counted across"
                            + " restarts; 0 means no end. A task that has generated its share stays idle.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(BATCH_SIZE, ConfigType.INT)
                    .defaultValue("500")
                    .validator(Validators.atLeast(1))
                    .doc("The most records a task returns from one poll, which bounds the records it holds in"
                            + " memory at once.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(LARGE_RECORD_EVERY, ConfigType.LONG)
                    .defaultValue("0")
                    .validator(Validators.atLeast(0))
                    .doc("Makes every n-th record of a task (sequence numbers n-1, 2n-1, ...) large.record.size"
                            + " bytes instead of record.size, to try how records too large for Pulsar are handled"
                            + " (errors.record.too.large); 0 means none.")
                    .group(GROUP)
                    .build())
            .field(ConfigField.builder(LARGE_RECORD_SIZE, ConfigType.INT)
                    .defaultValue("1048576")
                    .validator(Validators.between(MIN_RECORD_SIZE, MAX_LARGE_RECORD_SIZE))
                    .doc("The value size in bytes of the records that large.record.every picks; at most 16 MiB,"
                            + " which may be above Pulsar's message size limit on purpose.")
                    .group(GROUP)
                    .build())
            .build();

    /** The keys of a task config: the connector's keys, holding the task's share, and its index. */
    static final ConfigSchema TASK_SCHEMA = ConfigSchema.builder()
            .include(CONNECTOR_SCHEMA)
            .field(ConfigField.builder(TASK_INDEX, ConfigType.INT)
                    .required()
                    .validator(Validators.atLeast(0))
                    .doc("Set by the connector, never by users: the task's number, which starts its record ids"
                            + " and names its source partition.")
                    .group(GROUP)
                    .build())
            .build();

    private DatagenConfig() {
    }
}
