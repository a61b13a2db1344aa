package dev.tributary.bench.harness;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Section 8 of the report: the Pulsar IO archive against the standalone runtime ({@link ArchiveScenario}). */
final class ArchiveSection {
    static final String HEADING = "## 8. The Pulsar IO archive against the standalone runtime, 8 shards at 1 KiB";
    /** The archive's throughput at least this share of the standalone worker's. */
    private static final double GOAL = 0.9;

    private ArchiveSection() {
    }

    /** Appends the section and its target rows; nothing when the scenario did not run. */
    static void render(List<ArchiveScenario.Result> rounds, StringBuilder md, List<Report.Target> targets) {
        if (rounds == null || rounds.isEmpty()) {
            return;
        }
        ArchiveScenario.Result last = rounds.get(rounds.size() - 1);
        md.append(HEADING).append("\n\n")
                .append("The backlog of section 1 at 1 KiB (8 shards, from the same replay endpoint), read by the ")
                .append("standalone worker (`connect-runtime start`, as in section 1) and by the Pulsar IO archive ")
                .append("`tributary-kinesis-<version>.nar` under `pulsar-admin sources localrun --parallelism 1`, ")
                .append(rounds.size() == 1 ? "once each" : "in " + rounds.size() + " rounds, the order reversed from one "
                        + "round to the next; each figure is the median of the rounds with their range in parentheses, "
                        + "and each ratio the median of the rounds' own ratios")
                .append(". The archive's")
                .append(" own Pulsar client is pointed at the same standalone broker (`--broker-service-url`). Both get ")
                .append("the same connector keys (the endpoint, TRIM_HORIZON, `paceShardReads=false`, and the other ")
                .append("keys at their defaults) and write into a fresh persistent topic each. Localrun's JVM gets ")
                .append("the subjects' `-Xmx").append(Subject.HEAP).append(" -XX:+UseG1GC` through `PULSAR_MEM` and ")
                .append("`PULSAR_GC` (its own defaults are `-Xmx128m` and ZGC). Throughput: the broker's topic stats, ")
                .append("over the window of section 1 (from ").append(Scenarios.WINDOW_FROM_PERCENT).append("% to ")
                .append(Scenarios.WINDOW_TO_PERCENT).append("% of the backlog), for both. CPU: the worker's from the sampler inside its JVM; ")
                .append("the archive's from outside, as localrun is not the harness's JVM: utime + stime in ")
                .append("`/proc/<pid>/stat` of every process under the `pulsar-admin` JVM (the LocalRunner JVM it ")
                .append("starts, with the source instance in it, and any process under that), read every 250 ms and ")
                .append("interpolated to the same window; the `pulsar-admin` JVM itself only waits for its child and is ")
                .append("left out. Heap after GC for the archive: the largest heap after a collection in the LocalRunner ")
                .append("JVM's GC log (`-Xlog:gc`). Its threads are not measured: the OS counts the JVM's GC and ")
                .append("compiler threads, which the subjects' sampler does not. The runtimes differ beyond the ")
                .append("connector: localrun sends through the Functions instance's producer with its own settings ")
                .append("(batches of up to 1,000 messages or 10 ms; its compression, LZ4 by default for a source, is set ")
                .append("to `NONE` in the source config's `producerConfig`, as the worker's `pulsar.producer.compression` ")
                .append("is by default, so that both send the same bytes), ")
                .append("and keeps offsets in the namespace's `__tributary_offsets` topic instead of the worker's ")
                .append("file.\n\n")
                .append("| Runtime | Records/s | MB/s | CPU-s/GB | Cores used | Heap after GC, peak | Threads peak |\n")
                .append("|---|---|---|---|---|---|---|\n");
        row(md, "standalone worker", rounds, ArchiveScenario.Result::standalone, true);
        row(md, "Pulsar IO archive, `sources localrun`", rounds, ArchiveScenario.Result::archive, false);
        Median ratio = ratio(rounds, Figures::recordsPerSecond);
        Median cpuRatio = ratio(rounds, Figures::cpuSecondsPerGigabyte);
        md.append("| **archive / standalone** | **").append(ratio.format("%.2f×")).append("** | | **")
                .append(cpuRatio.format("%.2f×")).append("** | | | |\n\n");
        md.append("CPU of the archive was counted for").append(rounds.size() == 1 ? "" : " (the last round)")
                .append(": ").append(last.measuredProcesses().isEmpty()
                        ? "(no process seen)" : "`" + last.measuredProcesses() + "`").append(". ");
        List<String> errors = rounds.stream().flatMap(r -> r.archiveErrors().stream()).toList();
        if (errors.isEmpty()) {
            md.append("Localrun's log had no ERROR line").append(rounds.size() == 1 ? "" : " in any round").append(".\n\n");
        } else {
            md.append(rounds.size() == 1 ? "Localrun's log had " : "Localrun's logs had ").append(errors.size())
                    .append(errors.size() == 1 ? " ERROR line; the first:\n\n" : " ERROR lines; the first:\n\n")
                    .append("```\n").append(errors.get(0)).append("\n```\n\n");
        }
        Median standaloneCpu = Median.over(rounds, r -> r.standalone().cpuSecondsPerGigabyte());
        Median archiveCpu = Median.over(rounds, r -> r.archive().cpuSecondsPerGigabyte());
        targets.add(Report.Target.judged("Archive throughput at 1 KiB",
                String.format(Locale.ROOT, "%.2f × standalone (CPU-s/GB %.2f × standalone: %.1f against %.1f)",
                        ratio.median(), cpuRatio.median(), archiveCpu.median(), standaloneCpu.median())
                        + ratio.rangeNote("%.2f"),
                "≥ 0.9 × standalone", ratio, GOAL, true, "%.2f×",
                String.format(Locale.ROOT, "short by %.0f%% of standalone", (GOAL - ratio.median()) * 100)));
    }

    /** The median over the rounds of the archive's {@code figure} divided by the standalone worker's. */
    private static Median ratio(List<ArchiveScenario.Result> rounds, ToDoubleFunction<Figures> figure) {
        return Median.over(rounds, r -> figure.applyAsDouble(r.archive()) / figure.applyAsDouble(r.standalone()));
    }

    private static void row(StringBuilder md, String label, List<ArchiveScenario.Result> rounds,
            Function<ArchiveScenario.Result, Figures> runtime, boolean threadsMeasured) {
        long heap = rounds.stream().mapToLong(r -> runtime.apply(r).peakLiveHeap()).max().orElse(0);
        int threads = rounds.stream().mapToInt(r -> runtime.apply(r).peakThreads()).max().orElse(0);
        md.append("| ").append(label)
                .append(" | ").append(Median.over(rounds, r -> runtime.apply(r).recordsPerSecond()).format("%,.0f"))
                .append(" | ").append(Median.over(rounds, r -> runtime.apply(r).megabytesPerSecond()).format("%.1f"))
                .append(" | ").append(Median.over(rounds, r -> runtime.apply(r).cpuSecondsPerGigabyte()).format("%.1f"))
                .append(" | ").append(Median.over(rounds, r -> runtime.apply(r).cores()).format("%.2f"))
                .append(" | ").append(heap > 0 ? (heap >> 20) + " MiB" : "")
                .append(" | ").append(threadsMeasured ? Integer.toString(threads) : "").append(" |\n");
    }
}
