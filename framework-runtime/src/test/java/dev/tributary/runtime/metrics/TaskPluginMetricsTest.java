package dev.tributary.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TaskPluginMetricsTest {
    private final MetricsRegistry registry = new MetricsRegistry(System::nanoTime);
    private final TaskPluginMetrics metrics = new TaskPluginMetrics(registry, "orders", 3);

    @Test
    void prefixesNamesAddsTaskLabelsAndReadsSuppliersAtScrapeTime() {
        AtomicLong lag = new AtomicLong(5);
        metrics.gauge("kinesis_shard_millis_behind_latest", "Lag.", Map.of("shard", "s-1"), lag::get);
        metrics.counter("kinesis_shard_records_fetched_total", "Fetched.", Map.of("shard", "s-1"), () -> 42);
        lag.set(7);

        String scrape = registry.scrape();

        assertThat(scrape).contains("# TYPE tributary_kinesis_shard_millis_behind_latest gauge",
                "# TYPE tributary_kinesis_shard_records_fetched_total counter");
        assertThat(scrape.lines().filter(l -> l.startsWith("tributary_kinesis_shard_millis_behind_latest{")))
                .singleElement().satisfies(l -> assertThat(l).contains("connector=\"orders\"", "task=\"3\"", "shard=\"s-1\"")
                        .endsWith(" 7.0"));
    }

    @Test
    void removeAllDropsEverythingTheTaskRegistered() {
        metrics.gauge("kinesis_a", "A.", Map.of(), () -> 1);
        metrics.counter("kinesis_b_total", "B.", Map.of("x", "y"), () -> 2);

        metrics.removeAll();

        assertThat(registry.scrape()).doesNotContain("tributary_kinesis_a", "tributary_kinesis_b_total");
    }

    @Test
    void registeringTheSameSeriesAgainReplacesIt() {
        metrics.gauge("kinesis_a", "A.", Map.of("shard", "s-1"), () -> 1);
        metrics.counter("kinesis_b_total", "B.", Map.of(), () -> 2);

        metrics.gauge("kinesis_a", "A.", Map.of("shard", "s-1"), () -> 10);
        metrics.counter("kinesis_b_total", "B.", Map.of(), () -> 20);

        String scrape = registry.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("tributary_kinesis_a{"))).singleElement()
                .satisfies(l -> assertThat(l).endsWith(" 10.0"));
        assertThat(scrape.lines().filter(l -> l.startsWith("tributary_kinesis_b_total{"))).singleElement()
                .satisfies(l -> assertThat(l).endsWith(" 20.0"));
        metrics.removeAll();
        assertThat(registry.scrape()).doesNotContain("tributary_kinesis_a", "tributary_kinesis_b_total");
    }

    @Test
    void rejectsNamesPrometheusCannotCarry() {
        assertThatThrownBy(() -> metrics.gauge("Bad-Name", "x", Map.of(), () -> 1))
                .hasMessageContaining("must match [a-z][a-z0-9_]*");
    }
}
