package dev.tributary.runtime.worker;

import java.util.Map;

/**
 * Where a worker keeps its connectors' configs and target states, so that they outlive the worker
 * process. The standalone worker keeps them in a file in {@code data.dir}
 * ({@link FileConnectorConfigStore}); a distributed worker would keep them in a compacted topic.
 *
 * <p>Threads: the worker calls a store from its single connector thread. Errors: a failed change
 * throws and has changed nothing, so the worker can report it and the old state holds.
 */
public interface ConnectorConfigStore extends AutoCloseable {
    /** Every stored connector by name, in the order they were first stored. */
    Map<String, StoredConnector> load();

    /** Stores a connector, replacing any of the same name; durable when this returns. */
    void put(String name, StoredConnector connector);

    /** Forgets a connector; durable when this returns. Nothing happens for an unknown name. */
    void remove(String name);

    /** Releases the store. What was stored stays stored. */
    @Override
    void close();

    /** A store that keeps nothing beyond the process, for tests and embedded workers. */
    static ConnectorConfigStore inMemory() {
        return new ConnectorConfigStore() {
            private final Map<String, StoredConnector> connectors = new java.util.LinkedHashMap<>();

            @Override
            public synchronized Map<String, StoredConnector> load() {
                return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(connectors));
            }

            @Override
            public synchronized void put(String name, StoredConnector connector) {
                connectors.put(name, connector);
            }

            @Override
            public synchronized void remove(String name) {
                connectors.remove(name);
            }

            @Override
            public void close() {
            }
        };
    }
}
