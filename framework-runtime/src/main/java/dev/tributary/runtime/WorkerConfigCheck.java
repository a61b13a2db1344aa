package dev.tributary.runtime;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.http.ListenerAddress;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ChosenOffsetStore;
import dev.tributary.runtime.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.PulsarClient;

/**
 * What {@link TributaryRuntime#start} would reject in a worker config, found without starting a
 * worker: the offset store and its keys, the listener with its key store and credentials file,
 * and the Pulsar client's settings. No port is bound and, unless exactly-once is on, nothing is
 * connected to (with it on, the client connects to learn whether the broker has transactions), so
 * a config can pass here and still fail at start when a broker, a database or the port is
 * unreachable.
 */
public final class WorkerConfigCheck {
    private WorkerConfigCheck() {
    }

    /**
     * Checks everything short of connecting.
     *
     * @throws ConfigException with one line per problem, each naming its key
     */
    public static void check(WorkerConfig config, PluginRegistry plugins) {
        requireNonNull(config, "config is null");
        requireNonNull(plugins, "plugins is null");
        List<String> problems = new ArrayList<>();
        try {
            ChosenOffsetStore.of(config, plugins);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        try {
            ListenerAddress.parse(config.listeners());
            TributaryRuntime.security(config);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        try {
            PulsarClient client = WorkerModule.newPulsarClient(config);
            closeQuietly(client);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /**
     * Closes without waiting: a client's close waits for its event loops to wind down, about
     * 2.5 s that {@code start} used to spend before starting anything (the worker builds its own
     * client next). Only built to check its settings; nothing was sent through it.
     */
    private static void closeQuietly(PulsarClient client) {
        client.closeAsync().exceptionally(e -> null);
    }
}
