package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers the data points of one scrape into one Prometheus client snapshot per metric family,
 * however the points were added, so that every family is written with one {@code # HELP} and one
 * {@code # TYPE} line. Not thread-safe: one instance serves one scrape.
 */
final class MetricFamilies {
    private final Map<String, Family> families = new HashMap<>();

    /** Adds one counter point; {@code name} is the exposed name, ending in {@code _total}. */
    void counter(String name, String help, Labels labels, double value) {
        family(name, MetricType.COUNTER, help).points.add(new CounterDataPointSnapshot(value, labels, null, 0));
    }

    void gauge(String name, String help, Labels labels, double value) {
        family(name, MetricType.GAUGE, help).points.add(new GaugeDataPointSnapshot(value, labels, null));
    }

    /** Adds one summary point: the window's quantiles with the cumulative count and sum. */
    void summary(String name, String help, Labels labels, LatencySnapshot latency) {
        List<Quantile> quantiles = new ArrayList<>(latency.quantiles().size());
        for (LatencySnapshot.Quantile quantile : latency.quantiles()) {
            quantiles.add(new Quantile(quantile.quantile(), quantile.seconds()));
        }
        family(name, MetricType.SUMMARY, help).points.add(new SummaryDataPointSnapshot(latency.count(),
                latency.sumSeconds(), Quantiles.of(quantiles), labels, null, 0));
    }

    /**
     * The snapshots, which the Prometheus client orders by family name.
     *
     * @throws IllegalArgumentException when two points of one family have the same labels
     */
    MetricSnapshots snapshots() {
        List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
        families.forEach((name, family) -> snapshots.add(family.snapshot(name)));
        return new MetricSnapshots(snapshots);
    }

    private Family family(String name, MetricType type, String help) {
        Family family = families.computeIfAbsent(name, n -> new Family(type, help));
        if (family.type != type || !family.help.equals(help)) {
            throw new IllegalStateException("Metric family " + name + " is emitted with two types or help texts");
        }
        return family;
    }

    private static final class Family {
        final MetricType type;
        final String help;
        final List<Object> points = new ArrayList<>();

        Family(MetricType type, String help) {
            this.type = requireNonNull(type, "type is null");
            this.help = requireNonNull(help, "help is null");
        }

        // The casts hold: each add method puts only its own type's points into a family of that type.
        @SuppressWarnings("unchecked")
        MetricSnapshot snapshot(String name) {
            MetricMetadata metadata = new MetricMetadata(name, help);
            return switch (type) {
                case COUNTER -> new CounterSnapshot(metadata, (List<CounterDataPointSnapshot>) (List<?>) points);
                case GAUGE -> new GaugeSnapshot(metadata, (List<GaugeDataPointSnapshot>) (List<?>) points);
                case SUMMARY -> new SummarySnapshot(metadata, (List<SummaryDataPointSnapshot>) (List<?>) points);
            };
        }
    }
}
