package dev.tributary.runtime.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.MemoryOffsetStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two ConnectorOffsets on one fencing store stand for one connector's tasks on two workers of a group. */
class ScopedConnectorOffsetsTest {
    private static final SourcePartition A = SourcePartition.of("shard", "a");
    private static final SourcePartition B = SourcePartition.of("shard", "b");

    private final MemoryOffsetStore store = new MemoryOffsetStore();
    private final ConnectorOffsets workerOne = new ConnectorOffsets("c", store, true);
    private final ConnectorOffsets workerTwo = new ConnectorOffsets("c", store, true);

    @Test
    void tasksOfOneConnectorOnTwoWorkersDoNotFenceEachOther() {
        assertThat(store.fencesScopes()).as("the test needs a store that fences").isTrue();
        OffsetTracker task0 = new OffsetTracker();
        OffsetTracker task1 = new OffsetTracker();
        workerOne.register(task0, ConnectorOffsets.taskScope(0));
        workerTwo.register(task1, ConnectorOffsets.taskScope(1));
        task0.track(A, offset(1)).ack();
        task1.track(B, offset(2)).ack();

        assertThat(workerOne.commit()).containsOnly(Map.entry(A, offset(1)));
        assertThat(workerTwo.commit()).containsOnly(Map.entry(B, offset(2)));
        assertThat(store.readAll("c")).containsOnly(Map.entry(A, offset(1)), Map.entry(B, offset(2)));
    }

    @Test
    void aZombieTaskCommitsNothingAfterItsSuccessorStarted() {
        OffsetTracker zombie = new OffsetTracker();
        workerOne.register(zombie, ConnectorOffsets.taskScope(0));
        zombie.track(A, offset(1)).ack();
        workerOne.commit();

        OffsetTracker successor = new OffsetTracker();
        workerTwo.register(successor, ConnectorOffsets.taskScope(0));
        zombie.track(A, offset(9)).ack();

        assertThatThrownBy(workerOne::commit).isInstanceOf(OffsetStoreException.class);
        assertThat(store.readAll("c")).as("the zombie's commit after the claim changed nothing")
                .containsOnly(Map.entry(A, offset(1)));
        assertThat(workerOne.pendingCount()).as("kept pending, never lost silently").isEqualTo(1);

        successor.track(A, offset(2)).ack();
        assertThat(workerTwo.commit()).containsOnly(Map.entry(A, offset(2)));
        assertThat(store.readAll("c")).containsOnly(Map.entry(A, offset(2)));
    }

    @Test
    void aStoppedTasksLastOffsetsGoOutThroughItsScope() {
        OffsetTracker task = new OffsetTracker();
        workerOne.register(task, ConnectorOffsets.taskScope(3));
        task.track(A, offset(4)).ack();
        workerOne.unregister(task);

        assertThat(workerOne.commit()).containsOnly(Map.entry(A, offset(4)));
        assertThat(store.readAll("c")).containsOnly(Map.entry(A, offset(4)));
        assertThat(workerOne.pendingCount()).isZero();
    }

    private static SourceOffset offset(long seq) {
        return SourceOffset.of("seq", seq);
    }
}
