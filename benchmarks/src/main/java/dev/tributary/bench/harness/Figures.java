package dev.tributary.bench.harness;

import org.HdrHistogram.Histogram;

/**
 * What one subject did in one scenario, over the scenario's measuring window.
 *
 * @param kind which subject
 * @param seconds the window's length
 * @param records messages the broker took in during the window
 * @param recordBytes payload bytes per record
 * @param cpuSeconds the subject process's CPU time during the window
 * @param peakLiveHeap the largest heap in use after a collection (the live set), over the whole run
 * @param peakHeapUsed the largest heap in use, garbage included, over the whole run
 * @param peakThreads the most live threads, over the whole run
 * @param getRecordsCalls GetRecords calls the endpoint answered during the window
 * @param shards the stream's shards
 * @param latencyMicros fetch-to-consumer latency, or null when not measured
 * @param fromArrivalMicros arrival-in-the-stream-to-consumer latency, or null when not measured
 */
record Figures(Subject.Kind kind, double seconds, long records, int recordBytes, double cpuSeconds, long peakLiveHeap,
        long peakHeapUsed, int peakThreads, long getRecordsCalls, int shards, Histogram latencyMicros,
        Histogram fromArrivalMicros) {

    /** Figures without latency from arrival (every scenario but the latency one). */
    Figures(Subject.Kind kind, double seconds, long records, int recordBytes, double cpuSeconds, long peakLiveHeap,
            long peakHeapUsed, int peakThreads, long getRecordsCalls, int shards, Histogram latencyMicros) {
        this(kind, seconds, records, recordBytes, cpuSeconds, peakLiveHeap, peakHeapUsed, peakThreads, getRecordsCalls,
                shards, latencyMicros, null);
    }

    double recordsPerSecond() {
        return records / seconds;
    }

    /** Payload megabytes (10^6 bytes) per second. */
    double megabytesPerSecond() {
        return records * (double) recordBytes / 1e6 / seconds;
    }

    /** CPU seconds per gigabyte (10^9 bytes) of payload moved; infinite when nothing moved. */
    double cpuSecondsPerGigabyte() {
        double gigabytes = records * (double) recordBytes / 1e9;
        return gigabytes == 0 ? Double.POSITIVE_INFINITY : cpuSeconds / gigabytes;
    }

    /** Average share of one core, 1.0 being a whole core. */
    double cores() {
        return cpuSeconds / seconds;
    }

    double getRecordsPerShardPerSecond() {
        return shards == 0 ? 0 : getRecordsCalls / (double) shards / seconds;
    }
}
