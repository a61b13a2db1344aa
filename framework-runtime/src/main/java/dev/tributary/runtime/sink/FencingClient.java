package dev.tributary.runtime.sink;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Pulsar client for exactly-once fence producers ({@link PulsarTransactionalOutput}),
 * apart from its main client, so that a fenced copy of a task, whose next send makes the broker
 * close that client's connection, cuts off no other producer or consumer of the worker. Built on
 * first use, so that a worker without exactly-once tasks opens none; one for all of the worker's
 * tasks. Thread-safe.
 */
public final class FencingClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FencingClient.class);

    private final Supplier<PulsarClient> factory;
    private PulsarClient client;
    private boolean closed;

    /** @param factory builds the client, once, on the first {@link #get} */
    public FencingClient(Supplier<PulsarClient> factory) {
        this.factory = requireNonNull(factory, "factory is null");
    }

    /**
     * The client, built by the first call.
     *
     * @throws IllegalStateException once closed
     * @throws RuntimeException what the factory throws; the next call tries again
     */
    public synchronized PulsarClient get() {
        if (closed) {
            throw new IllegalStateException("the worker's fencing client is closed: the worker is stopping");
        }
        if (client == null) {
            client = requireNonNull(factory.get(), "the factory gave no client");
        }
        return client;
    }

    /** Closes the client, if one was built. Idempotent. */
    @Override
    public void close() {
        PulsarClient built;
        synchronized (this) {
            closed = true;
            built = client;
            client = null;
        }
        if (built != null) {
            try {
                built.close();
            } catch (PulsarClientException e) {
                LOG.warn("closing the Pulsar client of the fence producers failed: {}", e.getMessage());
            }
        }
    }
}
