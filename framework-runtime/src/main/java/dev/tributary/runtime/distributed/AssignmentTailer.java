package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.distributed.GroupRecord.AssignmentRecord;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's side of assignments: it follows the assignments view and tells its {@link Listener}
 * what this worker must stop and start, as Pulsar's {@code FunctionAssignmentTailer} does.
 *
 * <ul>
 *   <li>An assignment whose generation is not above the last one applied is ignored (a replay, or
 *       a view that caught up late).</li>
 *   <li>{@link #cutOff()}: this worker stops everything it runs (the diff to nothing), and applies
 *       no assignment until {@link #reconnected()}, which reads the assignments to their end and
 *       applies the latest one.</li>
 * </ul>
 *
 * <p>Threads: the listener is called on the tailer's own single thread, one diff at a time, in
 * generation order; it should stop what the diff stops (flushing and committing) before it starts
 * anything, and return when done. The other methods may be called from any thread.
 */
public final class AssignmentTailer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentTailer.class);

    /** Told what to stop and start. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param assignment the assignment in force, or {@link Assignment#NONE} when cut off
         * @param diff what this worker stops and starts to follow it
         */
        void apply(Assignment assignment, AssignmentDiff diff);
    }

    /** How long a reconnected member waits to read the assignments to their end. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final String workerId;
    private final Listener listener;
    private final ExecutorService thread;
    private volatile GroupTopicView view;
    /** Only touched on {@link #thread}. */
    private WorkerAssignment running = WorkerAssignment.EMPTY;
    private Assignment latest = Assignment.NONE;
    private long applied;
    private boolean cut;

    public AssignmentTailer(String workerId, Listener listener) {
        this.workerId = requireNonNull(workerId, "workerId is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "assignment-tailer-" + workerId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts following {@code assignments}; the assignment in force, if any, is applied at once. */
    public void follow(GroupTopicView assignments) {
        view = requireNonNull(assignments, "assignments is null");
        assignments.listen((key, record) -> record.filter(AssignmentRecord.class::isInstance)
                .map(r -> ((AssignmentRecord) r).assignment())
                .ifPresent(this::offer));
    }

    /** Hands the tailer an assignment read from the view (a unit test feeds it here directly). */
    void offer(Assignment assignment) {
        submit(() -> onAssignment(assignment));
    }

    /** This worker is cut off from Pulsar: stop everything it runs. */
    public void cutOff() {
        submit(() -> {
            cut = true;
            change(Assignment.NONE, WorkerAssignment.EMPTY);
        });
    }

    /**
     * This worker is connected again: read the assignments to their end (the leader may have
     * moved this worker's work meanwhile), then run what the latest assignment gives it.
     */
    public void reconnected() {
        submit(() -> {
            cut = false;
            catchUp();
            change(latest, latest.of(workerId));
        });
    }

    private void catchUp() {
        GroupTopicView assignments = view;
        if (assignments == null) {
            return;
        }
        try {
            assignments.refresh().get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("worker {} could not read the assignments to their end after reconnecting ({}); it follows the"
                    + " last one it read, generation {}", workerId, e.getClass().getSimpleName(), latest.generation());
        }
        Assignment inView = GroupLeader.latest(assignments);
        if (inView.generation() > applied) {
            applied = inView.generation();
            latest = inView;
        }
    }

    /** Hands {@code work} to the tailer's thread; after {@link #close()}, drops it: a closed member runs nothing. */
    private void submit(Runnable work) {
        try {
            thread.execute(work);
        } catch (RejectedExecutionException e) {
            LOG.debug("worker {} stopped tailing assignments: event dropped", workerId);
        }
    }

    private void onAssignment(Assignment assignment) {
        if (assignment.generation() <= applied) {
            return;
        }
        applied = assignment.generation();
        latest = assignment;
        if (cut) {
            LOG.info("worker {} is cut off from Pulsar: assignment generation {} waits until it is connected again",
                    workerId, assignment.generation());
            return;
        }
        change(assignment, assignment.of(workerId));
    }

    private void change(Assignment assignment, WorkerAssignment next) {
        AssignmentDiff diff = AssignmentDiff.between(running, next);
        running = next;
        if (diff.isEmpty()) {
            return;
        }
        LOG.info("worker {} follows assignment generation {}: stops {} {}, starts {} {}", workerId,
                assignment.generation(), diff.stopConnectors(), diff.stopTasks(), diff.startConnectors(),
                diff.startTasks());
        try {
            listener.apply(assignment, diff);
        } catch (RuntimeException e) {
            LOG.error("worker {} failed to follow assignment generation {}", workerId, assignment.generation(), e);
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
