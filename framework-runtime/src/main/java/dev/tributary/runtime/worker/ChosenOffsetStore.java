package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreProvider;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.nio.file.Path;
import java.util.Map;

/**
 * The worker's {@code offset.store}, found among the plugins, with its keys validated and
 * completed as {@link WorkerConfig#offsetStoreConfig(dev.tributary.api.config.ConfigSchema)}
 * says: what the worker, {@code validate --worker} and the {@code offsets} commands share, so
 * that all three accept and reject the same configs.
 */
public final class ChosenOffsetStore {
    private final OffsetStoreProvider provider;
    private final Map<String, String> config;
    private final Path dataDir;

    private ChosenOffsetStore(OffsetStoreProvider provider, Map<String, String> config, Path dataDir) {
        this.provider = provider;
        this.config = config;
        this.dataDir = dataDir;
    }

    /**
     * Finds and checks the store, without opening it.
     *
     * @throws ConfigException when no installed store has that name, or with one line per bad key,
     *         each named as the operator writes it ({@code offset.<store>.<key>})
     */
    public static ChosenOffsetStore of(WorkerConfig worker, PluginRegistry plugins) {
        requireNonNull(worker, "worker is null");
        requireNonNull(plugins, "plugins is null");
        OffsetStoreProvider provider = plugins.newOffsetStoreProvider(worker.offsetStore());
        Map<String, String> config = worker.offsetStoreConfig(provider.configSchema());
        ConfigValidation validation = provider.configSchema().validate(config);
        if (!validation.isValid()) {
            String prefix = "offset." + worker.offsetStore() + ".";
            throw new ConfigException(validation.errorLines().stream().map(line -> prefix + line).toList());
        }
        return new ChosenOffsetStore(provider, config, worker.dataDir());
    }

    /** The keys the store is opened with, secrets included: never log them. */
    Map<String, String> config() {
        return config;
    }

    /** Opens the store; see {@link OffsetStoreProvider#open} for its errors. */
    public OffsetStore open() {
        return provider.open(config, dataDir);
    }
}
