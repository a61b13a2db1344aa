package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HandOverTest {

    private static ConnectorTaskId task(String connector, int n) {
        return new ConnectorTaskId(connector, n);
    }

    private static WorkerAssignment work(Set<String> connectors, ConnectorTaskId... tasks) {
        return new WorkerAssignment(new TreeSet<>(connectors), new TreeSet<>(List.of(tasks)));
    }

    private static Assignment assignment(Map<String, WorkerAssignment> workers) {
        return new Assignment(3, "a", new TreeMap<>(workers));
    }

    @Test
    void whatMovesFromALiveMemberToAnotherIsHandedOver() {
        Assignment previous = assignment(Map.of(
                "a", work(Set.of("c1"), task("c1", 0), task("c1", 1)),
                "b", work(Set.of(), task("c1", 2), task("c2", 0))));
        SortedMap<String, WorkerAssignment> plan = new TreeMap<>(Map.of(
                "a", work(Set.of(), task("c1", 0)),
                "b", work(Set.of(), task("c1", 2)),
                "d", work(Set.of("c1"), task("c1", 1), task("c2", 0))));

        SortedMap<String, WorkerAssignment> moving = HandOver.moving(previous, plan, List.of("a", "b", "d"));

        assertThat(moving).containsOnlyKeys("a", "b");
        assertThat(moving.get("a")).isEqualTo(work(Set.of("c1"), task("c1", 1)));
        assertThat(moving.get("b")).isEqualTo(work(Set.of(), task("c2", 0)));
        assertThat(HandOver.withoutMoving(plan, moving)).isEqualTo(new TreeMap<>(Map.of(
                "a", work(Set.of(), task("c1", 0)),
                "b", work(Set.of(), task("c1", 2)),
                "d", work(Set.of()))));
    }

    @Test
    void workOfAMemberThatLeftMovesAtOnce() {
        Assignment previous = assignment(Map.of(
                "a", work(Set.of(), task("c1", 0)),
                "gone", work(Set.of("c1"), task("c1", 1))));
        SortedMap<String, WorkerAssignment> plan = new TreeMap<>(Map.of(
                "a", work(Set.of("c1"), task("c1", 0), task("c1", 1))));

        assertThat(HandOver.moving(previous, plan, List.of("a"))).isEmpty();
    }

    @Test
    void unitsThePlanRunsNowhereAreStopsNotHandOvers() {
        Assignment previous = assignment(Map.of(
                "a", work(Set.of("deleted"), task("deleted", 0)),
                "b", work(Set.of())));
        SortedMap<String, WorkerAssignment> plan = new TreeMap<>(Map.of("a", work(Set.of()), "b", work(Set.of())));

        assertThat(HandOver.moving(previous, plan, List.of("a", "b"))).isEmpty();
    }

    @Test
    void newUnitsAndUnitsThatStayNeedNoHandOver() {
        Assignment previous = assignment(Map.of("a", work(Set.of("c1"), task("c1", 0))));
        SortedMap<String, WorkerAssignment> plan = new TreeMap<>(Map.of(
                "a", work(Set.of("c1"), task("c1", 0)),
                "b", work(Set.of("c2"), task("c2", 0))));

        assertThat(HandOver.moving(previous, plan, List.of("a", "b"))).isEmpty();
    }
}
