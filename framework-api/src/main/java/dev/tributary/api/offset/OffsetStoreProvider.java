package dev.tributary.api.offset;

import dev.tributary.api.annotation.Stable;
import dev.tributary.api.config.ConfigSchema;
import java.util.Map;

/**
 * Creates an {@link OffsetStore}. Found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.tributary.api.offset.OffsetStoreProvider}) and chosen by
 * {@link #name()} through the worker's {@code offset.store} key.
 */
@Stable
public interface OffsetStoreProvider {
    /** The name operators write in {@code offset.store}, such as {@code file} or {@code jdbc}. */
    String name();

    /**
     * The store's own keys. Operators write them in the worker config as {@code offset.<name>.<key>}
     * (such as {@code offset.jdbc.url}); the worker passes them with that prefix removed, and
     * validates them against this schema first. A store that keeps offsets in Pulsar may declare
     * {@code service.url}, {@code auth.plugin} and {@code auth.params}: when {@code service.url} is
     * left unset, the worker passes its own {@code pulsar.service.url} there, with its
     * authentication unless the operator set {@code auth.plugin}.
     */
    ConfigSchema configSchema();

    /**
     * Opens a store. Called once, on the worker's main thread, with config already validated.
     *
     * @param config the store's keys, as described for {@link #configSchema()}
     * @param dataDir the worker's {@code data.dir}, for stores that keep local files
     * @throws OffsetStoreException when the store cannot be reached or its data cannot be read
     */
    OffsetStore open(Map<String, String> config, java.nio.file.Path dataDir);
}
