package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AssignorTest {
    private final Assignor assignor = new Assignor();

    private static Assignment published(SortedMap<String, WorkerAssignment> workers) {
        return new Assignment(1, "w", workers);
    }

    @Test
    void spreadsTwoConnectorsOfThreeTasksAndOneOfOneOverThreeWorkers() {
        SortedMap<String, WorkerAssignment> plan = assignor.assign(Assignment.NONE, List.of("a", "b", "c"),
                Map.of("kinesis-1", 3, "kinesis-2", 3, "datagen", 1));

        assertThat(plan).containsOnlyKeys("a", "b", "c");
        assertThat(plan.values()).allSatisfy(w -> assertThat(w.tasks()).hasSizeBetween(2, 3));
        assertThat(plan.values()).allSatisfy(w -> assertThat(w.connectors()).hasSizeBetween(1, 1));
        // Each worker runs one task of each Kinesis connector: a connector's tasks spread.
        assertThat(plan.values()).allSatisfy(w -> {
            assertThat(w.tasks()).filteredOn(t -> t.connector().equals("kinesis-1")).hasSize(1);
            assertThat(w.tasks()).filteredOn(t -> t.connector().equals("kinesis-2")).hasSize(1);
        });
    }

    @Test
    void aJoiningWorkerTakesItsShareAndNothingElseMoves() {
        Map<String, Integer> connectors = Map.of("x", 6, "y", 3);
        SortedMap<String, WorkerAssignment> before = assignor.assign(Assignment.NONE, List.of("a", "b", "c"), connectors);

        SortedMap<String, WorkerAssignment> after = assignor.assign(published(before), List.of("a", "b", "c", "d"),
                connectors);

        assertThat(after.get("d").tasks()).hasSize(2);
        for (String worker : List.of("a", "b", "c")) {
            assertThat(before.get(worker).tasks()).containsAll(after.get(worker).tasks());
        }
    }

    @Test
    void aLeavingWorkersUnitsAreTheOnlyOnesThatMove() {
        Map<String, Integer> connectors = Map.of("x", 7, "y", 2, "z", 0);
        SortedMap<String, WorkerAssignment> before = assignor.assign(Assignment.NONE, List.of("a", "b", "c"), connectors);

        SortedMap<String, WorkerAssignment> after = assignor.assign(published(before), List.of("a", "c"), connectors);

        for (String worker : List.of("a", "c")) {
            assertThat(after.get(worker).tasks()).containsAll(before.get(worker).tasks());
            assertThat(after.get(worker).connectors()).containsAll(before.get(worker).connectors());
        }
        assertThat(after.get("a").connectors().size() + after.get("c").connectors().size()).isEqualTo(3);
    }

    @Test
    void noMembersRunNothingAndAStoppedConnectorIsLeftOut() {
        assertThat(assignor.assign(Assignment.NONE, List.of(), Map.of("x", 3))).isEmpty();
        SortedMap<String, WorkerAssignment> plan = assignor.assign(Assignment.NONE, List.of("a"), Map.of("x", 2));
        assertThat(plan.get("a").connectors()).containsExactly("x");
        assertThat(plan.get("a").tasks()).containsExactly(new ConnectorTaskId("x", 0), new ConnectorTaskId("x", 1));
    }

    @Test
    void refusesANegativeTaskCount() {
        assertThatThrownBy(() -> assignor.assign(Assignment.NONE, List.of("a"), Map.of("x", -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
    }

    /**
     * Random sequences of joins, leaves and connector changes. After each step the result must be
     * complete, balanced, deterministic, stable, and move exactly as few units as any balanced
     * assignment could: the bound is computed here from the counts alone, not from the assignor.
     */
    @Test
    void randomSequencesStayBalancedAndMoveTheFewestUnits() {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            List<String> members = new ArrayList<>(List.of("w0"));
            Map<String, Integer> connectors = new TreeMap<>();
            int nextWorker = 1;
            int nextConnector = 0;
            Assignment current = Assignment.NONE;
            for (int step = 0; step < 40; step++) {
                String event;
                int dice = random.nextInt(100);
                if (dice < 25 && members.size() < 9) {
                    members.add("w" + nextWorker++);
                    event = "join";
                } else if (dice < 45 && members.size() > 1) {
                    members.remove(random.nextInt(members.size()));
                    event = "leave";
                } else if (dice < 75 || connectors.isEmpty()) {
                    connectors.put("c" + nextConnector++, random.nextInt(7));
                    event = "add connector";
                } else if (dice < 88) {
                    List<String> names = new ArrayList<>(connectors.keySet());
                    connectors.remove(names.get(random.nextInt(names.size())));
                    event = "remove connector";
                } else {
                    List<String> names = new ArrayList<>(connectors.keySet());
                    connectors.put(names.get(random.nextInt(names.size())), random.nextInt(7));
                    event = "change task count";
                }
                String where = "seed " + seed + " step " + step + " (" + event + ", members " + members
                        + ", connectors " + connectors + ")";
                SortedMap<String, WorkerAssignment> next = assignor.assign(current, members, connectors);

                checkComplete(next, members, connectors, where);
                checkBalanced(next, where);
                checkFewestMoves(current, next, members, allTasks(connectors), WorkerAssignment::tasks, where);
                checkFewestMoves(current, next, members, new TreeSet<>(connectors.keySet()),
                        WorkerAssignment::connectors, where);

                List<String> shuffled = new ArrayList<>(members);
                Collections.shuffle(shuffled, random);
                Map<String, Integer> reordered = new LinkedHashMap<>();
                List<String> names = new ArrayList<>(connectors.keySet());
                Collections.shuffle(names, random);
                names.forEach(n -> reordered.put(n, connectors.get(n)));
                assertThat(assignor.assign(current, shuffled, reordered)).as("deterministic, " + where).isEqualTo(next);

                Assignment published = new Assignment(current.generation() + 1, "w", next);
                assertThat(assignor.assign(published, members, connectors)).as("stable, " + where).isEqualTo(next);
                current = published;
            }
        }
    }

    /**
     * A previous assignment that this assignor did not make (another version's leader, or one
     * whose members and connectors changed a lot meanwhile): uneven, naming departed workers and
     * deleted connectors, leaving units out. The result must still be complete, balanced and move
     * no more than it must.
     */
    @Test
    void anyPreviousAssignmentIsRepairedWithTheFewestMoves() {
        for (long seed = 1; seed <= 500; seed++) {
            Random random = new Random(seed);
            List<String> members = new ArrayList<>();
            int memberCount = 1 + random.nextInt(6);
            for (int i = 0; i < memberCount; i++) {
                members.add("w" + i);
            }
            Map<String, Integer> connectors = new TreeMap<>();
            int connectorCount = random.nextInt(8);
            for (int i = 0; i < connectorCount; i++) {
                connectors.put("c" + i, random.nextInt(9));
            }
            List<String> holders = new ArrayList<>(members);
            holders.add("departed");
            Map<String, TreeSet<String>> previousConnectors = new TreeMap<>();
            Map<String, TreeSet<ConnectorTaskId>> previousTasks = new TreeMap<>();
            holders.forEach(h -> {
                previousConnectors.put(h, new TreeSet<>());
                previousTasks.put(h, new TreeSet<>());
            });
            Map<String, Integer> before = new TreeMap<>(connectors);
            before.put("deleted", 2);
            before.forEach((name, count) -> {
                if (random.nextInt(4) > 0) {
                    previousConnectors.get(holders.get(random.nextInt(holders.size()))).add(name);
                }
                // Skewed towards the first holders, so the previous assignment is uneven.
                for (int i = 0; i < count; i++) {
                    if (random.nextInt(5) > 0) {
                        int holder = Math.min(random.nextInt(holders.size()), random.nextInt(holders.size()));
                        previousTasks.get(holders.get(holder)).add(new ConnectorTaskId(name, i));
                    }
                }
            });
            TreeMap<String, WorkerAssignment> workers = new TreeMap<>();
            holders.forEach(h -> workers.put(h, new WorkerAssignment(previousConnectors.get(h), previousTasks.get(h))));
            Assignment previous = new Assignment(9, "old-leader", workers);
            String where = "seed " + seed + " (members " + members + ", connectors " + connectors + ", previous "
                    + workers + ")";

            SortedMap<String, WorkerAssignment> next = assignor.assign(previous, members, connectors);

            checkComplete(next, members, connectors, where);
            checkBalanced(next, where);
            checkFewestMoves(previous, next, members, allTasks(connectors), WorkerAssignment::tasks, where);
            checkFewestMoves(previous, next, members, new TreeSet<>(connectors.keySet()), WorkerAssignment::connectors,
                    where);
        }
    }

    private static Set<ConnectorTaskId> allTasks(Map<String, Integer> connectors) {
        Set<ConnectorTaskId> tasks = new TreeSet<>();
        connectors.forEach((name, count) -> {
            for (int i = 0; i < count; i++) {
                tasks.add(new ConnectorTaskId(name, i));
            }
        });
        return tasks;
    }

    private static void checkComplete(SortedMap<String, WorkerAssignment> next, List<String> members,
            Map<String, Integer> connectors, String where) {
        assertThat(next.keySet()).as(where).containsExactlyInAnyOrderElementsOf(members);
        List<ConnectorTaskId> tasks = new ArrayList<>();
        List<String> instances = new ArrayList<>();
        next.values().forEach(w -> {
            tasks.addAll(w.tasks());
            instances.addAll(w.connectors());
        });
        assertThat(tasks).as("every task once, " + where).containsExactlyInAnyOrderElementsOf(allTasks(connectors));
        assertThat(instances).as("every connector once, " + where)
                .containsExactlyInAnyOrderElementsOf(connectors.keySet());
    }

    private static void checkBalanced(SortedMap<String, WorkerAssignment> next, String where) {
        IntSummary tasks = new IntSummary();
        IntSummary instances = new IntSummary();
        next.values().forEach(w -> {
            tasks.add(w.tasks().size());
            instances.add(w.connectors().size());
        });
        assertThat(tasks.max - tasks.min).as("tasks per worker, " + where).isLessThanOrEqualTo(1);
        assertThat(instances.max - instances.min).as("connectors per worker, " + where).isLessThanOrEqualTo(1);
    }

    /**
     * A unit moves when a member ran it before and another member runs it now. Any balanced result
     * gives each member at most its floor share, plus one for as many members as the remainder: so
     * at most {@code sum(min(held, floor)) + min(remainder, members holding more than floor)} stay.
     */
    private static <T> void checkFewestMoves(Assignment previous, SortedMap<String, WorkerAssignment> next,
            List<String> members, Set<T> units, Function<WorkerAssignment, Set<T>> unitsOf, String where) {
        int moved = 0;
        int stayable = 0;
        Map<String, Integer> held = new HashMap<>();
        for (String member : members) {
            for (T unit : unitsOf.apply(previous.of(member))) {
                if (!units.contains(unit)) {
                    continue;
                }
                held.merge(member, 1, Integer::sum);
                stayable++;
                if (!unitsOf.apply(next.get(member)).contains(unit)) {
                    moved++;
                }
            }
        }
        int floor = units.size() / members.size();
        int remainder = units.size() % members.size();
        int keepable = 0;
        int aboveFloor = 0;
        for (String member : members) {
            int h = held.getOrDefault(member, 0);
            keepable += Math.min(h, floor);
            if (h > floor) {
                aboveFloor++;
            }
        }
        keepable += Math.min(remainder, aboveFloor);
        assertThat(moved).as("units moved, " + where).isEqualTo(stayable - keepable);
    }

    private static final class IntSummary {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;

        void add(int value) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
    }
}
