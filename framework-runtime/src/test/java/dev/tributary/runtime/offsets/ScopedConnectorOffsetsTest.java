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
    void aMovedTasksStopTimeCommitRefusedByTheStoreIsDroppedNotRetried() {
        OffsetTracker zombie = new OffsetTracker();
        OffsetTracker stays = new OffsetTracker();
        workerOne.register(zombie, ConnectorOffsets.taskScope(0));
        workerOne.register(stays, ConnectorOffsets.taskScope(1));
        zombie.track(A, offset(1)).ack();
        workerOne.commit();

        OffsetTracker successor = new OffsetTracker();
        workerTwo.register(successor, ConnectorOffsets.taskScope(0));
        zombie.track(A, offset(9)).ack();
        // The zombie's task stops here after its successor started: its last offsets are handed over, then committed.
        workerOne.unregister(zombie);
        stays.track(B, offset(5)).ack();

        assertThat(workerOne.commit()).as("the other task's offsets go out; the refusal is no failure to retry")
                .containsOnly(Map.entry(B, offset(5)));
        assertThat(workerOne.pendingCount()).as("the refused offsets are not kept for a retry that cannot succeed")
                .isZero();
        assertThat(store.readAll("c")).as("the refused commit changed nothing")
                .containsOnly(Map.entry(A, offset(1)), Map.entry(B, offset(5)));
        assertThat(workerOne.offsets(java.util.List.of(A))).as("nor does it hide the store's offset on this worker")
                .containsOnly(Map.entry(A, offset(1)));
        assertThat(workerOne.commit()).as("the next commit has nothing left of it").isEmpty();

        successor.track(A, offset(2)).ack();
        assertThat(workerTwo.commit()).containsOnly(Map.entry(A, offset(2)));
        assertThat(store.readAll("c")).containsOnly(Map.entry(A, offset(2)), Map.entry(B, offset(5)));
    }

    @Test
    void aTaskThatStartedHereAgainCommitsTheOffsetsItsFencedPredecessorLeft() {
        OffsetTracker first = new OffsetTracker();
        workerOne.register(first, ConnectorOffsets.taskScope(0));
        first.track(A, offset(3)).ack();
        workerOne.unregister(first);
        // Moved away and back before the commit: the new claim here fences the old writer, not these offsets.
        workerTwo.register(new OffsetTracker(), ConnectorOffsets.taskScope(0));
        workerOne.register(new OffsetTracker(), ConnectorOffsets.taskScope(0));

        assertThat(workerOne.commit()).containsOnly(Map.entry(A, offset(3)));
        assertThat(store.readAll("c")).containsOnly(Map.entry(A, offset(3)));
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
