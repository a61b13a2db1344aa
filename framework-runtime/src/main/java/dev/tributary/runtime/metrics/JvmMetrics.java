package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * The worker-level JVM series: {@code tributary_jvm_heap_used_bytes},
 * {@code tributary_jvm_heap_max_bytes}, {@code tributary_jvm_threads} and, where the JVM offers
 * {@link com.sun.management.OperatingSystemMXBean}, {@code tributary_process_cpu_seconds_total}.
 * All are read from the platform MXBeans at scrape time.
 */
public final class JvmMetrics {
    static final String HEAP_USED = "tributary_jvm_heap_used_bytes";
    static final String HEAP_MAX = "tributary_jvm_heap_max_bytes";
    static final String THREADS = "tributary_jvm_threads";
    static final String CPU_SECONDS = "tributary_process_cpu_seconds_total";

    private JvmMetrics() {
    }

    /**
     * Adds the JVM series to {@code registry}. Call once per registry; {@link MetricsRegistry#MetricsRegistry()}
     * already does.
     *
     * @throws IllegalArgumentException when they were added already
     */
    public static void register(MetricsRegistry registry) {
        requireNonNull(registry, "registry is null");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        registry.register(HEAP_USED, "Heap memory in use, in bytes.", Map.of(),
                () -> memory.getHeapMemoryUsage().getUsed());
        registry.register(HEAP_MAX, "The most heap memory the JVM may use, in bytes; NaN when it sets no limit.",
                Map.of(), () -> {
                    long max = memory.getHeapMemoryUsage().getMax();
                    return max < 0 ? Double.NaN : max;
                });
        registry.register(THREADS, "Live JVM threads, daemon or not.", Map.of(), threads::getThreadCount);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        // A JVM without the com.sun.management extension, or a platform without the figure, gets no CPU series.
        if (os instanceof com.sun.management.OperatingSystemMXBean sunOs && sunOs.getProcessCpuTime() >= 0) {
            registry.registerCounter(CPU_SECONDS, "CPU time the worker process has used, in seconds.", Map.of(),
                    () -> sunOs.getProcessCpuTime() / 1e9);
        }
    }
}
