package dev.tributary.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.runtime.distributed.DistributedHerder;
import dev.tributary.runtime.distributed.GroupAdmin;
import dev.tributary.runtime.distributed.GroupMember;
import dev.tributary.runtime.distributed.Member;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.sink.FencingClient;
import dev.tributary.runtime.worker.ManagedHerder;
import dev.tributary.runtime.worker.Worker;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.runtime.worker.WorkerServices;
import java.time.Clock;
import java.time.Duration;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.impl.auth.AuthenticationDisabled;

/**
 * Group mode ({@code group.id} is set): connector configs, target states and statuses on the
 * group's compacted Pulsar topics, and this worker runs what the group's leader assigns it.
 * Installed in a child of the {@link WorkerModule} injector once the listener is up, as the
 * worker's id is its address and its REST URL travels in its membership.
 */
final class DistributedModule extends AbstractModule {
    /** How long each step of joining (setting up topics, reading them, subscribing) may take. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    private final String workerId;
    private final String restUrl;

    /**
     * @param workerId this worker's id in statuses and assignments: the listener's {@code host:port}
     * @param restUrl where this worker's REST API answers
     */
    DistributedModule(String workerId, String restUrl) {
        this.workerId = requireNonNull(workerId, "workerId is null");
        this.restUrl = requireNonNull(restUrl, "restUrl is null");
    }

    @Provides
    @Singleton
    WorkerServices services(WorkerConfig config, PluginRegistry plugins, OffsetStore offsetStore,
            PulsarClient pulsar, FencingClient fencing, MetricsRegistry metrics, Clock clock) {
        return new WorkerServices(config, plugins, offsetStore, pulsar, fencing, metrics, clock, workerId);
    }

    @Provides
    @Singleton
    Worker worker(WorkerServices services) {
        return new Worker(services);
    }

    @Provides
    @Singleton
    GroupAdmin groupAdmin(WorkerConfig config) {
        return new GroupAdmin(config.groupAdminUrl(), adminAuthentication(config), JOIN_TIMEOUT);
    }

    @Provides
    @Singleton
    DistributedHerder distributedHerder(Worker worker, WorkerServices services, WorkerConfig config,
            PulsarClient pulsar, GroupAdmin admin) {
        GroupMember.Settings settings = new GroupMember.Settings(config.groupTopics(), new Member(workerId, restUrl),
                config.groupMembershipCheckInterval(), config.groupConnectionCheckInterval(), JOIN_TIMEOUT);
        return new DistributedHerder(worker, services, work -> GroupMember.start(pulsar,
                WorkerModule.newPulsarClientWithoutTransactions(config), admin, settings, work));
    }

    @Provides
    @Singleton
    ManagedHerder herder(DistributedHerder herder) {
        return herder;
    }

    /** The worker's own Pulsar credentials, for the admin API of the same cluster. */
    private static Authentication adminAuthentication(WorkerConfig config) {
        if (config.pulsarAuthPlugin().isBlank()) {
            return new AuthenticationDisabled();
        }
        try {
            String params = config.pulsarAuthParams() == null ? "" : config.pulsarAuthParams().value();
            return AuthenticationFactory.create(config.pulsarAuthPlugin(), params);
        } catch (PulsarClientException e) {
            // Its message may echo the params; the plugin's class name is no secret.
            throw new ConfigException(WorkerConfig.PULSAR_AUTH_PLUGIN + ": cannot load the authentication plugin '"
                    + config.pulsarAuthPlugin() + "' for the group's admin calls; check the class name and "
                    + WorkerConfig.PULSAR_AUTH_PARAMS);
        }
    }
}
