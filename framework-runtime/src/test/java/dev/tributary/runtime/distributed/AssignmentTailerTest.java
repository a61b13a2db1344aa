package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tailer fed directly, without a view: what it tells its listener, in which order. */
class AssignmentTailerTest {
    private static final ConnectorTaskId X0 = new ConnectorTaskId("x", 0);
    private static final ConnectorTaskId X1 = new ConnectorTaskId("x", 1);

    private final List<String> told = Collections.synchronizedList(new ArrayList<>());
    private final AssignmentTailer tailer = new AssignmentTailer("me", (assignment, diff) ->
            told.add(assignment.generation() + " stop " + diff.stopTasks() + " start " + diff.startTasks()));

    @AfterEach
    void close() {
        tailer.close();
    }

    private static Assignment assignment(long generation, ConnectorTaskId... mine) {
        TreeMap<String, WorkerAssignment> workers = new TreeMap<>();
        workers.put("me", new WorkerAssignment(new TreeSet<>(), new TreeSet<>(List.of(mine))));
        workers.put("other", WorkerAssignment.EMPTY);
        return new Assignment(generation, "leader", workers);
    }

    private void awaitTold(String... expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(told).containsExactly(expected));
    }

    @Test
    void followsGenerationsInOrderAndIgnoresOlderOnes() {
        tailer.offer(assignment(1, X0));
        tailer.offer(assignment(3, X1));
        tailer.offer(assignment(2, X0));
        tailer.offer(assignment(3, X0));

        awaitTold("1 stop [] start [x-0]", "3 stop [x-0] start [x-1]");
    }

    @Test
    void aCutOffStopsEverythingHoldsLaterAssignmentsAndAReconnectAppliesTheLatest() {
        tailer.offer(assignment(1, X0));
        tailer.cutOff();
        tailer.offer(assignment(2, X0, X1));
        tailer.reconnected();

        awaitTold("1 stop [] start [x-0]", "0 stop [x-0] start []", "2 stop [] start [x-0, x-1]");
    }

    @Test
    void anAssignmentThatChangesNothingForThisWorkerIsNotTold() {
        tailer.offer(assignment(1, X0));
        tailer.offer(new Assignment(2, "leader", new TreeMap<>(Map.of("me",
                new WorkerAssignment(new TreeSet<>(), new TreeSet<>(List.of(X0)))))));
        tailer.offer(assignment(3));

        awaitTold("1 stop [] start [x-0]", "3 stop [x-0] start []");
    }
}
