package dev.tributary.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.StreamRef;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.kinesis.reader.ShardAssignment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardAssignerTest {
    private static final StreamRef ORDERS = new StreamRef("orders", "arn:aws:kinesis:us-east-1:1:stream/orders");

    @Test
    void spreadsShardsRoundRobinAndSkipsFinishedOnes() {
        Map<StreamRef, List<ShardInfo>> shards = Map.of(ORDERS, List.of(
                open("s-0"), open("s-1"), open("s-2"), closed("s-3")));

        List<List<ShardAssignment>> tasks = ShardAssigner.assign(shards, Set.of("orders/s-3"), 2);

        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(0)).extracting(ShardAssignment::shardId).containsExactly("s-0", "s-2");
        assertThat(tasks.get(1)).extracting(ShardAssignment::shardId).containsExactly("s-1");
        assertThat(tasks.get(0).get(0).streamArn()).isEqualTo(ORDERS.arn());
    }

    @Test
    void childrenWaitForListedUnfinishedParentsOnly() {
        Map<StreamRef, List<ShardInfo>> shards = Map.of(ORDERS, List.of(
                closed("a"), closed("b"), new ShardInfo("merged", "a", "b", null),
                new ShardInfo("orphan", "expired-parent", null, null)));

        List<ShardAssignment> all = ShardAssigner.assign(shards, Set.of("orders/b"), 1).get(0);

        assertThat(all).extracting(ShardAssignment::shardId).containsExactly("a", "merged", "orphan");
        ShardAssignment merged = all.get(1);
        assertThat(merged.child()).isTrue();
        assertThat(merged.waitFor()).as("b is finished; a is not").containsExactly("a");
        ShardAssignment orphan = all.get(2);
        assertThat(orphan.child()).as("a child starts at TRIM_HORIZON").isTrue();
        assertThat(orphan.waitFor()).as("an expired parent is not waited for").isEmpty();
    }

    @Test
    void neverMoreTasksThanShardsButAlwaysOne() {
        assertThat(ShardAssigner.assign(Map.of(ORDERS, List.of(open("s-0"))), Set.of(), 4)).hasSize(1);
        assertThat(ShardAssigner.assign(Map.of(ORDERS, List.of()), Set.of(), 4)).singleElement()
                .satisfies(t -> assertThat(t).isEmpty());
    }

    @Test
    void severalStreamsShareTheTasks() {
        Map<StreamRef, List<ShardInfo>> shards = new LinkedHashMap<>();
        shards.put(ORDERS, List.of(open("s-0")));
        shards.put(new StreamRef("clicks", null), List.of(open("s-0")));

        List<List<ShardAssignment>> tasks = ShardAssigner.assign(shards, Set.of(), 2);

        assertThat(tasks).extracting(t -> t.get(0).stream()).containsExactly("clicks", "orders");
    }

    @Test
    void assignmentsCarryTheirStreamsCreationTimeThroughTheirEncoding() {
        List<ShardAssignment> assigned = ShardAssigner.assign(Map.of(ORDERS, List.of(open("s-0"))),
                Map.of("orders", 1_767_225_600_000L), Set.of(), 1).get(0);

        assertThat(assigned).singleElement().satisfies(a -> {
            assertThat(a.streamCreatedAt()).isEqualTo(1_767_225_600_000L);
            assertThat(a.open()).isTrue();
        });
        assertThat(ShardAssignment.decode(ShardAssignment.encode(assigned))).isEqualTo(assigned);
        // As written before assignments carried the creation time: unknown, so offsets are taken as they are.
        assertThat(ShardAssignment.decode("orders,,s-0,0,")).singleElement().satisfies(a -> {
            assertThat(a.streamCreatedAt()).isEqualTo(KinesisOffsets.UNKNOWN_CREATION);
            assertThat(a.open()).isFalse();
        });
    }

    @Test
    void assignmentsSurviveTheirTaskConfigEncoding() {
        List<ShardAssignment> assignments = List.of(
                new ShardAssignment("orders", "arn:aws:kinesis:us-east-1:1:stream/orders", "s-0", false, List.of()),
                new ShardAssignment("orders", "", "s-9", true, List.of("s-1", "s-2")));

        assertThat(ShardAssignment.decode(ShardAssignment.encode(assignments))).isEqualTo(assignments);
        assertThat(ShardAssignment.decode("")).isEmpty();
    }

    private static ShardInfo open(String id) {
        return new ShardInfo(id, null, null, null);
    }

    private static ShardInfo closed(String id) {
        return new ShardInfo(id, null, null, "999");
    }
}
