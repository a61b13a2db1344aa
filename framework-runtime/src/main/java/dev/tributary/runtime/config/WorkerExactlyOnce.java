package dev.tributary.runtime.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a worker offers for exactly-once delivery, as far as a connector config's
 * {@code exactly.once.support} must be checked against it.
 *
 * @param enabled the worker's {@code exactly.once.source.support} is {@code enabled}
 * @param offsetStore the worker's {@code offset.store}
 */
public record WorkerExactlyOnce(boolean enabled, String offsetStore) {
    /** The worker key that turns exactly-once delivery on. */
    public static final String WORKER_KEY = "exactly.once.source.support";
    /** The only offset store that can commit offsets in the records' Pulsar transaction. */
    public static final String TRANSACTIONAL_STORE = "pulsar";

    public WorkerExactlyOnce {
        requireNonNull(offsetStore, "offsetStore is null");
    }

    /**
     * Why a connector with {@code exactly.once.support=required} cannot run on this worker, as the
     * rest of a line that starts with that key; empty when it can.
     */
    public Optional<String> refusesRequired() {
        if (!enabled) {
            return Optional.of("is required, but this worker has " + WORKER_KEY + "=disabled; set " + WORKER_KEY
                    + "=enabled (with offset.store=" + TRANSACTIONAL_STORE + ") in the worker config, or set "
                    + ConnectorConfig.EXACTLY_ONCE_SUPPORT + "=requested to accept at-least-once delivery");
        }
        if (!TRANSACTIONAL_STORE.equals(offsetStore.trim())) {
            return Optional.of("is required, but this worker's offset.store is '" + offsetStore.trim()
                    + "', which cannot commit offsets inside a Pulsar transaction; set offset.store="
                    + TRANSACTIONAL_STORE + " in the worker config, or set " + ConnectorConfig.EXACTLY_ONCE_SUPPORT
                    + "=requested to accept at-least-once delivery");
        }
        return Optional.empty();
    }
}
