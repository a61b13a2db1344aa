package dev.tributary.bench.harness;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A process and what it started, measured from outside in {@code /proc} every {@value #PERIOD_MS}
 * ms, the same way whatever runs inside: CPU (utime + stime of every process of the tree; one that
 * has ended keeps its last reading) and memory (the RSS and the PSS of the processes alive at each
 * reading, summed; the peak of each over the readings).
 */
final class ProcessTree implements AutoCloseable {
    static final int PERIOD_MS = 250;

    private final ProcessHandle root;
    private final boolean includeRoot;
    private final long ticksPerSecond = ProcFs.ticksPerSecond();
    private final Map<Long, Long> ticksByPid = new ConcurrentHashMap<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread sampler;
    private volatile ProcFs.Memory peak = ProcFs.Memory.NONE;

    private ProcessTree(ProcessHandle root, boolean includeRoot) {
        this.root = root;
        this.includeRoot = includeRoot;
        this.sampler = new Thread(this::sample, "bench-process-tree-" + root.pid());
        sampler.setDaemon(true);
    }

    /**
     * Starts sampling.
     *
     * @param includeRoot false to measure only what {@code root} started, as for a launcher that
     *     only waits for its child
     */
    static ProcessTree start(ProcessHandle root, boolean includeRoot) {
        ProcessTree tree = new ProcessTree(root, includeRoot);
        tree.sampler.start();
        return tree;
    }

    /** CPU samples of the tree; heap and threads are left at 0 (not seen from outside). */
    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The largest RSS and the largest PSS of the tree so far. */
    ProcFs.Memory peakMemory() {
        return peak;
    }

    /** The processes of the tree now, for the harness's log and the report: pid and command of each. */
    String processes() {
        StringBuilder text = new StringBuilder();
        members().forEach(p -> text.append(text.isEmpty() ? "" : ", ").append(p.pid()).append(' ')
                .append(p.info().command().map(c -> java.nio.file.Path.of(c).getFileName().toString()).orElse("?")));
        return text.toString();
    }

    private Stream<ProcessHandle> members() {
        return includeRoot ? Stream.concat(Stream.of(root), root.descendants()) : root.descendants();
    }

    private void sample() {
        try {
            while (true) {
                ProcFs.Memory memory = ProcFs.Memory.NONE;
                for (ProcessHandle p : members().toList()) {
                    long ticks = ProcFs.cpuTicks(p.pid());
                    if (ticks >= 0) {
                        ticksByPid.put(p.pid(), ticks);
                    }
                    ProcFs.Memory held = ProcFs.memory(p.pid());
                    if (held != null) {
                        memory = memory.plus(held);
                    }
                }
                peak = peak.max(memory);
                long total = ticksByPid.values().stream().mapToLong(Long::longValue).sum();
                samples.add(new Sample(System.currentTimeMillis(), total * 1_000_000_000L / ticksPerSecond, 0, 0, 0, 0, 0));
                TimeUnit.MILLISECONDS.sleep(PERIOD_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops sampling; what was sampled stays readable. */
    @Override
    public void close() {
        sampler.interrupt();
    }
}
