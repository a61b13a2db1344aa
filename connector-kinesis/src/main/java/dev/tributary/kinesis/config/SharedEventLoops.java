package dev.tributary.kinesis.config;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The Netty event loops that every HTTP client the connector builds (Kinesis and DynamoDB) runs on:
 * one set for the plugin, not one per client.
 *
 * <p>Left to itself, each SDK client starts twice as many event-loop threads as the machine has
 * cores, so a worker with 100 Kinesis connectors had 800 of them on 4 cores. Sharing one group of
 * one thread per core bounds that, and lets one wake-up of a loop serve the responses of more
 * shards: the event loops are the largest part of an idle worker's CPU (BENCHMARKS.md, notes).
 * One loop per core still lets every core read responses at once.
 * {@code -Dio.netty.eventLoopThreads=N} sets another count, as it does for Netty's own default.
 *
 * <p>The group is started by the first client built and stopped when the last one is closed: each
 * client built by {@link #build} holds a reference, released by its {@link SdkAsyncHttpClient#close}.
 * The threads are daemons named {@code kinesis-io-<group>-<n>}. Thread-safe.
 */
final class SharedEventLoops {
    /** Netty's own switch for its default count of event loops. */
    static final String THREADS_PROPERTY = "io.netty.eventLoopThreads";

    private static final Object LOCK = new Object();
    private static SdkEventLoopGroup group;
    private static int users;

    private SharedEventLoops() {
    }

    /** How many event loops a new group gets: {@value #THREADS_PROPERTY} when positive, else one per core. */
    static int threads() {
        Integer configured = Integer.getInteger(THREADS_PROPERTY);
        return configured != null && configured > 0 ? configured
                : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * A reference to the shared group, started if no client holds one. Pair with one
     * {@link #release}: {@link #build} does that for a client.
     */
    static SdkEventLoopGroup acquire() {
        synchronized (LOCK) {
            if (group == null) {
                // Netty's own factory: daemon threads of its FastThreadLocalThread kind, named kinesis-io-<group>-<n>.
                group = SdkEventLoopGroup.builder().numberOfThreads(threads())
                        .threadFactory(new DefaultThreadFactory("kinesis-io", true)).build();
            }
            users++;
            return group;
        }
    }

    /**
     * Gives back a reference from {@link #acquire}. The last one stops the group's threads, without
     * waiting for them: the clients on it are closed by then.
     */
    static void release() {
        synchronized (LOCK) {
            if (users == 0) {
                throw new IllegalStateException("the shared event loops were released more often than acquired");
            }
            if (--users == 0) {
                group.eventLoopGroup().shutdownGracefully(0, 5, TimeUnit.SECONDS);
                group = null;
            }
        }
    }

    /** How many clients hold the group now: for tests. */
    static int users() {
        synchronized (LOCK) {
            return users;
        }
    }

    /**
     * The client {@code builder} makes with {@code options}, on the shared group, holding a
     * reference to it until the client is closed; none is held if building fails.
     */
    static SdkAsyncHttpClient build(NettyNioAsyncHttpClient.Builder builder, AttributeMap options) {
        SdkEventLoopGroup loops = acquire();
        try {
            return wrap(builder.eventLoopGroup(loops).buildWithDefaults(options));
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    /**
     * {@code client}, built on the group of an {@link #acquire} made for it, releasing that reference
     * when it is closed (once, however often it is closed).
     */
    static SdkAsyncHttpClient wrap(SdkAsyncHttpClient client) {
        return new Releasing(client);
    }

    private static final class Releasing implements SdkAsyncHttpClient {
        private final SdkAsyncHttpClient delegate;
        private final AtomicBoolean closed = new AtomicBoolean();

        Releasing(SdkAsyncHttpClient delegate) {
            this.delegate = requireNonNull(delegate, "delegate is null");
        }

        @Override
        public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
            return delegate.execute(request);
        }

        @Override
        public String clientName() {
            return delegate.clientName();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                // Closes the client's connections; a client given a group does not stop it.
                delegate.close();
            } finally {
                release();
            }
        }
    }
}
