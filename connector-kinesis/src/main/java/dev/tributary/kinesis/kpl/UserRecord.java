package dev.tributary.kinesis.kpl;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record as the producer wrote it: either a user record unpacked from a KPL aggregate, or a
 * Kinesis record passed through whole.
 *
 * <p>When {@code aggregated} is false, {@code data} is the very array given to
 * {@link KplDeaggregator#deaggregate}, not a copy: neither side may modify it afterwards. When
 * {@code aggregated} is true, {@code data} is a fresh array holding only this user record's bytes.
 *
 * <p>{@link #equals} and {@link #hashCode} compare {@code data} by content; {@link #toString}
 * shows its length only, since payloads can be large or sensitive.
 *
 * @param subSequenceNumber the position of this user record within its aggregate, from 0; 0 for a
 *     record passed through whole. With the Kinesis sequence number it identifies the record.
 * @param partitionKey the user record's partition key, or the Kinesis record's when passed through
 * @param explicitHashKey the explicit hash key the producer set, as a decimal string; null when
 *     none was set, and always null for a record passed through whole
 * @param data the payload
 * @param aggregated true when unpacked from an aggregate
 */
public record UserRecord(long subSequenceNumber, String partitionKey, String explicitHashKey, byte[] data,
        boolean aggregated) {
    public UserRecord {
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("subSequenceNumber is negative: " + subSequenceNumber);
        }
        requireNonNull(partitionKey, "partitionKey is null");
        requireNonNull(data, "data is null");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserRecord that
                && subSequenceNumber == that.subSequenceNumber
                && aggregated == that.aggregated
                && partitionKey.equals(that.partitionKey)
                && Objects.equals(explicitHashKey, that.explicitHashKey)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subSequenceNumber, partitionKey, explicitHashKey, Arrays.hashCode(data), aggregated);
    }

    @Override
    public String toString() {
        return "UserRecord[subSequenceNumber=" + subSequenceNumber + ", partitionKey=" + partitionKey
                + ", explicitHashKey=" + explicitHashKey + ", data=" + data.length + " bytes, aggregated=" + aggregated + "]";
    }
}
