package dev.tributary.runtime.metrics;

import static dev.tributary.runtime.metrics.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {
    private static final String LABELS = "{connector=\"orders\",task=\"0\"}";
    private static final String SEND_P99 = "tributary_task_send_ack_latency_seconds"
            + "{connector=\"orders\",task=\"0\",quantile=\"0.99\"}";
    private static final String SEND_MAX = "tributary_task_send_ack_latency_seconds_max" + LABELS;
    private static final String SEND_COUNT = "tributary_task_send_ack_latency_seconds_count" + LABELS;
    private static final String SEND_SUM = "tributary_task_send_ack_latency_seconds_sum" + LABELS;

    private final ManualNanoTime time = new ManualNanoTime();
    private final MetricsRegistry registry = new MetricsRegistry(time);
    private final TaskMetrics task = registry.task("orders", 0);

    @Test
    void windowDropsLatenciesOlderThanAMinuteButCountAndSumKeepThem() {
        // Values under 2048 microseconds are exact at 3 significant digits, so quantiles compare exactly.
        task.recordSendToAck(Duration.ofMillis(2).toNanos());
        time.advance(Duration.ofSeconds(30));
        task.recordSendToAck(Duration.ofMillis(1).toNanos());

        String early = registry.scrape();
        assertThat(value(early, SEND_P99)).isEqualTo(0.002);
        assertThat(value(early, SEND_MAX)).isEqualTo(0.002);

        time.advance(Duration.ofSeconds(40));
        String late = registry.scrape();
        assertThat(value(late, SEND_P99)).isEqualTo(0.001);
        assertThat(value(late, SEND_MAX)).isEqualTo(0.001);
        assertThat(value(late, SEND_COUNT)).isEqualTo(2);
        assertThat(value(late, SEND_SUM)).isEqualTo(0.003);

        time.advance(Duration.ofSeconds(60));
        String idle = registry.scrape();
        assertThat(value(idle, SEND_P99)).isNaN();
        assertThat(value(idle, SEND_MAX)).isZero();
        assertThat(value(idle, SEND_COUNT)).isEqualTo(2);
    }

    @Test
    void latenciesLandInTheirOwnPeriodEvenWithoutScrapes() {
        task.recordSendToAck(Duration.ofMillis(2).toNanos());
        time.advance(Duration.ofSeconds(65));
        task.recordSendToAck(Duration.ofMillis(1).toNanos());

        String scrape = registry.scrape();

        assertThat(value(scrape, SEND_MAX)).isEqualTo(0.001);
        assertThat(value(scrape, SEND_COUNT)).isEqualTo(2);
    }

    @Test
    void windowCoversTheLastFiftySecondsAtLeast() {
        task.recordSendToAck(Duration.ofMillis(2).toNanos());
        time.advance(Duration.ofSeconds(49));
        assertThat(value(registry.scrape(), SEND_MAX)).isEqualTo(0.002);
    }

    @Test
    void clampsLatenciesAboveTenMinutesInsteadOfThrowing() {
        task.recordSendToAck(Duration.ofHours(2).toNanos());
        task.recordSendToAck(-5);

        String scrape = registry.scrape();

        assertThat(value(scrape, SEND_MAX)).isBetween(600.0, 601.0);
        assertThat(value(scrape, SEND_SUM)).isEqualTo(7200);
        assertThat(value(scrape, SEND_COUNT)).isEqualTo(2);
    }

    @Test
    void pollRateIsAOneMinuteMovingRate() {
        String rate = "tributary_task_poll_rate" + LABELS;
        task.recordPoll(600);
        assertThat(value(registry.scrape(), rate)).isZero();

        time.advance(Duration.ofSeconds(5));
        assertThat(value(registry.scrape(), rate)).isEqualTo(120);

        time.advance(Duration.ofSeconds(5));
        assertThat(value(registry.scrape(), rate)).isCloseTo(120 * Math.exp(-5.0 / 60), within(1e-9));

        task.recordPoll(300);
        time.advance(Duration.ofSeconds(60));
        double expected = 120 * Math.exp(-5.0 / 60);
        expected += MovingRate.ALPHA * (60 - expected);
        expected *= Math.pow(Math.exp(-5.0 / 60), 11);
        assertThat(value(registry.scrape(), rate)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void negativeCountsAreIgnored() {
        task.recordPoll(-4);
        task.recordWritten(-10);

        String scrape = registry.scrape();

        assertThat(value(scrape, "tributary_task_poll_calls_total" + LABELS)).isEqualTo(1);
        assertThat(value(scrape, "tributary_task_poll_records_total" + LABELS)).isZero();
        assertThat(value(scrape, "tributary_task_records_written_total" + LABELS)).isEqualTo(1);
        assertThat(value(scrape, "tributary_task_bytes_written_total" + LABELS)).isZero();
    }

    @Test
    void eightThreadsRecordingConcurrentlyGiveExactCounts() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        task.recordPoll(3);
                        task.recordWritten(10);
                        task.recordSendToAck(Duration.ofMillis(2).toNanos());
                        task.recordSendFailure();
                        task.recordCommit(Duration.ofMillis(1).toNanos(), i % 2 == 0);
                        if (i % 1000 == 0) {
                            // Scrapes and clock moves race with recording, as in production.
                            registry.scrape();
                            time.advance(Duration.ofSeconds(1));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        long total = (long) threads * perThread;
        String scrape = registry.scrape();
        assertThat(value(scrape, "tributary_task_poll_calls_total" + LABELS)).isEqualTo(total);
        assertThat(value(scrape, "tributary_task_poll_records_total" + LABELS)).isEqualTo(3 * total);
        assertThat(value(scrape, "tributary_task_records_written_total" + LABELS)).isEqualTo(total);
        assertThat(value(scrape, "tributary_task_bytes_written_total" + LABELS)).isEqualTo(10 * total);
        assertThat(value(scrape, "tributary_task_send_failures_total" + LABELS)).isEqualTo(total);
        assertThat(value(scrape, SEND_COUNT)).isEqualTo(total);
        assertThat(value(scrape, SEND_SUM)).isCloseTo(0.002 * total, within(1e-6));
        assertThat(value(scrape, "tributary_task_offset_commit_latency_seconds_count" + LABELS)).isEqualTo(total);
        assertThat(value(scrape, "tributary_task_offset_commits_total"
                + "{connector=\"orders\",result=\"success\",task=\"0\"}")).isEqualTo(total / 2);
        assertThat(value(scrape, "tributary_task_offset_commits_total"
                + "{connector=\"orders\",result=\"failure\",task=\"0\"}")).isEqualTo(total / 2);
    }

    @Test
    void recordingDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counting is not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "allocation counting is not enabled");
        long threadId = Thread.currentThread().getId();
        recordMany(10_000);

        long before = threads.getThreadAllocatedBytes(threadId);
        recordMany(100_000);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        // One object per call would be at least 16 bytes x 600,000 calls; a few stray bytes are the JVM's.
        assertThat(allocated).isLessThan(4096);
    }

    private void recordMany(int times) {
        for (int i = 0; i < times; i++) {
            task.recordPoll(2);
            task.recordWritten(100);
            task.recordSendToAck(1_500_000);
            task.recordSendFailure();
            task.recordCommit(3_000_000, true);
            task.recordCommit(3_000_000, false);
        }
    }
}
