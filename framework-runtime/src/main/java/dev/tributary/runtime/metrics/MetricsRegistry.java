package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one worker: one {@link TaskMetrics} per running task, plus gauges and counters
 * registered by other parts of the worker (see {@link JvmMetrics}), read by {@link #snapshots()}
 * as the Prometheus client's {@link MetricSnapshots}, which its exposition formats write.
 *
 * <p>Threads: every method is thread-safe. {@link #snapshots()} may run concurrently with
 * recording and with other scrapes; it reads registered suppliers on the calling thread.
 *
 * <p>Errors: registering a bad or clashing name throws {@link IllegalArgumentException}. A
 * supplier that throws during a scrape, or gives a counter a negative total, is logged and its
 * sample left out; the scrape goes on.
 */
public final class MetricsRegistry {
    private static final Logger log = LoggerFactory.getLogger(MetricsRegistry.class);
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final String COUNTER_SUFFIX = "_total";
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final LongSupplier nanoTime;
    // Sorted by connector and task id; the client sorts again what it writes, by labels.
    private final ConcurrentSkipListMap<TaskKey, TaskMetrics> tasks = new ConcurrentSkipListMap<>();
    // Guarded by itself; registration is rare, and insertion order is the scrape order.
    private final Map<SeriesKey, Registered> registered = new LinkedHashMap<>();
    // Guarded by registered: the type and help of each name and each OpenMetrics family in use, with how many
    // series have it, so that a registration checks for a clash in two lookups instead of a scan of every series
    // (a task of 1,000 shards registers some 6,000).
    private final Map<String, Shape> byName = new HashMap<>();
    private final Map<String, Shape> byFamily = new HashMap<>();

    /** The worker's registry: {@link System#nanoTime()} as time source, with the {@link JvmMetrics} series. */
    public MetricsRegistry() {
        this(System::nanoTime);
        JvmMetrics.register(this);
    }

    /**
     * A registry with no series yet, not even the JVM ones; for tests and for embedding.
     *
     * @param nanoTime the monotonic time source of moving rates and latency windows, in
     *     nanoseconds, such as {@code System::nanoTime}; tests pass a fake to move time by hand
     */
    public MetricsRegistry(LongSupplier nanoTime) {
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** The recorder of a task, created on first use. Its series carry {@code connector} and {@code task} labels. */
    public TaskMetrics task(String connector, int taskId) {
        TaskKey key = new TaskKey(connector, taskId);
        return tasks.computeIfAbsent(key, k -> new TaskMetrics(k.connector(), k.taskId(), nanoTime));
    }

    /**
     * Drops a task's series, for a task that was stopped or moved. A recorder still held by a
     * finishing thread keeps working but is no longer scraped; {@link #task} then starts afresh.
     */
    public void removeTask(String connector, int taskId) {
        tasks.remove(new TaskKey(connector, taskId));
    }

    /**
     * Registers a gauge, read at scrape time. Series of one name share the help text and differ
     * by labels.
     *
     * @throws IllegalArgumentException for a name or label name Prometheus does not allow, a name
     *     a task uses, a name registered with another type or help, or a series already registered
     */
    public void register(String name, String help, Map<String, String> labels, DoubleSupplier gauge) {
        add(name, help, labels, MetricType.GAUGE, gauge);
    }

    /**
     * Registers a counter whose running total is read at scrape time, such as CPU seconds. The
     * total must never decrease. Prometheus counters end in {@code _total}: a name without it is
     * exposed with it, and is the same series as the name with it. Same rules as {@link #register}.
     */
    public void registerCounter(String name, String help, Map<String, String> labels, DoubleSupplier total) {
        add(counterName(requireNonNull(name, "name is null")), help, labels, MetricType.COUNTER, total);
    }

    /**
     * Removes a series added by {@link #register} or {@link #registerCounter} (by the name either was
     * given); false if there was none.
     */
    public boolean unregister(String name, Map<String, String> labels) {
        requireNonNull(name, "name is null");
        SortedMap<String, String> labelPairs = sorted(labels);
        synchronized (registered) {
            Registered removed = registered.remove(new SeriesKey(name, labelPairs));
            if (removed == null) {
                removed = registered.remove(new SeriesKey(counterName(name), labelPairs));
            }
            if (removed == null) {
                return false;
            }
            release(byName, removed.name());
            release(byFamily, family(removed.name(), removed.type()));
            return true;
        }
    }

    private static void release(Map<String, Shape> shapes, String key) {
        Shape shape = shapes.get(key);
        if (shape != null && --shape.series == 0) {
            shapes.remove(key);
        }
    }

    /**
     * Reads every series afresh, one snapshot per family. The Prometheus client orders families by
     * name and, within one, samples by their labels.
     */
    public MetricSnapshots snapshots() {
        MetricFamilies out = new MetricFamilies();
        for (TaskMetrics task : tasks.values()) {
            task.collect(out);
        }
        List<Registered> series;
        synchronized (registered) {
            series = new ArrayList<>(registered.values());
        }
        for (Registered entry : series) {
            try {
                double value = entry.supplier().getAsDouble();
                if (entry.type() == MetricType.COUNTER) {
                    out.counter(entry.name(), entry.help(), entry.labels(), value);
                } else {
                    out.gauge(entry.name(), entry.help(), entry.labels(), value);
                }
            } catch (RuntimeException e) {
                // One broken supplier (or a counter gone negative, which the client refuses) must not fail the scrape.
                log.warn("Metric {} could not be read; the sample is left out", entry.name(), e);
            }
        }
        return out.snapshots();
    }

    /**
     * {@link #snapshots()} written in the Prometheus text format 0.0.4, as {@code /metrics} serves it
     * to a scraper that asks for no other format; for tests and tools.
     */
    public String scrape() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            TEXT.write(text, snapshots(), EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream cannot fail", e);
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    private void add(String name, String help, Map<String, String> labels, MetricType type, DoubleSupplier supplier) {
        requireNonNull(name, "name is null");
        requireNonNull(help, "help is null");
        requireNonNull(supplier, "supplier is null");
        SortedMap<String, String> labelPairs = sorted(labels);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Metric name '" + name + "' is not valid: use letters, digits, _ and :, "
                    + "not starting with a digit");
        }
        String family = family(name, type);
        if (TaskMetrics.SAMPLE_NAMES.contains(name) || TaskMetrics.SAMPLE_NAMES.contains(family)
                || TaskMetrics.SAMPLE_NAMES.contains(family + COUNTER_SUFFIX)) {
            throw new IllegalArgumentException("Metric name '" + name + "' is reserved for task metrics");
        }
        for (String label : labelPairs.keySet()) {
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException("Label name '" + label + "' of metric " + name
                        + " is not valid: use letters, digits and _, not starting with a digit or __");
            }
        }
        SeriesKey key = new SeriesKey(name, labelPairs);
        Registered entry = new Registered(name, type, help, Labels.of(new ArrayList<>(labelPairs.keySet()),
                new ArrayList<>(labelPairs.values())), supplier);
        synchronized (registered) {
            // OpenMetrics names a counter's family without _total, so counter a_total and gauge a would clash there.
            for (Shape other : new Shape[] {byName.get(name), byFamily.get(family)}) {
                if (other != null && (other.type != type || !other.help.equals(help))) {
                    throw new IllegalArgumentException("Metric " + name + " is already registered as a "
                            + other.type.text() + " with help '" + other.help + "'");
                }
            }
            if (registered.putIfAbsent(key, entry) != null) {
                throw new IllegalArgumentException("Metric " + name + labelPairs + " is already registered");
            }
            byName.computeIfAbsent(name, n -> new Shape(type, help)).series++;
            byFamily.computeIfAbsent(family, f -> new Shape(type, help)).series++;
        }
    }

    /** The type and help that the series of one name, or of one family, share; and how many there are. */
    private static final class Shape {
        final MetricType type;
        final String help;
        int series;

        Shape(MetricType type, String help) {
            this.type = type;
            this.help = help;
        }
    }

    /** The family name as OpenMetrics writes it: a counter's without {@code _total}. */
    private static String family(String name, MetricType type) {
        return type == MetricType.COUNTER ? name.substring(0, name.length() - COUNTER_SUFFIX.length()) : name;
    }

    private static String counterName(String name) {
        return name.endsWith(COUNTER_SUFFIX) ? name : name + COUNTER_SUFFIX;
    }

    private static SortedMap<String, String> sorted(Map<String, String> labels) {
        requireNonNull(labels, "labels is null");
        SortedMap<String, String> copy = new TreeMap<>();
        labels.forEach((name, value) -> copy.put(requireNonNull(name, "label name is null"),
                requireNonNull(value, () -> "value of label " + name + " is null")));
        return copy;
    }

    private record TaskKey(String connector, int taskId) implements Comparable<TaskKey> {
        TaskKey {
            requireNonNull(connector, "connector is null");
        }

        @Override
        public int compareTo(TaskKey other) {
            int byConnector = connector.compareTo(other.connector);
            return byConnector != 0 ? byConnector : Integer.compare(taskId, other.taskId);
        }
    }

    private record SeriesKey(String name, Map<String, String> labels) {
        SeriesKey {
            labels = Map.copyOf(labels);
        }
    }

    private record Registered(String name, MetricType type, String help, Labels labels, DoubleSupplier supplier) {
    }
}
