package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssignmentDiffTest {
    private static WorkerAssignment runs(List<String> connectors, List<ConnectorTaskId> tasks) {
        return new WorkerAssignment(new TreeSet<>(connectors), new TreeSet<>(tasks));
    }

    @Test
    void stopsWhatIsGoneAndStartsWhatIsNewAndLeavesTheRest() {
        ConnectorTaskId x0 = new ConnectorTaskId("x", 0);
        ConnectorTaskId x1 = new ConnectorTaskId("x", 1);
        ConnectorTaskId y0 = new ConnectorTaskId("y", 0);

        AssignmentDiff diff = AssignmentDiff.between(runs(List.of("x"), List.of(x0, x1)), runs(List.of("y"), List.of(x1, y0)));

        assertThat(diff.stopConnectors()).containsExactly("x");
        assertThat(diff.stopTasks()).containsExactly(x0);
        assertThat(diff.startConnectors()).containsExactly("y");
        assertThat(diff.startTasks()).containsExactly(y0);
        assertThat(diff.isEmpty()).isFalse();
    }

    @Test
    void theSameAssignmentChangesNothing() {
        WorkerAssignment same = runs(List.of("x"), List.of(new ConnectorTaskId("x", 0)));
        assertThat(AssignmentDiff.between(same, same).isEmpty()).isTrue();
        assertThat(AssignmentDiff.between(WorkerAssignment.EMPTY, same).startTasks()).hasSize(1);
        assertThat(AssignmentDiff.between(same, WorkerAssignment.EMPTY).stopConnectors()).containsExactly("x");
    }
}
