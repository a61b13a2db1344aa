package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Decides which worker runs each connector instance and each task: a pure function of the
 * previous assignment, the members and the connectors, with no clock, no randomness and no I/O,
 * so that any worker would compute the same result from the same inputs.
 *
 * <ul>
 *   <li><b>Balanced:</b> tasks and connector instances are spread separately, each so that the
 *       most any member runs is at most one more than the least any member runs.</li>
 *   <li><b>Sticky:</b> a unit (connector instance or task) stays on the member that ran it
 *       whenever balance allows. Of the balanced results, it keeps the most units in place: the
 *       members that hold the most keep the spare "+1" places, and only the surplus above each
 *       member's share moves. Units of departed members and new units go to the members with room.</li>
 *   <li><b>Spread:</b> when a member must give up tasks, it gives up those of the connector it
 *       runs most tasks of; a task that moves goes, among the members with room, to the one that
 *       runs fewest tasks of the same connector, so a connector's tasks spread over the group.</li>
 *   <li><b>Deterministic:</b> ties are broken by worker id and unit order, never by iteration order.</li>
 * </ul>
 *
 * <p>Thread-safe: it keeps no state.
 */
public final class Assignor {

    /**
     * The new assignment, without generation or leader (the publisher adds both).
     *
     * @param previous the assignment in force; units of workers that are no longer members, or of
     *     connectors and tasks that no longer exist, are ignored
     * @param members the worker ids of the current members; none means nothing is assigned
     * @param connectors per connector that should run (target state running or paused), its number
     *     of tasks; a stopped connector is left out, and runs neither an instance nor tasks
     * @return per member, what it runs; every member is named, even one that runs nothing
     */
    public SortedMap<String, WorkerAssignment> assign(Assignment previous, Collection<String> members,
            Map<String, Integer> connectors) {
        requireNonNull(previous, "previous is null");
        SortedSet<String> workers = new TreeSet<>(requireNonNull(members, "members is null"));
        requireNonNull(connectors, "connectors is null");
        SortedSet<String> connectorUnits = new TreeSet<>();
        SortedSet<ConnectorTaskId> taskUnits = new TreeSet<>();
        connectors.forEach((name, count) -> {
            requireNonNull(name, "connector name is null");
            if (count == null || count < 0) {
                throw new IllegalArgumentException("connector " + name + " has a task count of " + count);
            }
            connectorUnits.add(name);
            for (int i = 0; i < count; i++) {
                taskUnits.add(new ConnectorTaskId(name, i));
            }
        });
        SortedMap<String, SortedSet<String>> connectorPlan = balance(workers, connectorUnits,
                held(previous, workers, WorkerAssignment::connectors), Function.identity());
        SortedMap<String, SortedSet<ConnectorTaskId>> taskPlan = balance(workers, taskUnits,
                held(previous, workers, WorkerAssignment::tasks), ConnectorTaskId::connector);
        SortedMap<String, WorkerAssignment> result = new TreeMap<>();
        for (String worker : workers) {
            result.put(worker, new WorkerAssignment(connectorPlan.get(worker), taskPlan.get(worker)));
        }
        return result;
    }

    /** Per member, the units it ran in {@code previous}; a unit named twice counts for the first worker in id order. */
    private static <T extends Comparable<T>> Map<String, SortedSet<T>> held(Assignment previous,
            SortedSet<String> workers, Function<WorkerAssignment, SortedSet<T>> units) {
        Map<String, SortedSet<T>> held = new HashMap<>();
        Set<T> seen = new HashSet<>();
        for (String worker : workers) {
            SortedSet<T> mine = new TreeSet<>();
            for (T unit : units.apply(previous.of(worker))) {
                if (seen.add(unit)) {
                    mine.add(unit);
                }
            }
            held.put(worker, mine);
        }
        return held;
    }

    private static <T extends Comparable<T>> SortedMap<String, SortedSet<T>> balance(SortedSet<String> workers,
            SortedSet<T> units, Map<String, SortedSet<T>> held, Function<T, String> connectorOf) {
        SortedMap<String, SortedSet<T>> plan = new TreeMap<>();
        for (String worker : workers) {
            SortedSet<T> kept = new TreeSet<>(held.get(worker));
            kept.retainAll(units);
            plan.put(worker, kept);
        }
        if (workers.isEmpty()) {
            return plan;
        }
        int base = units.size() / workers.size();
        int extra = units.size() % workers.size();
        // The spare places go to those who hold the most already: that keeps the most units in place.
        List<String> byHeld = new ArrayList<>(workers);
        byHeld.sort(Comparator.<String>comparingInt(w -> plan.get(w).size()).reversed()
                .thenComparing(Comparator.naturalOrder()));
        Map<String, Integer> capacity = new HashMap<>();
        for (int i = 0; i < byHeld.size(); i++) {
            capacity.put(byHeld.get(i), base + (i < extra ? 1 : 0));
        }
        for (String worker : workers) {
            SortedSet<T> kept = plan.get(worker);
            while (kept.size() > capacity.get(worker)) {
                kept.remove(surplus(kept, connectorOf));
            }
        }
        Set<T> placed = new HashSet<>();
        plan.values().forEach(placed::addAll);
        // Per member, how many units of each connector it holds: where a moving unit goes depends on it.
        Map<String, Map<String, Integer>> perConnector = new HashMap<>();
        plan.forEach((worker, mine) -> {
            Map<String, Integer> counts = new HashMap<>();
            mine.forEach(u -> counts.merge(connectorOf.apply(u), 1, Integer::sum));
            perConnector.put(worker, counts);
        });
        for (T unit : units) {
            if (placed.contains(unit)) {
                continue;
            }
            String connector = connectorOf.apply(unit);
            String target = null;
            int targetSame = Integer.MAX_VALUE;
            for (String worker : workers) {
                SortedSet<T> mine = plan.get(worker);
                if (mine.size() >= capacity.get(worker)) {
                    continue;
                }
                int same = perConnector.get(worker).getOrDefault(connector, 0);
                if (target == null || same < targetSame
                        || (same == targetSame && mine.size() < plan.get(target).size())) {
                    target = worker;
                    targetSame = same;
                }
            }
            // The capacities add up to the number of units, so a member with room always exists.
            plan.get(requireNonNull(target, "no member has room")).add(unit);
            perConnector.get(target).merge(connector, 1, Integer::sum);
        }
        return plan;
    }

    /** The unit a member gives up first: the last one of the connector it holds most units of. */
    private static <T extends Comparable<T>> T surplus(SortedSet<T> kept, Function<T, String> connectorOf) {
        Map<String, Integer> perConnector = new TreeMap<>();
        for (T unit : kept) {
            perConnector.merge(connectorOf.apply(unit), 1, Integer::sum);
        }
        String most = null;
        for (Map.Entry<String, Integer> e : perConnector.entrySet()) {
            if (most == null || e.getValue() > perConnector.get(most)) {
                most = e.getKey();
            }
        }
        T last = null;
        for (T unit : kept) {
            if (connectorOf.apply(unit).equals(most)) {
                last = unit;
            }
        }
        return last;
    }
}
