package dev.tributary.kinesis.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One record as Kinesis returned it, before KPL de-aggregation.
 *
 * @param sequenceNumber its sequence number, as text (compare as BigInteger)
 * @param partitionKey its partition key
 * @param data its bytes, not copied from the SDK's buffer
 * @param arrival ApproximateArrivalTimestamp
 * @param encryptionType NONE or KMS, or null when not reported
 */
public record KinesisRecord(String sequenceNumber, String partitionKey, byte[] data, Instant arrival, String encryptionType) {
    public KinesisRecord {
        requireNonNull(sequenceNumber, "sequenceNumber is null");
        requireNonNull(partitionKey, "partitionKey is null");
        requireNonNull(data, "data is null");
    }
}
