package dev.tributary.runtime.sink;

import dev.tributary.api.connector.SourceRecord;
import java.util.concurrent.CompletableFuture;

/**
 * Where a task's records go. {@link PulsarRecordWriter} is the real one; tests use fakes.
 * {@link #send} is called from the task thread only and may block (backpressure).
 */
public interface RecordWriter extends AutoCloseable {
    /** Hands a record over; the future completes when it is durably written, or fails. */
    CompletableFuture<?> send(SourceRecord record) throws Exception;

    /** Pushes out anything buffered, without waiting. */
    void flush();

    /** Releases resources; records not yet written fail their futures. */
    @Override
    void close();
}
