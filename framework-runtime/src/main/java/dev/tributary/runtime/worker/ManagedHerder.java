package dev.tributary.runtime.worker;

import java.util.Set;

/**
 * A {@link Herder} as the runtime's composition root starts and stops it: one per mode
 * ({@link StandaloneHerder} now; a distributed one when {@code group.id} is set).
 *
 * <p>Threads: {@link #start} is called once, from the thread that starts the runtime, before REST
 * takes requests; {@link #close} once, from the thread that stops it.
 */
public interface ManagedHerder extends Herder, AutoCloseable {
    /**
     * Brings the connectors this herder knows back in their target states, except those named in
     * {@code givenAtStart}, which wait for the configs their caller will give. Call once.
     */
    void start(Set<String> givenAtStart);

    /**
     * Stops every connector and task it runs, committing their offsets, then releases what it
     * owns (its worker, its config store). Idempotent. The offset store and the Pulsar client are
     * the runtime's, and stay open.
     */
    @Override
    void close();
}
