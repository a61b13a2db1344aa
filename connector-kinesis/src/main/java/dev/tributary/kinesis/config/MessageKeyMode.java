package dev.tributary.kinesis.config;

/** What becomes the key of the Pulsar message written for a Kinesis record. */
public enum MessageKeyMode {
    /** The record's partition key, as Pulsar IO does. */
    PARTITION_KEY,
    /** The id of the shard the record came from. */
    SHARD_ID
}
