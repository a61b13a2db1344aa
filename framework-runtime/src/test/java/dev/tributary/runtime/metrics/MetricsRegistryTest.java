package dev.tributary.runtime.metrics;

import static dev.tributary.runtime.metrics.Scrapes.family;
import static dev.tributary.runtime.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
    private final ManualNanoTime time = new ManualNanoTime();
    private final MetricsRegistry registry = new MetricsRegistry(time);

    @Test
    void rendersCounterExactly() {
        TaskMetrics task = registry.task("orders", 0);
        task.recordPoll(5);
        task.recordPoll(0);
        task.recordPoll(7);

        String scrape = registry.scrape();

        assertThat(family(scrape, "tributary_task_poll_calls_total")).isEqualTo("""
                # HELP tributary_task_poll_calls_total Calls to the source task's poll.
                # TYPE tributary_task_poll_calls_total counter
                tributary_task_poll_calls_total{connector="orders",task="0"} 3.0
                """);
        assertThat(family(scrape, "tributary_task_poll_records_total")).isEqualTo("""
                # HELP tributary_task_poll_records_total Records returned by the source task's poll.
                # TYPE tributary_task_poll_records_total counter
                tributary_task_poll_records_total{connector="orders",task="0"} 12.0
                """);
    }

    @Test
    void rendersSummaryExactly() {
        TaskMetrics task = registry.task("orders", 0);
        task.recordSendToAck(Duration.ofMillis(1).toNanos());
        task.recordSendToAck(Duration.ofMillis(2).toNanos());

        String scrape = registry.scrape();

        assertThat(family(scrape, "tributary_task_send_ack_latency_seconds")).isEqualTo("""
                # HELP tributary_task_send_ack_latency_seconds Seconds from handing a record to the Pulsar \
                producer until the broker acknowledged it.
                # TYPE tributary_task_send_ack_latency_seconds summary
                tributary_task_send_ack_latency_seconds{connector="orders",task="0",quantile="0.5"} 0.001
                tributary_task_send_ack_latency_seconds{connector="orders",task="0",quantile="0.99"} 0.002
                tributary_task_send_ack_latency_seconds{connector="orders",task="0",quantile="0.999"} 0.002
                tributary_task_send_ack_latency_seconds_count{connector="orders",task="0"} 2
                tributary_task_send_ack_latency_seconds_sum{connector="orders",task="0"} 0.003
                """);
        assertThat(family(scrape, "tributary_task_send_ack_latency_seconds_max")).isEqualTo("""
                # HELP tributary_task_send_ack_latency_seconds_max The largest value of \
                tributary_task_send_ack_latency_seconds in the last minute.
                # TYPE tributary_task_send_ack_latency_seconds_max gauge
                tributary_task_send_ack_latency_seconds_max{connector="orders",task="0"} 0.002
                """);
    }

    @Test
    void rendersCommitSummaryAndCountsByResult() {
        TaskMetrics task = registry.task("orders", 3);
        task.recordCommit(Duration.ofMillis(1).toNanos(), true);
        task.recordCommit(Duration.ofMillis(2).toNanos(), true);
        task.recordCommit(Duration.ofMillis(1).toNanos() / 2, false);

        String scrape = registry.scrape();

        assertThat(family(scrape, "tributary_task_offset_commit_latency_seconds")).isEqualTo("""
                # HELP tributary_task_offset_commit_latency_seconds Seconds one offset commit took, \
                successful or not.
                # TYPE tributary_task_offset_commit_latency_seconds summary
                tributary_task_offset_commit_latency_seconds{connector="orders",task="3",quantile="0.5"} 0.001
                tributary_task_offset_commit_latency_seconds{connector="orders",task="3",quantile="0.99"} 0.002
                tributary_task_offset_commit_latency_seconds_count{connector="orders",task="3"} 3
                tributary_task_offset_commit_latency_seconds_sum{connector="orders",task="3"} 0.0035
                """);
        assertThat(family(scrape, "tributary_task_offset_commits_total")).isEqualTo("""
                # HELP tributary_task_offset_commits_total Offset commits, by result.
                # TYPE tributary_task_offset_commits_total counter
                tributary_task_offset_commits_total{connector="orders",result="failure",task="3"} 1.0
                tributary_task_offset_commits_total{connector="orders",result="success",task="3"} 2.0
                """);
        assertThat(value(scrape, "tributary_task_offset_commit_latency_seconds_max{connector=\"orders\",task=\"3\"}"))
                .isEqualTo(0.002);
    }

    @Test
    void listsEveryTaskFamilyOnceByNameWithTasksSortedInsideIt() {
        registry.task("zebra", 0).recordSendFailure();
        registry.task("alpha", 1).recordSendFailure();
        registry.task("alpha", 0);

        String scrape = registry.scrape();

        assertThat(scrape.lines().filter(line -> line.startsWith("# TYPE ")).map(line -> line.split(" ")[2]))
                .containsExactly(
                        "tributary_task_bytes_written_total",
                        "tributary_task_offset_commit_latency_seconds",
                        "tributary_task_offset_commit_latency_seconds_max",
                        "tributary_task_offset_commits_total",
                        "tributary_task_poll_calls_total",
                        "tributary_task_poll_rate",
                        "tributary_task_poll_records_total",
                        "tributary_task_records_dead_lettered_total",
                        "tributary_task_records_skipped_total",
                        "tributary_task_records_written_total",
                        "tributary_task_send_ack_latency_seconds",
                        "tributary_task_send_ack_latency_seconds_max",
                        "tributary_task_send_failures_total");
        assertThat(family(scrape, "tributary_task_send_failures_total")).isEqualTo("""
                # HELP tributary_task_send_failures_total Records that Pulsar failed to take.
                # TYPE tributary_task_send_failures_total counter
                tributary_task_send_failures_total{connector="alpha",task="0"} 0.0
                tributary_task_send_failures_total{connector="alpha",task="1"} 1.0
                tributary_task_send_failures_total{connector="zebra",task="0"} 1.0
                """);
    }

    @Test
    void emptyWindowGivesNaNQuantilesAndZeroMax() {
        registry.task("orders", 0);

        String scrape = registry.scrape();

        String labels = "{connector=\"orders\",task=\"0\"";
        assertThat(value(scrape, "tributary_task_send_ack_latency_seconds" + labels + ",quantile=\"0.5\"}")).isNaN();
        assertThat(value(scrape, "tributary_task_send_ack_latency_seconds_count" + labels + "}")).isZero();
        assertThat(value(scrape, "tributary_task_send_ack_latency_seconds_max" + labels + "}")).isZero();
    }

    @Test
    void escapesLabelValuesAndHelpOfRegisteredSeries() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("path", "C:\\data\\\"new\"\nline");
        registry.register("tributary_test_gauge", "A \\ gauge\nover two lines.", labels, () -> 1.5);
        registry.task("say \"hi\"\\", 0).recordWritten(10);

        String scrape = registry.scrape();

        assertThat(family(scrape, "tributary_test_gauge")).isEqualTo("""
                # HELP tributary_test_gauge A \\\\ gauge\\nover two lines.
                # TYPE tributary_test_gauge gauge
                tributary_test_gauge{path="C:\\\\data\\\\\\"new\\"\\nline"} 1.5
                """);
        assertThat(scrape).contains("tributary_task_bytes_written_total{connector=\"say \\\"hi\\\"\\\\\",task=\"0\"} 10.0\n");
    }

    @Test
    void rendersRegisteredSeriesExactlyByNameWithSortedLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("zone", "b");
        labels.put("app", "w");
        registry.register("tributary_pool_size", "Threads in the pool.", labels, () -> 4);
        registry.register("tributary_pool_size", "Threads in the pool.", Map.of("zone", "a"), () -> 2);
        registry.registerCounter("tributary_restarts_total", "Task restarts.", Map.of(), () -> 7);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP tributary_pool_size Threads in the pool.
                # TYPE tributary_pool_size gauge
                tributary_pool_size{app="w",zone="b"} 4.0
                tributary_pool_size{zone="a"} 2.0
                # HELP tributary_restarts_total Task restarts.
                # TYPE tributary_restarts_total counter
                tributary_restarts_total 7.0
                """);
    }

    @Test
    void readsQueueDepthAtScrapeTime() {
        TaskMetrics task = registry.task("orders", 0);
        String series = "tributary_task_queue_depth{connector=\"orders\",task=\"0\"}";
        assertThat(registry.scrape()).doesNotContain("tributary_task_queue_depth");

        AtomicLong depth = new AtomicLong(5);
        task.setQueueDepth(depth::get);
        assertThat(value(registry.scrape(), series)).isEqualTo(5);

        depth.set(9);
        assertThat(value(registry.scrape(), series)).isEqualTo(9);
        assertThat(family(registry.scrape(), "tributary_task_queue_depth")).isEqualTo("""
                # HELP tributary_task_queue_depth Records handed to Pulsar and not yet acknowledged.
                # TYPE tributary_task_queue_depth gauge
                tributary_task_queue_depth{connector="orders",task="0"} 9.0
                """);
    }

    @Test
    void brokenSupplierLeavesOutOnlyItsSample() {
        registry.task("orders", 0).setQueueDepth(() -> {
            throw new IllegalStateException("tracker closed");
        });
        registry.register("tributary_broken", "Broken.", Map.of(), () -> {
            throw new IllegalStateException("boom");
        });
        registry.register("tributary_fine", "Fine.", Map.of(), () -> 1);

        String scrape = registry.scrape();

        assertThat(scrape).doesNotContain("tributary_task_queue_depth").doesNotContain("tributary_broken")
                .contains("tributary_fine 1.0\n").contains("tributary_task_poll_calls_total");
    }

    @Test
    void removeTaskDropsItsSeriesAndTaskStartsAfresh() {
        registry.task("orders", 0).recordPoll(3);
        registry.task("orders", 1).recordPoll(4);

        registry.removeTask("orders", 0);

        String scrape = registry.scrape();
        assertThat(scrape).doesNotContain("task=\"0\"").contains("task=\"1\"");
        assertThat(registry.task("orders", 1)).isSameAs(registry.task("orders", 1));
        registry.task("orders", 0);
        assertThat(value(registry.scrape(), "tributary_task_poll_calls_total{connector=\"orders\",task=\"0\"}"))
                .isZero();
    }

    @Test
    void unregisterRemovesOneSeries() {
        registry.register("tributary_pool_size", "Threads.", Map.of("pool", "a"), () -> 1);
        registry.register("tributary_pool_size", "Threads.", Map.of("pool", "b"), () -> 2);

        assertThat(registry.unregister("tributary_pool_size", Map.of("pool", "a"))).isTrue();
        assertThat(registry.unregister("tributary_pool_size", Map.of("pool", "a"))).isFalse();

        assertThat(registry.scrape()).doesNotContain("pool=\"a\"").contains("tributary_pool_size{pool=\"b\"} 2.0\n");
    }

    @Test
    void aNameIsFreeForAnotherTypeOrHelpOnlyOnceItsLastSeriesIsGone() {
        registry.registerCounter("tributary_restarts", "Task restarts.", Map.of("pool", "a"), () -> 1);
        registry.registerCounter("tributary_restarts", "Task restarts.", Map.of("pool", "b"), () -> 2);

        assertThat(registry.unregister("tributary_restarts", Map.of("pool", "a"))).isTrue();
        assertThatThrownBy(() -> registry.register("tributary_restarts", "Other.", Map.of(), () -> 1))
                .as("one counter series of the family is left").hasMessageContaining("as a counter");
        assertThatThrownBy(() -> registry.register("tributary_restarts_total", "Other.", Map.of(), () -> 1))
                .as("and of the name").hasMessageContaining("as a counter");

        assertThat(registry.unregister("tributary_restarts_total", Map.of("pool", "b"))).isTrue();
        registry.register("tributary_restarts", "Restarts, now a gauge.", Map.of(), () -> 5);
        assertThat(registry.scrape()).contains("tributary_restarts 5.0\n").doesNotContain("tributary_restarts_total");
    }

    @Test
    void registersThousandsOfSeriesOfOneFamily() {
        for (int shard = 0; shard < 6_000; shard++) {
            registry.registerCounter("tributary_shard_records", "Records.", Map.of("shard", "s" + shard), () -> 1);
        }
        assertThatThrownBy(() -> registry.register("tributary_shard_records", "Records.", Map.of("shard", "x"), () -> 1))
                .hasMessageContaining("as a counter");
        assertThat(registry.unregister("tributary_shard_records", Map.of("shard", "s42"))).isTrue();
        assertThat(registry.scrape()).contains("tributary_shard_records_total{shard=\"s5999\"} 1.0\n")
                .doesNotContain("shard=\"s42\"");
    }

    @Test
    void refusesBadOrClashingRegistrations() {
        registry.register("tributary_pool_size", "Threads.", Map.of(), () -> 1);

        assertThatThrownBy(() -> registry.register("1bad", "x", Map.of(), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'1bad' is not valid");
        assertThatThrownBy(() -> registry.register("tributary_x", "x", Map.of("bad-label", "v"), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad-label'");
        assertThatThrownBy(() -> registry.register("tributary_x", "x", Map.of("__reserved", "v"), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'__reserved'");
        assertThatThrownBy(() -> registry.register("tributary_task_queue_depth", "x", Map.of(), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved for task metrics");
        assertThatThrownBy(() -> registry.register("tributary_pool_size", "Threads.", Map.of(), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> registry.register("tributary_pool_size", "Other help.", Map.of("p", "x"), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("with help 'Threads.'");
        assertThatThrownBy(() -> registry.registerCounter("tributary_pool_size", "Threads.", Map.of("p", "x"), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as a gauge");
    }

    @Test
    void counterWithoutTotalIsExposedWithItAndRemovedByEitherName() {
        registry.registerCounter("tributary_restarts", "Task restarts.", Map.of("pool", "a"), () -> 3);
        registry.registerCounter("tributary_restarts", "Task restarts.", Map.of("pool", "b"), () -> 4);

        assertThat(value(registry.scrape(), "tributary_restarts_total{pool=\"a\"}")).isEqualTo(3);
        assertThatThrownBy(() -> registry.registerCounter("tributary_restarts_total", "Task restarts.",
                Map.of("pool", "a"), () -> 1)).hasMessageContaining("already registered");
        assertThat(registry.unregister("tributary_restarts", Map.of("pool", "a"))).isTrue();
        assertThat(registry.unregister("tributary_restarts_total", Map.of("pool", "b"))).isTrue();
        assertThat(registry.scrape()).doesNotContain("tributary_restarts");
    }

    @Test
    void refusesAGaugeNamedAsACounterFamilyWhichOpenMetricsWouldMerge() {
        registry.registerCounter("tributary_restarts_total", "Task restarts.", Map.of(), () -> 1);

        assertThatThrownBy(() -> registry.register("tributary_restarts", "Task restarts.", Map.of("x", "y"), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as a counter");
        assertThatThrownBy(() -> registry.register("tributary_task_poll_calls", "x", Map.of(), () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved for task metrics");
    }

    @Test
    void counterGoneNegativeLeavesOutOnlyItsSample() {
        registry.registerCounter("tributary_broken_total", "Broken.", Map.of(), () -> -1);
        registry.registerCounter("tributary_fine_total", "Fine.", Map.of(), () -> 2);

        assertThat(registry.scrape()).doesNotContain("tributary_broken").contains("tributary_fine_total 2.0\n");
    }

    @Test
    void writesInfinitiesAndNaNAsTheFormatSpellsThem() {
        registry.register("tributary_up", "Up.", Map.of("v", "up"), () -> Double.POSITIVE_INFINITY);
        registry.register("tributary_up", "Up.", Map.of("v", "down"), () -> Double.NEGATIVE_INFINITY);
        registry.register("tributary_up", "Up.", Map.of("v", "none"), () -> Double.NaN);

        assertThat(registry.scrape()).contains("tributary_up{v=\"up\"} +Inf\n", "tributary_up{v=\"down\"} -Inf\n",
                "tributary_up{v=\"none\"} NaN\n");
    }

    @Test
    void workerRegistryHasJvmSeries() {
        String scrape = new MetricsRegistry().scrape();

        assertThat(family(scrape, "tributary_jvm_heap_used_bytes")).contains("# TYPE tributary_jvm_heap_used_bytes gauge");
        assertThat(value(scrape, "tributary_jvm_heap_used_bytes")).isPositive();
        assertThat(scrape).contains("# TYPE tributary_jvm_heap_max_bytes gauge\n");
        assertThat(value(scrape, "tributary_jvm_threads")).isGreaterThanOrEqualTo(1);
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean) {
            assertThat(family(scrape, "tributary_process_cpu_seconds_total"))
                    .contains("# TYPE tributary_process_cpu_seconds_total counter");
            assertThat(value(scrape, "tributary_process_cpu_seconds_total")).isPositive();
        }
    }

    @Test
    void jvmSeriesCannotBeRegisteredTwice() {
        JvmMetrics.register(registry);

        assertThatThrownBy(() -> JvmMetrics.register(registry)).isInstanceOf(IllegalArgumentException.class);
    }
}
