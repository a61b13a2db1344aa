package dev.tributary.api.offset;

import dev.tributary.api.annotation.Evolving;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the offsets of one scope of one connector: the partitions that one writer (a task in
 * distributed mode, an instance of a Pulsar IO source) owns. Opened with
 * {@link OffsetStore#openWriter(String, String)}, which claims the scope.
 *
 * <p>Fencing: when {@link OffsetStore#fencesScopes()} is true, opening a writer for a
 * {@code (connector, scope)} fences every earlier writer of that pair, in this process or any
 * other: their later {@link #write} and {@link #remove} calls throw an
 * {@link OffsetWriterFencedException} that says the scope was taken over, and nothing they send
 * after the claim changes what readers see. Writers of different scopes of one connector never
 * fence each other.
 *
 * <p>Threads: thread-safe; an implementation runs the calls to one writer one at a time, and
 * calls to writers of different scopes concurrently. The intended caller is the committer of
 * the task that owns the scope: {@link #write} once per offset flush with the acknowledged
 * offsets, {@link #close} once when the task stops. Each call blocks until the store has
 * answered.
 *
 * <p>Errors: a failed write or remove has changed nothing that readers see, unless the
 * exception says the writer was fenced, after which every call fails the same way.
 */
@Evolving
public interface ScopedOffsetWriter extends AutoCloseable {
    /** The longest scope {@link OffsetStore#openWriter} accepts, in characters. */
    int MAX_SCOPE_LENGTH = 200;

    /** The connector whose offsets this writer writes. */
    String connector();

    /** The scope this writer claimed. */
    String scope();

    /**
     * Writes {@code offsets} atomically: a reader sees the whole batch or none of it. Returns once
     * it is durable. Each written partition's offset is, from then on, the connector's offset of
     * that partition in {@link OffsetStore#read}, until a later write of it by any scope.
     *
     * @throws OffsetWriterFencedException when a newer writer claimed the scope (do not retry)
     * @throws OffsetStoreException when the store failed (retry), or this writer was closed
     */
    void write(Map<SourcePartition, SourceOffset> offsets);

    /**
     * Removes the offsets of {@code partitions} atomically, so that readers see none for them, even
     * where another scope wrote one earlier. A later write by any scope sets them again.
     *
     * @throws OffsetWriterFencedException when a newer writer claimed the scope (do not retry)
     * @throws OffsetStoreException when the store failed (retry), or this writer was closed
     */
    void remove(Collection<SourcePartition> partitions);

    /**
     * Prepares a write of {@code offsets} for the caller to send inside its own transaction,
     * instead of writing them now: nothing changes until the caller sends the staged message to
     * {@link OffsetStore#transactionalTopic()} in a transaction that commits, and then calls
     * {@link StagedOffsetWrite#committed()}. Used for exactly-once delivery, where the records and
     * the offsets that cover them commit together. A writer fences its predecessors as for
     * {@link #write}; the caller fences their transactions (see the runtime's exactly-once docs).
     *
     * <p>Called from the thread that owns the transaction, once per transaction.
     *
     * @throws UnsupportedOperationException when the store has no {@link OffsetStore#transactionalTopic()}
     * @throws OffsetWriterFencedException when a newer writer claimed the scope (do not retry)
     */
    @Evolving
    default StagedOffsetWrite stage(Map<SourcePartition, SourceOffset> offsets) {
        throw new UnsupportedOperationException("this offset store cannot stage writes for a transaction");
    }

    /**
     * Stops this writer; its later calls fail. Offsets it wrote stay, and the claim stays until
     * another writer of the scope opens. Idempotent.
     */
    @Override
    void close();

    /**
     * Checks a scope name: 1 to {@value #MAX_SCOPE_LENGTH} characters, no control characters, and
     * not {@value OffsetStore#CONNECTOR_WIDE_SCOPE}, which names the connector-wide writes.
     *
     * @return {@code scope}
     * @throws IllegalArgumentException saying what is wrong and how to fix it
     */
    static String checkScope(String scope) {
        if (scope == null || scope.isEmpty()) {
            throw new IllegalArgumentException("scope: must not be empty; name the writer, such as a task number");
        }
        if (scope.length() > MAX_SCOPE_LENGTH) {
            throw new IllegalArgumentException("scope: is " + scope.length() + " characters long; use at most "
                    + MAX_SCOPE_LENGTH);
        }
        if (scope.equals(OffsetStore.CONNECTOR_WIDE_SCOPE)) {
            throw new IllegalArgumentException("scope: '" + OffsetStore.CONNECTOR_WIDE_SCOPE + "' is reserved for"
                    + " connector-wide writes (OffsetStore.write); choose another name");
        }
        if (scope.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("scope: must not contain control characters");
        }
        return scope;
    }
}
