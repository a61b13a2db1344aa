package dev.tributary.bench.replay;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link ReplayStats}: adders, since every server thread bumps them. */
final class StatsCounters {
    final LongAdder getRecordsCalls = new LongAdder();
    final LongAdder recordsServed = new LongAdder();
    final LongAdder bytesServed = new LongAdder();
    final LongAdder responseBytes = new LongAdder();
    final LongAdder throttledCalls = new LongAdder();
    final LongAdder emptyResponses = new LongAdder();
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();

    void call(String operation) {
        operations.computeIfAbsent(operation, o -> new LongAdder()).increment();
    }

    ReplayStats snapshot(long serverCpuNanos) {
        Map<String, Long> calls = new TreeMap<>();
        operations.forEach((operation, count) -> calls.put(operation, count.sum()));
        return new ReplayStats(getRecordsCalls.sum(), recordsServed.sum(), bytesServed.sum(), responseBytes.sum(),
                throttledCalls.sum(), emptyResponses.sum(), calls, serverCpuNanos);
    }
}
