package dev.tributary.kinesis;

import dev.tributary.kinesis.config.KinesisClientFactory;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.SdkKinesisProxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One Kinesis client per connector config, shared by the connector and all its tasks. Each SDK
 * client brings its own connection pool (the event loops under it are shared by all clients, see
 * {@code SharedEventLoops}), so a client per task would cost connections at run time and new ones
 * at every restart.
 */
final class SharedClients {
    private static final Map<Map<String, String>, Shared> CLIENTS = new HashMap<>();

    private SharedClients() {
    }

    private static final class Shared {
        /** Null for a proxy that a test made. */
        final KinesisClientFactory factory;
        final KinesisProxy proxy;
        int users;

        Shared(KinesisClientFactory factory, KinesisProxy proxy) {
            this.factory = factory;
            this.proxy = proxy;
        }
    }

    /** A use of the client for {@code config}; close it when done. The last close closes the client. */
    static final class Lease implements AutoCloseable {
        private final Map<String, String> key;
        private final KinesisProxy proxy;
        private boolean closed;

        private Lease(Map<String, String> key, KinesisProxy proxy) {
            this.key = key;
            this.proxy = proxy;
        }

        KinesisProxy proxy() {
            return proxy;
        }

        @Override
        public void close() {
            synchronized (CLIENTS) {
                if (closed) {
                    return;
                }
                closed = true;
                Shared shared = CLIENTS.get(key);
                if (shared != null && --shared.users == 0) {
                    CLIENTS.remove(key);
                    shared.proxy.close();
                    if (shared.factory != null) {
                        shared.factory.close();
                    }
                }
            }
        }
    }

    /**
     * @param props the connector's own keys, which identify the client (task-only keys removed)
     */
    static Lease acquire(Map<String, String> props, KinesisSourceConfig config) {
        return acquire(props, () -> {
            KinesisClientFactory factory = new KinesisClientFactory(config);
            return new Shared(factory, new SdkKinesisProxy(factory.kinesisClient()));
        });
    }

    /** A use of {@code proxy}, shared under {@code props} as an SDK client would be: for tests, with a fake. */
    static Lease acquire(Map<String, String> props, KinesisProxy proxy) {
        return acquire(props, () -> new Shared(null, proxy));
    }

    private static Lease acquire(Map<String, String> props, Supplier<Shared> create) {
        Map<String, String> key = Map.copyOf(props);
        synchronized (CLIENTS) {
            Shared shared = CLIENTS.get(key);
            if (shared == null) {
                shared = create.get();
                CLIENTS.put(key, shared);
            }
            shared.users++;
            return new Lease(key, shared.proxy);
        }
    }
}
