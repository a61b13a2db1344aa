package dev.tributary.kinesis.kpl;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What {@link KplDeaggregator#deaggregate} made of one Kinesis record.
 *
 * @param records the records to deliver, in order; empty only for a well-formed aggregate that
 *     holds no user record
 * @param problem why a record that carries the KPL magic was passed through whole, in words fit for
 *     a log line (such as {@code "MD5 digest does not match"}), where byte offsets count from the
 *     start of the record's data; null when there was nothing wrong
 */
public record Deaggregated(List<UserRecord> records, String problem) {
    public Deaggregated {
        records = List.copyOf(requireNonNull(records, "records is null"));
        if (problem != null && (records.size() != 1 || records.get(0).aggregated())) {
            // The promise to callers: a damaged aggregate is always delivered whole, never dropped.
            throw new IllegalArgumentException("a problem comes with exactly the one record passed through whole");
        }
    }

    /** True when the record looked like an aggregate but could not be unpacked; see {@link #problem}. */
    public boolean hasProblem() {
        return problem != null;
    }
}
