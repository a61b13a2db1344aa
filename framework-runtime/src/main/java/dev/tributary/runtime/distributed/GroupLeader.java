package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.distributed.GroupRecord.AppliedRecord;
import dev.tributary.runtime.distributed.GroupRecord.AssignmentRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.PulsarClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's work, while this worker leads: keep the published assignment equal to what the
 * {@link Assignor} makes of the members and connectors now.
 *
 * <p>Life of a leadership: {@link #elected()} opens the {@link AssignmentPublisher} (fencing any
 * earlier leader), refreshes the assignments view so that it holds the last generation published
 * by anyone, and rebalances. It then rebalances when asked ({@link #requestRebalance()}, after a
 * config change) and every {@code membershipCheckInterval}, when it lists the members from the
 * broker: a member that joined or left shows there, and Pulsar alone decides who is listed. It
 * publishes only when the result differs from the assignment in force. {@link #deposed()}, or a
 * publish that the broker fences, ends it; after a fence the membership asks the broker who leads
 * ({@link GroupMembership#fenced()}), and elects this worker again if the broker still says so.
 *
 * <p>Threads: its own single thread does all the work; the public methods only hand it events, and
 * may be called from any thread.
 */
public final class GroupLeader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupLeader.class);

    private final PulsarClient client;
    private final GroupTopics topics;
    private final GroupMembership membership;
    private final GroupTopicView assignments;
    private final GroupTopicView status;
    private final Assignor assignor;
    private final Supplier<Map<String, Integer>> connectors;
    private final GroupRecordCodec codec;
    private final Duration membershipCheckInterval;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean rebalanceQueued = new AtomicBoolean();
    /** How long opening the fencing producer, and then reading the assignments to their end, may each take. */
    private static final Duration TAKE_OVER_TIMEOUT = Duration.ofSeconds(30);
    /** Only touched on {@link #thread}. */
    private volatile AssignmentPublisher publisher;
    private ScheduledFuture<?> periodic;
    /** The last assignment this leader published, which its view may not hold yet. */
    private Assignment published = Assignment.NONE;
    /**
     * How long the leader waits for a member to report that it stopped what it gives up, before it
     * hands that work on anyway (the offset store fences the slow member's commits then).
     */
    static final Duration HAND_OVER_TIMEOUT = Duration.ofSeconds(60);
    /** The first step of a hand-over, until every giving member applied it or left; only touched on {@link #thread}. */
    private HandOverWait handOver;

    /** A published first step: {@code givers} must apply {@code generation} before the second step. */
    private record HandOverWait(long generation, Set<String> givers, long deadlineNanos) {
        HandOverWait {
            givers = Set.copyOf(givers);
        }
    }

    /**
     * @param client the client that the assignment publisher alone uses, on a connection of its own
     *     (see {@link GroupMember#start})
     * @param connectors per connector that should run now, its number of tasks (see {@link Assignor#assign})
     * @param status the status topic's view, where members report the generation they applied
     * @param membershipCheckInterval how often the leader lists the members
     */
    public GroupLeader(PulsarClient client, GroupTopics topics, GroupMembership membership, GroupTopicView assignments,
            GroupTopicView status, Assignor assignor, Supplier<Map<String, Integer>> connectors, GroupRecordCodec codec,
            Duration membershipCheckInterval) {
        this.client = requireNonNull(client, "client is null");
        this.topics = requireNonNull(topics, "topics is null");
        this.membership = requireNonNull(membership, "membership is null");
        this.assignments = requireNonNull(assignments, "assignments is null");
        this.status = requireNonNull(status, "status is null");
        this.assignor = requireNonNull(assignor, "assignor is null");
        this.connectors = requireNonNull(connectors, "connectors is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.membershipCheckInterval = requireNonNull(membershipCheckInterval, "membershipCheckInterval is null");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "group-leader-" + membership.self().workerId());
            t.setDaemon(true);
            return t;
        });
    }

    /** This worker now leads: take over the assignments topic and rebalance. */
    public void elected() {
        submit(this::takeOver);
    }

    /** This worker no longer leads: publish nothing more. */
    public void deposed() {
        submit(this::stepDown);
    }

    /** Rebalances soon, if this worker leads; for a change of connectors or task counts. */
    public void requestRebalance() {
        // A burst of config records (a hundred connectors created at once) makes one rebalance, not a hundred.
        if (rebalanceQueued.compareAndSet(false, true)) {
            submit(() -> {
                rebalanceQueued.set(false);
                rebalance();
            });
        }
    }

    /** Hands {@code work} to the leader's thread; after {@link #close()}, drops it: a closed leader leads nothing. */
    private void submit(Runnable work) {
        try {
            thread.execute(work);
        } catch (RejectedExecutionException e) {
            LOG.debug("worker {} is closing its leader: event dropped", membership.self().workerId());
        }
    }

    /** Whether this worker holds the assignments topic now. */
    public boolean isActive() {
        return publisher != null;
    }

    private void takeOver() {
        if (publisher != null) {
            return;
        }
        AssignmentPublisher opened = null;
        try {
            opened = AssignmentPublisher.open(client, topics, membership.self().workerId(), codec)
                    .get(TAKE_OVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // Nobody else can publish now: what the view reads up to here is the last word.
            assignments.refresh().get(TAKE_OVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (opened != null) {
                opened.close();
            }
            LOG.warn("worker {} leads but could not take over {} ({}); it tries again in {} ms",
                    membership.self().workerId(), topics.assignments(), e.getClass().getSimpleName(),
                    membershipCheckInterval.toMillis());
            if (periodic == null) {
                periodic = thread.scheduleWithFixedDelay(this::retryTakeOver, membershipCheckInterval.toMillis(),
                        membershipCheckInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (!membership.isLeader()) {
            // Deposed meanwhile: the stepDown queued behind this finds nothing to undo.
            opened.close();
            return;
        }
        publisher = opened;
        rebalance();
        if (periodic == null) {
            periodic = thread.scheduleWithFixedDelay(this::rebalance, membershipCheckInterval.toMillis(),
                    membershipCheckInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void retryTakeOver() {
        if (publisher == null && membership.isLeader()) {
            takeOver();
        } else {
            rebalance();
        }
    }

    private void stepDown() {
        handOver = null;
        if (periodic != null) {
            periodic.cancel(false);
            periodic = null;
        }
        if (publisher != null) {
            publisher.close();
            publisher = null;
            LOG.info("worker {} stopped publishing assignments", membership.self().workerId());
        }
    }

    private void rebalance() {
        if (publisher == null) {
            return;
        }
        try {
            List<Member> members = membership.members();
            List<String> ids = members.stream().map(Member::workerId).toList();
            if (handOver != null) {
                if (!handedOver(handOver, ids)) {
                    return;
                }
                handOver = null;
            }
            Assignment inView = latest(assignments);
            Assignment previous = inView.generation() >= published.generation() ? inView : published;
            SortedMap<String, WorkerAssignment> plan = assignor.assign(previous, ids, connectors.get());
            if (plan.equals(previous.workers())) {
                return;
            }
            Map<String, String> urls = new TreeMap<>();
            members.forEach(m -> urls.put(m.workerId(), m.restUrl()));
            SortedMap<String, WorkerAssignment> moving = HandOver.moving(previous, plan, ids);
            if (!moving.isEmpty()) {
                // Step one: the givers stop what moves (and commit); step two, once they applied it, gives it on.
                published = publisher.publish(previous, HandOver.withoutMoving(plan, moving), urls);
                handOver = new HandOverWait(published.generation(), moving.keySet(),
                        System.nanoTime() + HAND_OVER_TIMEOUT.toNanos());
                LOG.info("generation {}: {} give up {} before it moves", published.generation(), moving.keySet(),
                        moving.values());
                return;
            }
            published = publisher.publish(previous, plan, urls);
        } catch (AssignmentFencedException e) {
            LOG.warn("{}; it stops leading and asks the broker who leads", e.getMessage());
            stepDown();
            membership.fenced();
        } catch (GroupAdminException e) {
            LOG.warn("worker {} could not rebalance group {} now: {}; it tries again in {} ms",
                    membership.self().workerId(), topics.groupId(), e.getMessage(), membershipCheckInterval.toMillis());
        } catch (RuntimeException e) {
            LOG.error("worker {} could not rebalance group {}", membership.self().workerId(), topics.groupId(), e);
        }
    }

    /**
     * Whether every giver of {@code wait} applied its generation or left the group; after
     * {@link #HAND_OVER_TIMEOUT}, true anyway, with a warning.
     */
    private boolean handedOver(HandOverWait wait, List<String> members) {
        List<String> waitingFor = wait.givers().stream().filter(members::contains)
                .filter(giver -> applied(giver) < wait.generation()).toList();
        if (waitingFor.isEmpty()) {
            return true;
        }
        if (System.nanoTime() - wait.deadlineNanos() >= 0) {
            LOG.warn("{} did not report generation {} applied within {} s; what they give up moves anyway, and the"
                    + " offset store refuses their late commits", waitingFor, wait.generation(),
                    HAND_OVER_TIMEOUT.toSeconds());
            return true;
        }
        return false;
    }

    /** The last generation {@code workerId} reported applied, or -1. */
    private long applied(String workerId) {
        return status.get(GroupRecord.appliedKey(workerId)).filter(AppliedRecord.class::isInstance)
                .map(r -> ((AppliedRecord) r).generation()).orElse(-1L);
    }

    /** The assignment in force as {@code view} holds it, or {@link Assignment#NONE}. */
    public static Assignment latest(GroupTopicView view) {
        Optional<GroupRecord> record = view.get(GroupRecord.ASSIGNMENT_KEY);
        return record.filter(AssignmentRecord.class::isInstance).map(r -> ((AssignmentRecord) r).assignment())
                .orElse(Assignment.NONE);
    }

    @Override
    public void close() {
        submit(this::stepDown);
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
