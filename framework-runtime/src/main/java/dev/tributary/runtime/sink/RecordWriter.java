package dev.tributary.runtime.sink;

import dev.tributary.api.connector.SourceRecord;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Where a task's records go. {@link PulsarRecordWriter} is the real one; tests use fakes.
 * {@link #send} is called from the task thread only and may block (backpressure).
 */
public interface RecordWriter extends AutoCloseable {
    /** Hands a record over; the future completes when it is durably written, or fails. */
    CompletableFuture<?> send(SourceRecord record) throws Exception;

    /**
     * Hands a record over and calls {@code done} once, with the message id and null when it is
     * durably written, or with null and the failure (as {@link #send(SourceRecord)}'s future
     * would fail) when it is not. The task runner's per-record path: a writer may implement it
     * without a future of its own per record. {@code done} may run on any thread, or at once on
     * this one.
     */
    default void send(SourceRecord record, BiConsumer<Object, Throwable> done) throws Exception {
        send(record).whenComplete(done);
    }

    /** Pushes out anything buffered, without waiting. */
    void flush();

    /** Releases resources; records not yet written fail their futures. */
    @Override
    void close();
}
