package dev.tributary.runtime.plugin;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreProvider;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.api.offset.StagedOffsetWrite;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An offset store provider, and the stores it opens, whose calls run with the plugin's class loader. */
final class IsolatedOffsetStoreProvider implements OffsetStoreProvider {
    private final OffsetStoreProvider delegate;
    private final ClassLoader loader;

    IsolatedOffsetStoreProvider(OffsetStoreProvider delegate, ClassLoader loader) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.loader = requireNonNull(loader, "loader is null");
    }

    @Override
    public String name() {
        return ContextClassLoader.call(loader, delegate::name);
    }

    @Override
    public ConfigSchema configSchema() {
        return ContextClassLoader.call(loader, delegate::configSchema);
    }

    @Override
    public OffsetStore open(Map<String, String> config, Path dataDir) {
        OffsetStore store = ContextClassLoader.call(loader, () -> delegate.open(config, dataDir));
        return new IsolatedStore(store, loader);
    }

    private record IsolatedStore(OffsetStore delegate, ClassLoader loader) implements OffsetStore {
        @Override
        public Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions) {
            return ContextClassLoader.call(loader, () -> delegate.read(connector, partitions));
        }

        @Override
        public Map<SourcePartition, SourceOffset> readAll(String connector) {
            return ContextClassLoader.call(loader, () -> delegate.readAll(connector));
        }

        @Override
        public void write(String connector, Map<SourcePartition, SourceOffset> offsets) {
            ContextClassLoader.run(loader, () -> delegate.write(connector, offsets));
        }

        @Override
        public void remove(String connector, Collection<SourcePartition> partitions) {
            ContextClassLoader.run(loader, () -> delegate.remove(connector, partitions));
        }

        @Override
        public Set<String> connectors() {
            return ContextClassLoader.call(loader, delegate::connectors);
        }

        @Override
        public boolean fencesScopes() {
            return ContextClassLoader.call(loader, delegate::fencesScopes);
        }

        @Override
        public Optional<String> transactionalTopic() {
            return ContextClassLoader.call(loader, delegate::transactionalTopic);
        }

        @Override
        public ScopedOffsetWriter openWriter(String connector, String scope) {
            ScopedOffsetWriter writer = ContextClassLoader.call(loader, () -> delegate.openWriter(connector, scope));
            return new IsolatedWriter(writer, loader);
        }

        @Override
        public void close() {
            ContextClassLoader.run(loader, delegate::close);
        }
    }

    private record IsolatedWriter(ScopedOffsetWriter delegate, ClassLoader loader) implements ScopedOffsetWriter {
        @Override
        public String connector() {
            return ContextClassLoader.call(loader, delegate::connector);
        }

        @Override
        public String scope() {
            return ContextClassLoader.call(loader, delegate::scope);
        }

        @Override
        public void write(Map<SourcePartition, SourceOffset> offsets) {
            ContextClassLoader.run(loader, () -> delegate.write(offsets));
        }

        @Override
        public void remove(Collection<SourcePartition> partitions) {
            ContextClassLoader.run(loader, () -> delegate.remove(partitions));
        }

        @Override
        public StagedOffsetWrite stage(Map<SourcePartition, SourceOffset> offsets) {
            StagedOffsetWrite staged = ContextClassLoader.call(loader, () -> delegate.stage(offsets));
            return new StagedOffsetWrite() {
                @Override
                public String key() {
                    return staged.key();
                }

                @Override
                public byte[] value() {
                    return staged.value();
                }

                @Override
                public void committed() {
                    ContextClassLoader.run(loader, staged::committed);
                }
            };
        }

        @Override
        public void close() {
            ContextClassLoader.run(loader, delegate::close);
        }
    }
}
