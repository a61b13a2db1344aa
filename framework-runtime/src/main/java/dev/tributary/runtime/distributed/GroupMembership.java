package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.ConsumerEventListener;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's place in the group, from Pulsar primitives only, as Pulsar's Functions worker
 * does it (its {@code LeaderService} and {@code MembershipManager}):
 *
 * <ul>
 *   <li><b>Membership</b>: each member holds one consumer on the {@link GroupTopics#MEMBERS_SUBSCRIPTION
 *       failover subscription} of the coordination topic, named by {@link Member#consumerName()}.
 *       The members are that subscription's consumers as the broker lists them
 *       ({@link #members()}).</li>
 *   <li><b>Leadership</b>: the broker makes one consumer of a failover subscription active and tells
 *       each consumer when it becomes active or inactive ({@link ConsumerEventListener}). The active
 *       consumer's worker leads. Those events are a hint, not the record: one can be missed (a
 *       consumer whose connection dropped for a moment is not told what changed while it was
 *       away, and a drop shorter than a connection check goes unnoticed here). So every
 *       {@code leadershipCheckInterval}, and at once when the leader's publishing was fenced
 *       ({@link #fenced()}), the member asks the broker which consumer is active and follows its
 *       answer ({@link #checkLeadership()}): the group is never left with no leader while the
 *       broker has made one.</li>
 *   <li><b>Cut off</b>: the member watches its own consumer's connection. When the client has lost
 *       it, the member may already have been replaced, so it tells the {@link Listener} to stop its
 *       work (and stops leading); once the client reconnected, it tells it again.</li>
 * </ul>
 *
 * <p>Nothing here decides on its own that someone is dead: no heartbeat is written and no timer
 * expires a member. Pulsar decides, with these knobs, which are what shortens or lengthens
 * failover:
 * <ul>
 *   <li>A worker whose process dies (even by SIGKILL) on a live host: its TCP connection closes at
 *       once, the broker drops its consumer, and after the broker's
 *       {@code activeConsumerFailoverDelayTimeMillis} (default 1 s) another consumer is active.</li>
 *   <li>A worker whose host or network is lost, so no FIN or RST arrives: the broker drops it after
 *       its keep-alive finds no answer, {@code keepAliveIntervalSeconds} in {@code broker.conf}
 *       (default 30 s; a connection is closed when no answer came within one interval, so up to
 *       about twice that). This is the knob that shortens failover for lost hosts.</li>
 *   <li>On the worker's side, the client's own keep-alive ({@code ClientBuilder.keepAliveInterval},
 *       default 30 s) closes a silent connection the same way, and the client's
 *       {@code operationTimeout} (default 30 s) bounds each reconnection attempt: these decide how
 *       soon a cut-off worker notices it and stops its tasks. Keep the worker's keep-alive no longer
 *       than the broker's, so that a cut-off worker stops its tasks before the broker hands them
 *       to another; the offset store fences whatever still runs.</li>
 * </ul>
 * The connection is looked at every {@code connectionCheckInterval}; this only bounds how late a
 * state the client already has is noticed, and decides nothing by itself. Anything that
 * disconnects the member's consumer counts as a cut, including a broker restart and the unloading
 * of the coordination topic's bundle to another broker (load shedding): the member then stops its
 * work and starts it again once reconnected, if the assignment still gives it. On a cluster that
 * sheds load, keep the group's namespace out of shedding to avoid such restarts.
 *
 * <p>Threads: {@link #join()} and {@link #close()} from any thread, once each; {@link #fenced()} and
 * {@link #checkLeadership()} from any thread. Listener methods are called on this membership's own
 * single thread, one at a time, in the order the events happened; they must not block for long.
 * {@link #members()} makes a blocking admin call; the leadership check makes its own on a second
 * thread, so that it never holds up the listener or the connection checks.
 */
public final class GroupMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);

    /**
     * What happens to this member. Every method is called on the membership's thread;
     * {@link #elected()} and {@link #deposed()} alternate, starting with {@link #elected()}.
     */
    public interface Listener {
        /** The broker made this member's consumer the active one (it said so, or lists it so): this worker now leads. */
        void elected();

        /**
         * This worker no longer leads: another consumer is active, this one is cut off or closing, or
         * its publishing was {@link #fenced()}.
         */
        void deposed();

        /** The client lost its connection to the broker: stop the work this member was assigned. */
        void cutOff();

        /** The client is connected again after {@link #cutOff()}: the assignment in force applies again. */
        void reconnected();
    }

    private final PulsarClient client;
    private final GroupAdmin admin;
    private final GroupTopics topics;
    private final Member self;
    private final Listener listener;
    private final Duration connectionCheckInterval;
    private final Duration leadershipCheckInterval;
    private final ScheduledExecutorService thread;
    /** Where the broker is asked who leads: its admin call may block for the admin timeout. */
    private final ScheduledExecutorService checker;
    /** Only touched on {@link #thread}. */
    private boolean leading;
    private boolean cut;
    private volatile boolean leader;
    private volatile Consumer<byte[]> consumer;
    private volatile boolean closed;

    /**
     * @param connectionCheckInterval how often the consumer's connection state is looked at
     * @param leadershipCheckInterval how often the broker is asked which consumer is active
     */
    public GroupMembership(PulsarClient client, GroupAdmin admin, GroupTopics topics, Member self, Listener listener,
            Duration connectionCheckInterval, Duration leadershipCheckInterval) {
        this.client = requireNonNull(client, "client is null");
        this.admin = requireNonNull(admin, "admin is null");
        this.topics = requireNonNull(topics, "topics is null");
        this.self = requireNonNull(self, "self is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.connectionCheckInterval = requireNonNull(connectionCheckInterval, "connectionCheckInterval is null");
        this.leadershipCheckInterval = requireNonNull(leadershipCheckInterval, "leadershipCheckInterval is null");
        this.thread = Executors.newSingleThreadScheduledExecutor(daemon("group-membership-" + self.workerId()));
        this.checker = Executors.newSingleThreadScheduledExecutor(daemon("group-leadership-check-" + self.workerId()));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Subscribes to the coordination topic; completes once the broker accepted this member. */
    public CompletableFuture<Void> join() {
        return client.newConsumer(Schema.BYTES)
                .topic(topics.coordination())
                .subscriptionName(GroupTopics.MEMBERS_SUBSCRIPTION)
                .subscriptionType(SubscriptionType.Failover)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Latest)
                .consumerName(self.consumerName())
                .consumerEventListener(new ActivityListener())
                .subscribeAsync()
                .thenAccept(subscribed -> {
                    consumer = subscribed;
                    thread.scheduleWithFixedDelay(this::checkConnection, connectionCheckInterval.toMillis(),
                            connectionCheckInterval.toMillis(), TimeUnit.MILLISECONDS);
                    checker.scheduleWithFixedDelay(this::askAndFollow, leadershipCheckInterval.toMillis(),
                            leadershipCheckInterval.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("worker {} joined group {} ({})", self.workerId(), topics.groupId(), topics.coordination());
                });
    }

    /** This member. */
    public Member self() {
        return self;
    }

    /** Whether this worker leads now, as far as it knows; publishing is fenced all the same. */
    public boolean isLeader() {
        return leader;
    }

    /** Whether the client is connected to the broker for this member's consumer. */
    public boolean isConnected() {
        Consumer<byte[]> c = consumer;
        return c != null && c.isConnected();
    }

    /**
     * The members now, sorted by worker id, as the broker lists the subscription's consumers; a
     * consumer whose name is not a member's (a tool attached to the subscription) is left out.
     * The same worker id twice (a restarted worker whose old connection the broker has not dropped
     * yet) counts once, with the URL that sorts last.
     *
     * @throws GroupAdminException when the admin API cannot be asked
     */
    public List<Member> members() {
        SortedSet<Member> members = new TreeSet<>();
        List<String> names = new ArrayList<>(admin.consumerNames(topics.coordination(), GroupTopics.MEMBERS_SUBSCRIPTION));
        names.sort(null);
        for (String name : names) {
            Optional<Member> member = Member.fromConsumerName(name);
            if (member.isEmpty()) {
                continue;
            }
            members.remove(member.get());
            members.add(member.get());
        }
        return List.copyOf(members);
    }

    private void checkConnection() {
        if (closed) {
            return;
        }
        boolean connected = isConnected();
        if (!connected && !cut) {
            cut = true;
            LOG.warn("worker {} lost its connection to Pulsar: it stops its work until it is connected again, as the"
                    + " group may already have given that work to another member", self.workerId());
            if (leading) {
                depose();
            }
            call(listener::cutOff);
        } else if (connected && cut) {
            cut = false;
            LOG.info("worker {} is connected to Pulsar again", self.workerId());
            call(listener::reconnected);
        }
    }

    /**
     * Asks the broker which consumer of the members' subscription is active, and follows its
     * answer: this worker is elected if it is listed as active and does not lead, deposed if
     * another is listed and it leads. Nothing changes while this member is cut off, when no
     * consumer is listed, or when the admin API cannot be asked (the next check asks again).
     * Also done every {@code leadershipCheckInterval} once joined. The admin call runs on a thread
     * of its own, so that a hanging call never delays the connection checks.
     *
     * @return completes once the answer was followed on the membership's thread
     */
    public CompletableFuture<Void> checkLeadership() {
        try {
            return CompletableFuture.supplyAsync(this::whoLeads, checker).thenAcceptAsync(this::follow, thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * The leader's publishing was fenced: another worker took the assignments topic over. This
     * worker stops leading ({@link Listener#deposed()}) and asks the broker at once who leads
     * ({@link #checkLeadership()}): if the broker still lists this worker as active (the other
     * acted on an activation that the broker took back), it is elected again and takes the topic
     * back; otherwise the worker the broker lists leads. Any thread.
     */
    public void fenced() {
        try {
            thread.execute(() -> {
                if (leading) {
                    depose();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("worker {} is leaving the group: fence not followed up", self.workerId());
            return;
        }
        checkLeadership();
    }

    /** The periodic check, on the checker's thread: asks, then hands the answer to the membership's thread. */
    private void askAndFollow() {
        Optional<String> active = whoLeads();
        try {
            thread.execute(() -> follow(active));
        } catch (RejectedExecutionException e) {
            // Closing: nothing to follow.
        }
    }

    /** The active consumer's name as the broker lists it; empty when none is, or the broker cannot be asked. */
    private Optional<String> whoLeads() {
        if (closed) {
            return Optional.empty();
        }
        try {
            return admin.activeConsumerName(topics.coordination(), GroupTopics.MEMBERS_SUBSCRIPTION);
        } catch (GroupAdminException e) {
            // The leader's member listing, which makes the same call, warns of an admin API that fails.
            LOG.debug("worker {} could not ask who leads group {}: {}", self.workerId(), topics.groupId(),
                    e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            // Caught so that the periodic check, which an exception would end for good, keeps running.
            LOG.warn("worker {} could not ask who leads group {}", self.workerId(), topics.groupId(), e);
            return Optional.empty();
        }
    }

    private void follow(Optional<String> active) {
        if (active.isEmpty() || closed || cut) {
            return;
        }
        boolean listed = active.get().equals(self.consumerName());
        if (listed && !leading) {
            LOG.info("the broker lists worker {} as the active member of group {}", self.workerId(), topics.groupId());
            elect();
        } else if (!listed && leading) {
            LOG.info("the broker lists another consumer than worker {} as the active member of group {}",
                    self.workerId(), topics.groupId());
            depose();
        }
    }

    private void elect() {
        leading = true;
        leader = true;
        LOG.info("worker {} leads group {}", self.workerId(), topics.groupId());
        call(listener::elected);
    }

    private void depose() {
        leading = false;
        leader = false;
        LOG.info("worker {} no longer leads group {}", self.workerId(), topics.groupId());
        call(listener::deposed);
    }

    private void call(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.error("the group listener of worker {} failed", self.workerId(), e);
        }
    }

    /** Leaves the group: the broker drops the consumer, and another member leads if this one did. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        checker.shutdownNow();
        Consumer<byte[]> c = consumer;
        if (c != null) {
            c.closeAsync().exceptionally(e -> null).join();
        }
        thread.execute(() -> {
            if (leading) {
                depose();
            }
        });
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class ActivityListener implements ConsumerEventListener {
        private static final long serialVersionUID = 1L;

        @Override
        public void becameActive(Consumer<?> c, int partitionId) {
            if (closed) {
                return;
            }
            thread.execute(() -> {
                if (closed || leading) {
                    return;
                }
                elect();
            });
        }

        @Override
        public void becameInactive(Consumer<?> c, int partitionId) {
            if (closed) {
                return;
            }
            thread.execute(() -> {
                if (leading) {
                    depose();
                }
            });
        }
    }
}
