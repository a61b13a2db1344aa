package dev.tributary.runtime.plugin;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A task whose every call runs with its plugin's class loader as the context class loader. */
final class IsolatedTask implements SourceTask {
    private final SourceTask delegate;
    private final ClassLoader loader;

    IsolatedTask(SourceTask delegate, ClassLoader loader) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.loader = requireNonNull(loader, "loader is null");
    }

    @Override
    public void start(SourceTaskContext context) {
        ContextClassLoader.run(loader, () -> delegate.start(context));
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return delegate.poll(timeout);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void onRecordAcked(SourceRecord record) {
        ContextClassLoader.run(loader, () -> delegate.onRecordAcked(record));
    }

    @Override
    public void onOffsetsCommitted(Map<SourcePartition, SourceOffset> offsets) {
        ContextClassLoader.run(loader, () -> delegate.onOffsetsCommitted(offsets));
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
