package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * One task of a connector, as the group assigns it: the connector's name and the task's index.
 *
 * @param connector the connector's name
 * @param task the task's index, from 0
 */
public record ConnectorTaskId(String connector, int task) implements Comparable<ConnectorTaskId> {
    private static final Comparator<ConnectorTaskId> ORDER =
            Comparator.comparing(ConnectorTaskId::connector).thenComparingInt(ConnectorTaskId::task);

    public ConnectorTaskId {
        requireNonNull(connector, "connector is null");
        if (task < 0) {
            throw new IllegalArgumentException("task is negative: " + task);
        }
    }

    @Override
    public int compareTo(ConnectorTaskId other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return connector + "-" + task;
    }
}
