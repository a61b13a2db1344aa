package dev.tributary.kinesis.config;

/** Where a shard is read from when there is no stored offset for it, named as in Pulsar IO. */
public enum InitialPositionInStream {
    /** After the most recent record: only records written from now on. */
    LATEST,
    /** The oldest record still in the shard. */
    TRIM_HORIZON,
    /** The first record at or after {@link KinesisSourceConfig#startAtTime()}. */
    AT_TIMESTAMP
}
