package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.distributed.GroupRecord.AppliedRecord;
import dev.tributary.runtime.distributed.GroupRecord.ConnectorConfig;
import dev.tributary.runtime.distributed.GroupRecord.TargetStateRecord;
import dev.tributary.runtime.distributed.GroupRecord.TaskConfigs;
import dev.tributary.runtime.worker.TargetState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's membership of a group, put together: the group's topics set up, the three views,
 * the two shared writers, membership and leadership, the leader's rebalancing and the tailing of
 * assignments. A {@code DistributedHerder} holds one, answers reads from {@link #configs()},
 * {@link #status()} and {@link #assignments()}, writes through {@link #configWriter()} and
 * {@link #statusWriter()}, and runs what its {@link AssignmentTailer.Listener} is told.
 *
 * <p>The leader assigns every connector that has a config and a target state other than STOPPED
 * (no target-state record means STARTED), with as many tasks as its task-configs record lists (none
 * before the connector instance wrote them). Any change to the configs topic asks for a rebalance,
 * which only the leader acts on.
 *
 * <p>Threads: {@link #start} and {@link #close} once each, from any thread; see each part for the
 * threads it calls back on.
 */
public final class GroupMember implements AutoCloseable {
    /**
     * @param topics the group's topics
     * @param self this worker
     * @param membershipCheckInterval how often the leader lists the members (see {@link GroupLeader}), and
     *     how often each member asks the broker who leads (see {@link GroupMembership})
     * @param connectionCheckInterval how often a member looks at its connection (see {@link GroupMembership})
     * @param timeout how long each step of starting may take
     */
    public record Settings(GroupTopics topics, Member self, Duration membershipCheckInterval,
            Duration connectionCheckInterval, Duration timeout) {
        public Settings {
            requireNonNull(topics, "topics is null");
            requireNonNull(self, "self is null");
            requireNonNull(membershipCheckInterval, "membershipCheckInterval is null");
            requireNonNull(connectionCheckInterval, "connectionCheckInterval is null");
            requireNonNull(timeout, "timeout is null");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);

    private final Settings settings;
    private final GroupTopicView configs;
    private final GroupTopicView status;
    private final GroupTopicView assignments;
    private final GroupTopicWriter configWriter;
    private final GroupTopicWriter statusWriter;
    private final AssignmentTailer tailer;
    private final GroupMembership membership;
    private final GroupLeader leader;
    private final PulsarClient publisherClient;

    private GroupMember(PulsarClient client, PulsarClient publisherClient, GroupAdmin admin, GroupRecordCodec codec,
            Settings settings, GroupTopicView configs, GroupTopicView status, GroupTopicView assignments,
            GroupTopicWriter configWriter, GroupTopicWriter statusWriter, AssignmentTailer tailer) {
        this.settings = settings;
        this.publisherClient = publisherClient;
        this.configs = configs;
        this.status = status;
        this.assignments = assignments;
        this.configWriter = configWriter;
        this.statusWriter = statusWriter;
        this.tailer = tailer;
        this.membership = new GroupMembership(client, admin, settings.topics(), settings.self(), new Events(),
                settings.connectionCheckInterval(), settings.membershipCheckInterval());
        this.leader = new GroupLeader(publisherClient, settings.topics(), membership, assignments, status, new Assignor(),
                () -> connectorsToRun(configs), codec, settings.membershipCheckInterval());
    }

    /** Membership events, handed to the leader and the tailer; only called once the member has joined. */
    private final class Events implements GroupMembership.Listener {
        @Override
        public void elected() {
            leader.elected();
        }

        @Override
        public void deposed() {
            leader.deposed();
        }

        @Override
        public void cutOff() {
            tailer.cutOff();
        }

        @Override
        public void reconnected() {
            tailer.reconnected();
        }
    }

    /**
     * Sets up the group's namespace and topics when missing, reads the three topics to their end,
     * then joins the group.
     *
     * @param client the worker's client, for membership and the group's topics
     * @param publisherClient a client of the leader's assignment publisher alone, owned by the member
     *     from here on and closed when it leaves or fails to start. A producer that another leader
     *     fenced learns it only when it sends, and the broker then closes that producer's whole
     *     connection: on a connection of its own, that costs the worker neither its membership nor
     *     its tasks' producers.
     * @param work told what this worker must stop and start
     * @throws GroupAdminException when a step fails or takes longer than {@link Settings#timeout()}
     */
    public static GroupMember start(PulsarClient client, PulsarClient publisherClient, GroupAdmin admin,
            Settings settings, AssignmentTailer.Listener work) {
        requireNonNull(publisherClient, "publisherClient is null");
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(publisherClient);
        try {
            requireNonNull(client, "client is null");
            requireNonNull(admin, "admin is null");
            requireNonNull(settings, "settings is null");
            requireNonNull(work, "work is null");
            GroupTopics topics = settings.topics();
            admin.ensureNamespace(topics.namespace());
            topics.compacted().forEach(admin::ensureCompactedTopic);
            admin.ensureTopic(topics.coordination());
            GroupRecordCodec codec = new GroupRecordCodec();
            GroupTopicView configs = opened(opened, await(GroupTopicView.open(client, topics.configs(), codec), settings,
                    "read " + topics.configs()));
            GroupTopicView status = opened(opened, await(GroupTopicView.open(client, topics.status(), codec), settings,
                    "read " + topics.status()));
            GroupTopicView assignments = opened(opened, await(GroupTopicView.open(client, topics.assignments(), codec),
                    settings, "read " + topics.assignments()));
            GroupTopicWriter configWriter = opened(opened, await(GroupTopicWriter.open(client, topics.configs(), codec),
                    settings, "write " + topics.configs()));
            GroupTopicWriter statusWriter = opened(opened, await(GroupTopicWriter.open(client, topics.status(), codec),
                    settings, "write " + topics.status()));
            AssignmentTailer tailer = opened(opened, new AssignmentTailer(settings.self().workerId(),
                    reportingApplied(settings.self().workerId(), work, statusWriter)));
            GroupMember member = new GroupMember(client, publisherClient, admin, codec, settings, configs, status,
                    assignments, configWriter, statusWriter, tailer);
            opened.add(0, member::leave);
            member.join();
            return member;
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * {@code work}, and then, for an assignment the leader published (not the nothing of a cut-off
     * worker), a report on the status topic that this member applied its generation.
     */
    private static AssignmentTailer.Listener reportingApplied(String workerId, AssignmentTailer.Listener work,
            GroupTopicWriter statusWriter) {
        return (assignment, diff) -> {
            work.apply(assignment, diff);
            if (assignment.generation() > 0) {
                statusWriter.put(new AppliedRecord(workerId, assignment.generation())).whenComplete((id, e) -> {
                    if (e != null) {
                        LOG.warn("worker {} could not report generation {} applied ({}); the leader moves what it gave"
                                + " up after {} s", workerId, assignment.generation(), e.getClass().getSimpleName(),
                                GroupLeader.HAND_OVER_TIMEOUT.toSeconds());
                    }
                });
            }
        };
    }

    private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T closeable) {
        opened.add(0, closeable);
        return closeable;
    }

    /** Leaves the group (the broker then makes another member active), then stops leading. */
    private void leave() {
        membership.close();
        leader.close();
        try {
            publisherClient.close();
        } catch (PulsarClientException e) {
            LOG.debug("worker {} could not close its assignment publisher's client: {}", settings.self().workerId(),
                    e.getClass().getSimpleName());
        }
    }

    private void join() {
        tailer.follow(assignments);
        configs.listen((key, record) -> leader.requestRebalance());
        // A member that applied a hand-over's first step lets the leader take the second.
        status.listen((key, record) -> {
            if (key.startsWith("applied/")) {
                leader.requestRebalance();
            }
        });
        await(membership.join(), settings, "join group " + settings.topics().groupId());
    }

    /**
     * Per connector that should run, its number of tasks: every connector with a config whose
     * target state is not STOPPED, with the tasks of its task-configs record.
     */
    public static Map<String, Integer> connectorsToRun(GroupTopicView configs) {
        return connectorsToRun(configs.all(ConnectorConfig.class).values(), configs.all(TargetStateRecord.class),
                configs.all(TaskConfigs.class));
    }

    /** As {@link #connectorsToRun(GroupTopicView)}, from the records of the configs topic, by key. */
    static Map<String, Integer> connectorsToRun(Collection<ConnectorConfig> connectors,
            Map<String, TargetStateRecord> targets, Map<String, TaskConfigs> tasks) {
        Map<String, Integer> result = new TreeMap<>();
        for (ConnectorConfig config : connectors) {
            TargetStateRecord target = targets.get(GroupRecord.targetKey(config.name()));
            if (target != null && target.state() == TargetState.STOPPED) {
                continue;
            }
            TaskConfigs taskConfigs = tasks.get(GroupRecord.tasksKey(config.name()));
            result.put(config.name(), taskConfigs == null ? 0 : taskConfigs.tasks().size());
        }
        return result;
    }

    private static <T> T await(CompletableFuture<T> future, Settings settings, String what) {
        try {
            return future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GroupAdminException("interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw new GroupAdminException("could not " + what + " (" + e.getCause().getClass().getSimpleName()
                    + "); check pulsar.service.url and that the broker is up", e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new GroupAdminException("could not " + what + " within " + settings.timeout().toMillis()
                    + " ms; check pulsar.service.url and that the broker is up", e);
        }
    }

    public GroupTopicView configs() {
        return configs;
    }

    public GroupTopicView status() {
        return status;
    }

    public GroupTopicView assignments() {
        return assignments;
    }

    public GroupTopicWriter configWriter() {
        return configWriter;
    }

    public GroupTopicWriter statusWriter() {
        return statusWriter;
    }

    public GroupMembership membership() {
        return membership;
    }

    public GroupLeader leader() {
        return leader;
    }

    /** The assignment in force, as this worker's view holds it. */
    public Assignment assignment() {
        return GroupLeader.latest(assignments);
    }

    /**
     * Leaves the group: stops leading, leaves the subscription (so that the leader reassigns this
     * worker's work), then stops tailing and closes the views and writers. The herder stops its
     * tasks before it calls this, so that they commit while this worker still holds them.
     */
    @Override
    public void close() {
        leave();
        tailer.close();
        configWriter.close();
        statusWriter.close();
        configs.close();
        status.close();
        assignments.close();
    }
}
