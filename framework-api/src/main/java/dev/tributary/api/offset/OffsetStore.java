package dev.tributary.api.offset;

import dev.tributary.api.annotation.Evolving;
import dev.tributary.api.annotation.Stable;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps committed offsets, per connector and per source partition. Implementations are created
 * by an {@link OffsetStoreProvider} found with {@link java.util.ServiceLoader}.
 *
 * <p>Threads: the runtime calls a store from several threads at once (one committer per
 * connector, readers at task start and from REST), so implementations are thread-safe. Writes
 * for different connectors may run concurrently.
 *
 * <p>Errors: a failure throws {@link OffsetStoreException}. A failed write has changed nothing;
 * the runtime keeps the offsets and tries again, so no acknowledged record is lost.
 *
 * <p>Scopes: several writers of one connector, each fenced on its own (the tasks of a connector
 * spread over a worker group, the instances of a Pulsar IO source), each open a
 * {@link ScopedOffsetWriter} with {@link #openWriter} and write only the partitions they own.
 * {@link #read} and {@link #readAll} return the connector's merged view: per partition, the
 * offset of its latest write by any scope, where "latest" is defined by each store (see its
 * Javadoc); a scope's removal hides older offsets of other scopes too. The connector-wide methods
 * {@link #write} and {@link #remove} are the scope {@value #CONNECTOR_WIDE_SCOPE}: they keep
 * their record format, and their offsets are the base of the merged view, which any scoped write
 * or removal of a partition overrides. Whether a connector-wide write made after a scoped write of
 * the same partition overrides that in turn is the store's to say in its Javadoc: a store that
 * keeps scopes apart may keep the scoped entry; a store with one map per connector applies the
 * calls in order.
 * <pre>{@code
 * try (ScopedOffsetWriter writer = store.openWriter("orders", "task-2")) {
 *     Map<SourcePartition, SourceOffset> resumeFrom = store.read("orders", myPartitions);
 *     // ... run the task, then once per flush:
 *     writer.write(ackedOffsets);          // throws OffsetStoreException once fenced
 * }
 * }</pre>
 */
@Stable
public interface OffsetStore extends AutoCloseable {
    /** The committed offsets of those {@code partitions} of {@code connector} that have one. */
    Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions);

    /** Every committed offset of {@code connector}; empty when it has none. */
    Map<SourcePartition, SourceOffset> readAll(String connector);

    /**
     * Writes a batch of offsets for {@code connector} atomically: after a crash at any point,
     * a reader sees either the whole batch or none of it. Returns once the batch is durable.
     */
    void write(String connector, Map<SourcePartition, SourceOffset> offsets);

    /** Removes the offsets of {@code partitions} of {@code connector}, atomically. */
    void remove(String connector, Collection<SourcePartition> partitions);

    /** The connectors that have at least one committed offset. */
    Set<String> connectors();

    /** The scope that names the connector-wide writes ({@link #write}, {@link #remove}). */
    String CONNECTOR_WIDE_SCOPE = "*";

    /**
     * Whether {@link #openWriter} fences: true when opening a writer for a scope makes every
     * earlier writer of that scope, in any process, fail and unable to change what readers see.
     * A store that cannot do that returns false (the default), and the runtime must then not run
     * two writers of one connector at once. Called from any thread; returns a constant.
     */
    @Evolving
    default boolean fencesScopes() {
        return false;
    }

    /**
     * Opens a writer for {@code scope} of {@code connector} and claims the scope: once this returns,
     * no earlier writer of the same {@code (connector, scope)} can change what readers see, and
     * its later calls fail saying it was fenced, provided {@link #fencesScopes()} is true. The new
     * writer starts from the scope's offsets as its previous writer left them. Called from any
     * thread, once per task start; it blocks while the store reads and writes the claim.
     *
     * <p>The default, for stores that cannot fence, returns a writer that passes every call to
     * {@link #write} and {@link #remove}: the latest call wins, and it fences no one.
     *
     * @param scope 1 to {@value ScopedOffsetWriter#MAX_SCOPE_LENGTH} characters, not
     *     {@value #CONNECTOR_WIDE_SCOPE}; see {@link ScopedOffsetWriter#checkScope}
     * @throws IllegalArgumentException when {@code scope} is not a valid scope
     * @throws OffsetStoreException when the claim could not be made; no writer was fenced then
     */
    @Evolving
    default ScopedOffsetWriter openWriter(String connector, String scope) {
        return new UnfencedScopedWriter(this, connector, scope);
    }

    /**
     * The Pulsar topic that {@link ScopedOffsetWriter#stage staged writes} must be sent to, for a
     * store that keeps offsets in Pulsar and can commit them inside the caller's Pulsar
     * transaction; empty (the default) for every other store. Called from any thread; returns a
     * constant.
     */
    @Evolving
    default Optional<String> transactionalTopic() {
        return Optional.empty();
    }

    /** Releases the store's resources. Offsets already written stay written. */
    @Override
    void close();
}
