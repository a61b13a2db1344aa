package dev.tributary.runtime.sink;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.impl.ClientBuilderImpl;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.apache.pulsar.client.impl.auth.AuthenticationDisabled;
import org.apache.pulsar.client.impl.conf.ClientConfigurationData;
import org.apache.pulsar.shade.io.netty.util.HashedWheelTimer;
import org.apache.pulsar.shade.io.netty.util.Timer;

/**
 * Builds the worker's Pulsar clients with a timer that ticks every {@value #TICK_MILLIS} ms
 * instead of the client's own, which ticks every millisecond.
 *
 * <p>A client built by {@link ClientBuilder#build()} starts a timer thread of its own that wakes a
 * thousand times a second for as long as the client is open, whether or not anything is due: 1.3%
 * of a core of an idle worker on the benchmark machine (per-thread CPU from {@code /proc}), a
 * fifth of all it spent watching 1,000 idle shards; even at a tick of 10 ms the timer was 0.7%
 * of a core on a slow day, a tenth of that worker's CPU. What the client puts on the timer waits
 * 100 ms or more (reconnection and lookup back-offs start at 100 ms; send and transaction
 * timeouts and statistics are seconds), so a {@value #TICK_MILLIS} ms tick delays a back-off by
 * at most half its shortest wait and changes nothing else noticeably; batching, request timeouts
 * and acknowledgement grouping run on the client's event loops, not on the timer.
 *
 * <p>One timer serves every client this class builds in the JVM, as Pulsar's own hosts share
 * one among many clients. Its thread is a daemon, started on the first timeout, and not stopped
 * when a client closes: another may still use it. The client is built from the builder's
 * configuration with the same checks {@code build()} makes for what the worker sets (a service
 * URL, authentication given as a plugin and params); it uses pulsar-client's
 * {@code PulsarClientImpl} constructor that takes a timer, public but not part of its API, so a
 * new pulsar-client version is checked against it at compile time and by
 * {@code PulsarClientsTest}.
 */
public final class PulsarClients {
    /** The shared timer's tick. */
    static final long TICK_MILLIS = 50;
    /** The shared timer's thread name. */
    static final String TIMER_THREAD = "tributary-pulsar-timer";

    private static final Timer TIMER = new HashedWheelTimer(daemon(), TICK_MILLIS, TimeUnit.MILLISECONDS);

    private PulsarClients() {
    }

    /**
     * Builds a client from {@code builder}'s settings, as {@code builder.build()} would, on the
     * shared timer.
     *
     * @param builder a builder from {@link PulsarClient#builder()}, with a service URL
     * @throws PulsarClientException as {@code build()} throws it, such as when transactions are
     *         enabled and the broker has no transaction coordinator
     * @throws IllegalArgumentException when the builder has no service URL
     */
    public static PulsarClient build(ClientBuilder builder) throws PulsarClientException {
        requireNonNull(builder, "builder is null");
        if (!(builder instanceof ClientBuilderImpl impl)) {
            // Not pulsar-client's own builder: build it as it is, with the client's own timer.
            return builder.build();
        }
        ClientConfigurationData conf = impl.getClientConfigurationData().clone();
        boolean authFromProperties = (conf.getAuthentication() == null
                || conf.getAuthentication() instanceof AuthenticationDisabled)
                && conf.getAuthPluginClassName() != null && !conf.getAuthPluginClassName().isBlank();
        if (conf.getServiceUrlProvider() != null || conf.getServiceUrl() == null || conf.getServiceUrl().isBlank()
                || authFromProperties) {
            // A service URL provider, or authentication loaded from properties, needs build()'s set-up;
            // the worker gives a URL and builds its authentication itself.
            return builder.build();
        }
        return new PulsarClientImpl(conf, null, null, TIMER);
    }

    /** The shared timer, for tests. */
    static Timer timer() {
        return TIMER;
    }

    private static ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, TIMER_THREAD);
            thread.setDaemon(true);
            // Not the loader of whichever thread first built a client (a plugin's, say): the thread outlives it.
            thread.setContextClassLoader(PulsarClients.class.getClassLoader());
            return thread;
        };
    }
}
