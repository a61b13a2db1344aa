package dev.tributary.runtime.sink;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Exactly-once output of a connector's tasks: records and the offsets that cover them are written
 * in one transaction, and a task's newer life fences every older one (a restart here, or the
 * task's move to another worker of a group). {@link PulsarTransactionalOutput} is the real one;
 * tests use fakes.
 */
public interface TransactionalOutput {
    /**
     * Opens the session of one life of task {@code taskId}: fences every earlier life of the task,
     * waits until their transactions have ended, and claims the task's offsets, so that offsets
     * read after this returns are final. Called on the task thread at the start of each life;
     * blocks for as long as an older transaction stays open (at most its timeout).
     *
     * @throws Exception when the task cannot be fenced or claimed; nothing was written then
     */
    Session open(String connector, int taskId) throws Exception;

    /**
     * One life of a task. Every method is called from the task thread only, except that the
     * writers' futures complete on Pulsar's threads.
     */
    interface Session extends AutoCloseable {
        /** Sends the task's records inside the open transaction; {@link #begin} first. */
        RecordWriter records();

        /** Whether a transaction is open. */
        boolean inTransaction();

        /** Opens a transaction, which the writers send into until {@link #seal} or {@link #abort}. */
        void begin() throws Exception;

        /**
         * Ends the sends into the open transaction and hands it over for its commit: records sent
         * from now on go into the next transaction ({@link #begin}), while this one commits. The
         * task commits the sealed transactions one at a time, in the order sealed.
         *
         * @throws IllegalStateException when no transaction is open
         */
        Sealed seal();

        /**
         * Whether a newer life of the task has fenced this one. Asked after a failure, before the
         * task is started again: an old copy whose transaction merely timed out while it was paused
         * must not start again and fence the copy that replaced it. Blocks while it asks the
         * broker, at most the transaction timeout; false when it cannot tell.
         */
        boolean fencedOut();

        /**
         * Aborts the open transaction and every sealed one whose commit has not completed, without
         * waiting; their records are never read.
         */
        void abort();

        /** Aborts what is open or sealed and uncommitted, and releases the session's producers and claim. */
        @Override
        void close();
    }

    /** A transaction that takes no more records and waits for its commit. */
    interface Sealed {
        /**
         * Writes {@code offsets} into this transaction and commits it, without blocking. Called once,
         * on the task thread, when every record sent in the transaction has been acknowledged and
         * the previously sealed transaction has committed.
         *
         * @return completes, on Pulsar's threads, once the transaction committed; exceptionally
         *     with {@link dev.tributary.api.offset.OffsetWriterFencedException} when a newer life of
         *     the task has fenced this one, or with another exception when the commit failed or its
         *     outcome is unknown (within the transaction timeout): then the transaction is aborted,
         *     the task must end this life, and the next one resumes from what was committed
         */
        CompletableFuture<Void> commit(Map<SourcePartition, SourceOffset> offsets);
    }
}
