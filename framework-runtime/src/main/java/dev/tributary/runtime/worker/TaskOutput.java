package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.config.RecordTooLargePolicy;
import dev.tributary.runtime.sink.RecordWriter;
import java.util.function.Supplier;

/**
 * Where a task's records go: a writer for each life of the task, and what to do with a record
 * that is too large for it.
 *
 * @param writers makes the writer of one life of the task
 * @param recordTooLarge the connector's {@code errors.record.too.large} policy
 * @param deadLetterWriters makes the writer of the dead-letter topic, which must take records
 *     above the broker's maximum message size; called only when the first such record arrives
 */
record TaskOutput(Supplier<RecordWriter> writers, RecordTooLargePolicy recordTooLarge,
        Supplier<RecordWriter> deadLetterWriters) {
    TaskOutput {
        requireNonNull(writers, "writers is null");
        requireNonNull(recordTooLarge, "recordTooLarge is null");
        requireNonNull(deadLetterWriters, "deadLetterWriters is null");
    }

    /** Records too large fail the task; there is no dead-letter topic. */
    static TaskOutput failingOnTooLarge(Supplier<RecordWriter> writers) {
        return new TaskOutput(writers, RecordTooLargePolicy.FAIL, () -> {
            throw new IllegalStateException("no dead-letter topic: errors.record.too.large is fail");
        });
    }
}
