package dev.tributary.bench.harness;

import java.util.List;
import java.util.Locale;

/** Section 8 of the report: the Pulsar IO archive against the standalone runtime ({@link ArchiveScenario}). */
final class ArchiveSection {
    static final String HEADING = "## 8. The Pulsar IO archive against the standalone runtime, 8 shards at 1 KiB";

    private ArchiveSection() {
    }

    /** Appends the section and its target rows; nothing when the scenario did not run. */
    static void render(ArchiveScenario.Result result, StringBuilder md, List<Report.Target> targets) {
        if (result == null) {
            return;
        }
        Figures standalone = result.standalone();
        Figures archive = result.archive();
        md.append(HEADING).append("\n\n")
                .append("The backlog of section 1 at 1 KiB (8 shards, from the same replay endpoint), read once by the ")
                .append("standalone worker (`connect-runtime start`, as in section 1) and once by the Pulsar IO archive ")
                .append("`tributary-kinesis-<version>.nar` under `pulsar-admin sources localrun --parallelism 1`, whose ")
                .append("own Pulsar client is pointed at the same standalone broker (`--broker-service-url`). Both get ")
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
        row(md, "standalone worker", standalone, true);
        row(md, "Pulsar IO archive, `sources localrun`", archive, false);
        double ratio = archive.recordsPerSecond() / standalone.recordsPerSecond();
        double cpuRatio = archive.cpuSecondsPerGigabyte() / standalone.cpuSecondsPerGigabyte();
        md.append(String.format(Locale.ROOT, "| **archive / standalone** | **%.2f×** | | **%.2f×** | | | |%n%n", ratio,
                cpuRatio));
        md.append("CPU of the archive was counted for: ").append(result.measuredProcesses().isEmpty()
                ? "(no process seen)" : "`" + result.measuredProcesses() + "`").append(". ");
        if (result.archiveErrors().isEmpty()) {
            md.append("Localrun's log had no ERROR line.\n\n");
        } else {
            md.append("Localrun's log had ").append(result.archiveErrors().size()).append(" ERROR lines; the first:\n\n")
                    .append("```\n").append(result.archiveErrors().get(0)).append("\n```\n\n");
        }
        targets.add(new Report.Target("Archive throughput at 1 KiB",
                String.format(Locale.ROOT, "%.2f × standalone (CPU-s/GB %.2f × standalone: %.1f against %.1f)", ratio,
                        cpuRatio, archive.cpuSecondsPerGigabyte(), standalone.cpuSecondsPerGigabyte()),
                "≥ 0.9 × standalone", ratio >= 0.9,
                String.format(Locale.ROOT, "short by %.0f%% of standalone", (0.9 - ratio) * 100)));
    }

    private static void row(StringBuilder md, String label, Figures f, boolean threadsMeasured) {
        md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %.1f | %.2f | %s | %s |%n", label, f.recordsPerSecond(),
                f.megabytesPerSecond(), f.cpuSecondsPerGigabyte(), f.cores(),
                f.peakLiveHeap() > 0 ? (f.peakLiveHeap() >> 20) + " MiB" : "", threadsMeasured ? f.peakThreads() : ""));
    }
}
