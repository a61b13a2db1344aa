package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How the leader moves work between two live members in two steps, so that a task never runs on
 * two workers at once: first it publishes the new assignment without what moves (the giving member
 * stops those units, committing their offsets, and reports the generation as applied), and only then
 * the assignment that gives them to their new owner. Work of a member that left needs no hand-over:
 * nobody runs it.
 *
 * <p>Pure functions of their arguments; safe from any thread.
 */
final class HandOver {
    private HandOver() {
    }

    /**
     * Per member of {@code previous} that is still a member, what {@code plan} gives to another member
     * (connector instances and tasks); members that give up nothing are left out. Units that
     * {@code plan} runs nowhere (a connector deleted or stopped) are plain stops, not hand-overs.
     */
    static SortedMap<String, WorkerAssignment> moving(Assignment previous, SortedMap<String, WorkerAssignment> plan,
            Collection<String> members) {
        requireNonNull(previous, "previous is null");
        requireNonNull(plan, "plan is null");
        requireNonNull(members, "members is null");
        Assignment next = new Assignment(previous.generation(), previous.leader(), plan);
        SortedMap<String, WorkerAssignment> moving = new TreeMap<>();
        previous.workers().forEach((owner, held) -> {
            if (!members.contains(owner)) {
                return;
            }
            var connectors = new TreeSet<String>();
            var tasks = new TreeSet<ConnectorTaskId>();
            held.connectors().stream().filter(c -> next.ownerOf(c).filter(o -> !o.equals(owner)).isPresent())
                    .forEach(connectors::add);
            held.tasks().stream().filter(t -> next.ownerOf(t).filter(o -> !o.equals(owner)).isPresent())
                    .forEach(tasks::add);
            if (!connectors.isEmpty() || !tasks.isEmpty()) {
                moving.put(owner, new WorkerAssignment(connectors, tasks));
            }
        });
        return moving;
    }

    /** {@code plan} without the units of {@code moving}: the first of the two steps. */
    static SortedMap<String, WorkerAssignment> withoutMoving(Map<String, WorkerAssignment> plan,
            Map<String, WorkerAssignment> moving) {
        var connectors = new TreeSet<String>();
        var tasks = new TreeSet<ConnectorTaskId>();
        moving.values().forEach(w -> {
            connectors.addAll(w.connectors());
            tasks.addAll(w.tasks());
        });
        SortedMap<String, WorkerAssignment> first = new TreeMap<>();
        plan.forEach((member, work) -> {
            var keptConnectors = new TreeSet<>(work.connectors());
            keptConnectors.removeAll(connectors);
            var keptTasks = new TreeSet<>(work.tasks());
            keptTasks.removeAll(tasks);
            first.put(member, new WorkerAssignment(keptConnectors, keptTasks));
        });
        return first;
    }
}
