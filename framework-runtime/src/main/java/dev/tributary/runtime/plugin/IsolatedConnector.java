package dev.tributary.runtime.plugin;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceTask;
import java.util.List;
import java.util.Map;

/** A connector whose every call runs with its plugin's class loader as the context class loader. */
final class IsolatedConnector implements SourceConnector {
    private final SourceConnector delegate;
    private final ClassLoader loader;

    IsolatedConnector(SourceConnector delegate, ClassLoader loader) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.loader = requireNonNull(loader, "loader is null");
    }

    @Override
    public String version() {
        return ContextClassLoader.call(loader, delegate::version);
    }

    @Override
    public ConfigSchema configSchema() {
        return ContextClassLoader.call(loader, delegate::configSchema);
    }

    @Override
    public ConfigValidation validate(Map<String, String> config) {
        return ContextClassLoader.call(loader, () -> delegate.validate(config));
    }

    @Override
    public void start(ConnectorContext context, Map<String, String> config) {
        ContextClassLoader.run(loader, () -> delegate.start(context, config));
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return ContextClassLoader.call(loader, () -> delegate.taskConfigs(maxTasks));
    }

    @Override
    public java.util.Optional<dev.tributary.api.connector.OffsetCommitPolicy> offsetCommitPolicy() {
        return ContextClassLoader.call(loader, delegate::offsetCommitPolicy);
    }

    @Override
    public java.util.Optional<dev.tributary.api.offset.OffsetImporter> offsetImporter(String format) {
        return ContextClassLoader.call(loader, () -> delegate.offsetImporter(format))
                .map(importer -> new IsolatedOffsetImporter(importer, loader));
    }

    @Override
    public SourceTask createTask() {
        SourceTask task = ContextClassLoader.call(loader, delegate::createTask);
        return new IsolatedTask(task, loader);
    }

    @Override
    public void stop() {
        ContextClassLoader.run(loader, delegate::stop);
    }

    @Override
    public String toString() {
        return delegate.getClass().getName();
    }
}
