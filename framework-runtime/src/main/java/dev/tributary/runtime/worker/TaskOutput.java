package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.config.RecordTooLargePolicy;
import dev.tributary.runtime.sink.RecordWriter;
import dev.tributary.runtime.sink.TransactionalOutput;
import java.util.function.Supplier;

/**
 * Where a task's records go: a writer for each life of the task, and what to do with a record
 * that is too large for it.
 *
 * @param writers makes the writer of one life of the task
 * @param recordTooLarge the connector's {@code errors.record.too.large} policy
 * @param deadLetterWriters makes the writer of the dead-letter topic, which must take records
 *     above the broker's maximum message size; called only when the first such record arrives
 * @param transactions exactly-once output, or null for at-least-once
 */
record TaskOutput(Supplier<RecordWriter> writers, RecordTooLargePolicy recordTooLarge,
        Supplier<RecordWriter> deadLetterWriters, TransactionalOutput transactions) {
    TaskOutput {
        requireNonNull(writers, "writers is null");
        requireNonNull(recordTooLarge, "recordTooLarge is null");
        requireNonNull(deadLetterWriters, "deadLetterWriters is null");
    }

    /** At-least-once output. */
    TaskOutput(Supplier<RecordWriter> writers, RecordTooLargePolicy recordTooLarge,
            Supplier<RecordWriter> deadLetterWriters) {
        this(writers, recordTooLarge, deadLetterWriters, null);
    }

    /**
     * Exactly-once output: each life of the task writes through a session of {@code transactions},
     * whose writer takes the place of {@link #writers}. There are no dead letters: a send refused
     * inside a transaction fails the whole transaction, so validation refuses any policy but fail.
     */
    static TaskOutput exactlyOnce(TransactionalOutput transactions, RecordTooLargePolicy recordTooLarge) {
        requireNonNull(transactions, "transactions is null");
        return new TaskOutput(() -> {
            throw new IllegalStateException("exactly-once tasks write through their transactional session");
        }, recordTooLarge, () -> {
            throw new IllegalStateException("no dead letters under exactly-once: errors.record.too.large must be fail");
        }, transactions);
    }

    /** Whether records and offsets are written in transactions. */
    boolean exactlyOnce() {
        return transactions != null;
    }

    /** Records too large fail the task; there is no dead-letter topic. */
    static TaskOutput failingOnTooLarge(Supplier<RecordWriter> writers) {
        return new TaskOutput(writers, RecordTooLargePolicy.FAIL, () -> {
            throw new IllegalStateException("no dead-letter topic: errors.record.too.large is fail");
        });
    }
}
