package dev.tributary.bench.replay;

import java.util.Map;

/**
 * What a {@link ReplayServer} has served since it started; every count is cumulative, so a
 * benchmark takes the difference of two snapshots.
 *
 * @param getRecordsCalls GetRecords calls answered with records or without, throttled ones excluded
 * @param recordsServed records returned by GetRecords
 * @param bytesServed payload bytes returned by GetRecords (before Base64, in JSON)
 * @param responseBytes bytes of every response body, all operations and errors included
 * @param throttledCalls GetRecords calls refused with ProvisionedThroughputExceededException
 * @param emptyResponses GetRecords calls that returned no record
 * @param operationCalls requests per operation name (such as {@code GetRecords}), errors included
 * @param serverCpuNanos CPU time of the server's threads (accepting, parsing, encoding, writing)
 */
public record ReplayStats(long getRecordsCalls, long recordsServed, long bytesServed, long responseBytes,
        long throttledCalls, long emptyResponses, Map<String, Long> operationCalls, long serverCpuNanos) {
    public ReplayStats {
        operationCalls = Map.copyOf(operationCalls);
    }

    /** Requests for {@code operation}, 0 when there were none. */
    public long calls(String operation) {
        return operationCalls.getOrDefault(operation, 0L);
    }
}
