package dev.tributary.runtime.plugin;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetImportPlan;
import dev.tributary.api.offset.OffsetImporter;
import java.util.Map;
import java.util.Optional;

/** An offset importer whose every call runs with its plugin's class loader as the context class loader. */
final class IsolatedOffsetImporter implements OffsetImporter {
    private final OffsetImporter delegate;
    private final ClassLoader loader;

    IsolatedOffsetImporter(OffsetImporter delegate, ClassLoader loader) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.loader = requireNonNull(loader, "loader is null");
    }

    @Override
    public OffsetImportPlan plan(Map<String, String> config, Optional<String> source) {
        return ContextClassLoader.call(loader, () -> delegate.plan(config, source));
    }
}
