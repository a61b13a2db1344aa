package dev.tributary.kinesis.kcl;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A KCL checkpoint as a lease table stores it: attribute {@code checkpoint} holds either a sequence
 * number (decimal text) or a sentinel; {@code checkpointSubSequenceNumber} holds the user record
 * inside a KPL aggregate (0 for a record that is not aggregated). The checkpointed record is the
 * last one the application processed: reading resumes after it.
 *
 * @param sentinel the sentinel, or {@code null} when the checkpoint is a sequence number
 * @param sequenceNumber the sequence number, or {@code null} for a sentinel
 */
public record KclCheckpoint(Sentinel sentinel, String sequenceNumber, long subSequenceNumber) {
    /** The KCL's sentinel checkpoints (its {@code ExtendedSequenceNumber} constants). */
    public enum Sentinel { TRIM_HORIZON, LATEST, AT_TIMESTAMP, SHARD_END }

    public KclCheckpoint {
        if ((sentinel == null) == (sequenceNumber == null)) {
            throw new IllegalArgumentException("a checkpoint is either a sentinel or a sequence number");
        }
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("subSequenceNumber is negative: " + subSequenceNumber);
        }
    }

    /**
     * Parses the stored text. Throws IllegalArgumentException, with the text, for anything that is
     * neither a sentinel nor a decimal sequence number.
     */
    public static KclCheckpoint parse(String checkpoint, long subSequenceNumber) {
        requireNonNull(checkpoint, "checkpoint is null");
        for (Sentinel s : Sentinel.values()) {
            if (s.name().equals(checkpoint.toUpperCase(Locale.ROOT))) {
                return new KclCheckpoint(s, null, subSequenceNumber);
            }
        }
        if (checkpoint.isEmpty() || checkpoint.length() > 128 || !checkpoint.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("checkpoint '" + abbreviate(checkpoint)
                    + "' is neither a sequence number nor one of TRIM_HORIZON, LATEST, AT_TIMESTAMP, SHARD_END");
        }
        return new KclCheckpoint(null, checkpoint, subSequenceNumber);
    }

    public boolean isSentinel() {
        return sentinel != null;
    }

    /** As the KCL writes it in its logs: {@code 4959...:0}, or the sentinel's name. */
    @Override
    public String toString() {
        return sentinel != null ? sentinel.name() : sequenceNumber + ":" + subSequenceNumber;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
