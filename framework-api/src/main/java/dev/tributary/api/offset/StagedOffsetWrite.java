package dev.tributary.api.offset;

import dev.tributary.api.annotation.Evolving;

/**
 * One write of a scope's offsets, prepared by {@link ScopedOffsetWriter#stage} for the caller to
 * send inside a transaction of its own: the message with {@link #key()} and {@link #value()},
 * sent to the store's {@link OffsetStore#transactionalTopic() topic} in the same transaction as the
 * records those offsets cover, makes the offsets committed exactly when the records are.
 *
 * <p>Threads: created and completed by the thread that owns the transaction (a task thread), one
 * at a time per writer.
 */
@Evolving
public interface StagedOffsetWrite {
    /** The message key to send. */
    String key();

    /** The message value to send; never null. The caller must not change the array. */
    byte[] value();

    /**
     * Tells the writer that the transaction that carried this write committed, so that its next
     * staged write builds on these offsets. Not called when the transaction aborted or its outcome
     * is unknown; the writer's next staged write then builds on the last committed one.
     */
    void committed();
}
