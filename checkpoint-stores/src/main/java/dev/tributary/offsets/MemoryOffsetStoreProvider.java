package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreProvider;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code memory} offset store: offsets live in the worker's memory and are lost when it
 * stops. It takes no config keys. See {@link MemoryOffsetStore}.
 */
public final class MemoryOffsetStoreProvider implements OffsetStoreProvider {
    /** The value of {@code offset.store} that chooses this store. */
    public static final String NAME = "memory";

    private static final ConfigSchema SCHEMA = ConfigSchema.builder().build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    /** Opens an empty store; {@code dataDir} is not used. */
    @Override
    public OffsetStore open(Map<String, String> config, Path dataDir) {
        SCHEMA.parse(requireNonNull(config, "config is null"));
        return new MemoryOffsetStore();
    }
}
