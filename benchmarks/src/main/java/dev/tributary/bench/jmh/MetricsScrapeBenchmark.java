package dev.tributary.bench.jmh;

import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.metrics.TaskMetrics;
import dev.tributary.runtime.metrics.TaskPluginMetrics;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code /metrics} scrape of a worker with {@code tasks} Kinesis-like tasks, each with its
 * task series (latency windows filled) and four shards of five plugin series each, rendered to
 * the Prometheus text format. Scores are scrapes per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MetricsScrapeBenchmark {
    private static final int SHARDS_PER_TASK = 4;

    @Param({"1", "100"})
    int tasks;

    private MetricsRegistry registry;

    @Setup
    public void setUp() {
        registry = new MetricsRegistry();
        AtomicLong value = new AtomicLong(12_345);
        for (int t = 0; t < tasks; t++) {
            String connector = "orders-" + (t / 8);
            TaskMetrics task = registry.task(connector, t % 8);
            for (int i = 0; i < 1_000; i++) {
                task.recordPoll(10);
                task.recordWritten(512);
                task.recordSendToAck(1_000_000L + i * 1_000L);
                task.recordCommit(5_000_000L + i * 1_000L, true);
            }
            task.setQueueDepth(value::get);
            TaskPluginMetrics plugin = new TaskPluginMetrics(registry, connector, t % 8);
            for (int s = 0; s < SHARDS_PER_TASK; s++) {
                Map<String, String> labels = Map.of("stream", "orders", "shard", "shardId-00000000000" + s);
                plugin.gauge("kinesis_shard_millis_behind_latest", "Lag.", labels, value::get);
                plugin.counter("kinesis_shard_records_fetched_total", "Fetched.", labels, value::get);
                plugin.counter("kinesis_shard_bytes_fetched_total", "Bytes.", labels, value::get);
                plugin.counter("kinesis_shard_throttles_total", "Throttles.", labels, value::get);
                plugin.counter("kinesis_shard_iterator_renewals_total", "Renewals.", labels, value::get);
            }
        }
    }

    @Benchmark
    public String scrape() {
        return registry.scrape();
    }
}
