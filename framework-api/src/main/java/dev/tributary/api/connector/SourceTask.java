package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads records from one share of a source. The runtime writes every record that {@link #poll}
 * returns to Pulsar, and commits a partition's offset only once Pulsar has acknowledged that
 * record and every record before it in the same partition. A crash may therefore repeat
 * records, but never loses one.
 *
 * <p>Threads: {@link #start}, {@link #poll} and the end of the task's life run on the task's own
 * thread, one call at a time. {@link #stop} is called from another thread, while {@link #poll}
 * may be running. {@link #onRecordAcked} and {@link #onOffsetsCommitted} are called from the
 * runtime's I/O threads (under exactly-once delivery, {@link #onOffsetsCommitted} from the task's
 * own thread); they must be thread-safe and must not block.
 *
 * <p>Exactly once: on a worker with {@code exactly.once.source.support=enabled} the runtime writes
 * a task's records and their offsets in one Pulsar transaction per commit interval. Then
 * {@link #onRecordAcked} means the record is in the open transaction (readers see it once that
 * commits), and {@link #onOffsetsCommitted} means the transaction committed. Nothing changes for
 * the task otherwise.
 *
 * <p>Errors: an exception from {@link #start} or {@link #poll} fails the task; the runtime
 * restarts it with backoff, from the last committed offsets. Throw {@link RetriableException}
 * for a transient problem that a retry of {@code poll} may fix without a restart.
 */
@Stable
public interface SourceTask {
    /**
     * Starts reading. Resume from {@link SourceTaskContext#offsetReader()}: a record at or before
     * a committed offset has already reached Pulsar.
     */
    void start(SourceTaskContext context);

    /**
     * Returns the next records, waiting at most {@code timeout} for some to arrive. Returns an
     * empty list when there are none yet. The runtime calls {@code poll} again only when it has
     * room for more, which is how backpressure reaches the task: a task buffers only what it has
     * fetched ahead, and must bound that buffer.
     *
     * @throws InterruptedException when the task thread is interrupted during shutdown
     */
    List<SourceRecord> poll(Duration timeout) throws InterruptedException;

    /**
     * Pulsar has acknowledged {@code record}. The default does nothing. Acknowledgements of one
     * partition arrive in the order the records were returned. A record that the connector's
     * {@code errors.record.too.large} policy skipped or sent to a dead-letter topic gets no call;
     * its offset is committed as usual.
     */
    default void onRecordAcked(SourceRecord record) {
    }

    /**
     * These offsets are now durable in the offset store: a restart resumes after them. A task
     * that must know an end is committed (a finished Kinesis shard, say) learns it here. Called
     * once per commit that wrote offsets; at-least-once, with every batch of the connector's
     * commit (offsets of other tasks included); under exactly-once, with this task's own offsets
     * after each of its transactions committed.
     */
    default void onOffsetsCommitted(Map<SourcePartition, SourceOffset> offsets) {
    }

    /**
     * Asks the task to stop. Must make a running {@link #poll} return soon, and then release
     * resources. Called once; the runtime flushes and commits what was acknowledged afterwards.
     */
    void stop();
}
