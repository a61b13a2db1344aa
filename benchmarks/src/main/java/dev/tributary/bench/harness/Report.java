package dev.tributary.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Writes BENCHMARKS.md from a run's figures: the machine, the versions, every figure, the ratios
 * of Tributary to raw, and each target with whether it was met and by how much it was missed.
 *
 * <p>The part between {@value #NOTES_BEGIN} and {@value #NOTES_END} is written by people (what a
 * profile showed, what was changed) and is kept from the previous report. So is every figures
 * section of a scenario this run left out ({@code --only}), with its target rows and the line that
 * says when it was measured: a run of some scenarios updates those and keeps the rest.
 */
final class Report {
    static final String NOTES_BEGIN = "<!-- notes:begin -->";
    static final String NOTES_END = "<!-- notes:end -->";

    /**
     * One target line of the summary.
     *
     * @param straddled the range of the runs when some fell on each side of the goal, else null
     */
    record Target(String name, String figure, String goal, boolean met, String verdict, String straddled) {
        Target(String name, String figure, String goal, boolean met, String verdict) {
            this(name, figure, goal, met, verdict, null);
        }

        /**
         * A target judged on the median of {@code m}: met when the median is at least (or, for
         * {@code atLeast} false, at most) {@code goal}.
         */
        static Target judged(String name, String figure, String goalText, Median m, double goal, boolean atLeast,
                String rangeFormat, String verdict) {
            boolean met = atLeast ? m.median() >= goal : m.median() <= goal;
            return new Target(name, figure, goalText, met, verdict, m.straddles(goal) ? m.range(rangeFormat) : null);
        }

        /** The summary's Result cell. */
        String result() {
            String result = met ? "met" : "**missed**: " + verdict;
            if (straddled != null) {
                result = (met ? "met on the median" : "**missed** on the median: " + verdict) + "; the runs range over "
                        + straddled + ", across the goal";
            }
            return result;
        }
    }

    /**
     * A figures section of the report, found again in an earlier report by the start of its
     * heading; {@code ownsTarget} tells which target rows of the summary come from it.
     */
    enum Section {
        THROUGHPUT("## 1. Maximum throughput", name -> name.startsWith("Throughput at") || name.startsWith("CPU-s/GB at")),
        SHARDS("## 2. ", name -> name.matches("\\d+ shards: .*")),
        IDLE("## 3. ", name -> name.matches("\\d+ idle shards: .*")),
        LATENCY("## 4. Latency", name -> name.startsWith("Latency added")),
        FAILOVER("## 5. Failover", name -> name.startsWith("Failover")),
        SPREAD("## 6. Spreading", name -> name.startsWith("Spreading")),
        EXACTLY_ONCE("## 7. Exactly once", name -> name.startsWith("Exactly-once throughput")),
        ARCHIVE("## 8. The Pulsar IO archive", name -> name.startsWith("Archive ")),
        PEER("## 9. Against Pulsar IO", name -> name.startsWith(PeerSection.TARGET_PREFIX)),
        JMH("## Hot paths", name -> false);

        final String headingStart;
        final java.util.function.Predicate<String> ownsTarget;

        Section(String headingStart, java.util.function.Predicate<String> ownsTarget) {
            this.headingStart = headingStart;
            this.ownsTarget = ownsTarget;
        }
    }

    /** Goals of issue #17: Tributary against the raw loop, each judged on the median of a scenario's rounds. */
    static final double THROUGHPUT_RATIO = 1.0;
    static final double CPU_PER_GB_RATIO = 1.0;
    /** The stretch goals of issue #17, at 1 KiB: CPU per GB against raw, and the rate against {@code pulsar-perf produce}. */
    static final double STRETCH_CPU_PER_GB_RATIO = 0.8;
    static final double STRETCH_PULSAR_PERF_RATIO = 0.6;
    static final int LATENCY_ADDED_MS = 10;
    static final int IDLE_CPU_PERCENT = 5;

    /** Starts the line under a section's heading that says which run measured it. */
    static final String MEASURED = "_Measured ";

    private final Map<String, String> overrides;
    private final Map<Integer, List<Figures>> throughput = new LinkedHashMap<>();
    private final Map<Integer, PulsarPerf.Result> pulsarPerf = new LinkedHashMap<>();
    private List<Figures> manyShards;
    private int manyShardsCount;
    private long manyShardsBytesPerShard;
    private List<Figures> idle;
    private int idleShards;
    private List<Figures> latency;
    private double latencyRate;
    private Path jmhJson;
    private GroupScenarios.Failover failover;
    private GroupScenarios.Spread spread;
    private Scenarios.ExactlyOnce exactlyOnce;
    private List<ArchiveScenario.Result> archive;
    private List<PeerScenario.Result> peer;
    private final List<String> failures = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();

    private final int rounds;

    Report(Map<String, String> overrides) {
        this(overrides, 1);
    }

    /** @param rounds how many times this run runs each subject of a scenario */
    Report(Map<String, String> overrides, int rounds) {
        this.overrides = Map.copyOf(overrides);
        this.rounds = rounds;
    }

    void throughput(int recordBytes, List<Figures> figures) {
        throughput.put(recordBytes, figures);
    }

    void pulsarPerf(int recordBytes, PulsarPerf.Result result) {
        pulsarPerf.put(recordBytes, result);
    }

    void manyShards(int shards, long bytesPerShard, List<Figures> figures) {
        manyShardsCount = shards;
        manyShardsBytesPerShard = bytesPerShard;
        manyShards = figures;
    }

    void idle(int shards, List<Figures> figures) {
        idleShards = shards;
        idle = figures;
    }

    void latency(double recordsPerSecond, List<Figures> figures) {
        latencyRate = recordsPerSecond;
        latency = figures;
    }

    /** Half of the records per second Tributary reached at {@code recordBytes}, when that was measured. */
    java.util.Optional<Double> halfOfTributaryMaximum(int recordBytes) {
        List<Figures> figures = throughput.get(recordBytes);
        Median trib = figures == null ? null : Rounds.median(figures, Subject.Kind.TRIBUTARY, Figures::recordsPerSecond);
        return trib == null ? java.util.Optional.empty() : java.util.Optional.of(Math.floor(trib.median() / 2));
    }

    void failover(GroupScenarios.Failover result) {
        failover = result;
    }

    void spread(GroupScenarios.Spread result) {
        spread = result;
    }

    void exactlyOnce(Scenarios.ExactlyOnce result) {
        exactlyOnce = result;
    }

    void archive(List<ArchiveScenario.Result> rounds) {
        archive = List.copyOf(rounds);
    }

    void peer(List<PeerScenario.Result> rounds) {
        peer = List.copyOf(rounds);
    }

    void jmh(Path json) {
        jmhJson = json;
    }

    void failed(String scenario, Exception e) {
        failures.add(scenario + ": " + e);
    }

    String render(Machine machine, String command, Duration took, String previousReport) throws IOException {
        targets.clear();
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append("Tributary against the thinnest pipeline we can write on the same machine, in the same run. ")
                .append("This file is written by the benchmark (`bin/benchmark`); only the notes section at the end is ")
                .append("written by hand, and a new run keeps it.\n\n");
        md.append("## How to reproduce\n\n```bash\nbin/benchmark\n```\n\n")
                .append("`bin/benchmark` builds what it needs, starts a Pulsar standalone from the official distribution and the ")
                .append("Kinesis replay endpoint of the `benchmarks` module, runs every scenario for both subjects one after ")
                .append("the other, runs `pulsar-perf produce` and the JMH suite, and rewrites this file. ")
                .append("Each scenario that compares two subjects runs ").append(BenchmarkMain.DEFAULT_ROUNDS)
                .append(" times for each (`--rounds N` to change it), the order alternating. ")
                .append("`bin/benchmark --quick` runs everything about ten times shorter and once, to try the harness; its ")
                .append("figures are not for this report. `bin/benchmark --only latency,idle` runs some scenarios and keeps the other ")
                .append("sections of this file. The `archive` scenario runs the Pulsar IO archive that `bin/benchmark` ")
                .append("builds (`pulsar-io-kinesis`) under `pulsar-admin sources localrun` of the same distribution. ")
                .append("The `peer` scenario runs Pulsar IO's own Kinesis source, which `bin/benchmark` fetches from Maven ")
                .append("Central, the same way, with dynalite (from npm) for its KCL leases, in rounds as the others; ")
                .append("as the peer takes about two minutes to its first record, a round of it takes about four. ")
                .append("The distributed-mode scenarios `failover` and `spread` start three worker ")
                .append("processes in one group on the same standalone. The exactly-once scenario `eos` runs last, ")
                .append("on a standalone of its own with transactions and deduplication on. The `latency` scenario ")
                .append("also has a standalone of its own, with larger caches (section 4). ")
                .append("It is not part of `./mvnw verify`.\n\n");
        String now = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        md.append("This run: ").append(now).append(", ").append(took.toMinutes()).append(" min, `").append(command)
                .append("`. ")
                .append("A section this run left out is kept from the previous report; each section says when it ")
                .append("was measured.\n\n");
        md.append(machine.markdown()).append('\n');
        if (!overrides.isEmpty()) {
            md.append("**Not the defaults:** every Tributary run in this report set ").append(overrides)
                    .append(" on the connector.\n\n");
        }
        md.append(method(rounds));

        String measured = MEASURED + "on " + now + " by `" + command + "`"
                + (overrides.isEmpty() ? "" : ", with " + overrides + " on the connector") + "._\n\n";
        Map<Section, String> previousSections = previousReport == null ? Map.of() : sections(previousReport);
        List<String> previousTargets = previousReport == null ? List.of() : targetRows(previousReport);
        StringBuilder body = new StringBuilder();
        List<String> targetRows = new ArrayList<>();
        for (Section section : Section.values()) {
            StringBuilder text = new StringBuilder();
            int targetsBefore = targets.size();
            render(section, text);
            if (!text.isEmpty()) {
                int headingEnd = text.indexOf("\n\n") + 2;
                body.append(text, 0, headingEnd).append(measured).append(text.substring(headingEnd));
                for (Target t : targets.subList(targetsBefore, targets.size())) {
                    targetRows.add("| " + t.name() + " | " + t.figure() + " | " + t.goal() + " | " + t.result() + " |");
                }
            } else if (previousSections.containsKey(section)) {
                body.append(previousSections.get(section));
                previousTargets.stream().filter(row -> section.ownsTarget.test(rowName(row))).forEach(targetRows::add);
            }
        }

        md.append("## Targets\n\n| Target | Figure | Goal | Result |\n|---|---|---|---|\n");
        targetRows.forEach(row -> md.append(row).append('\n'));
        if (!failures.isEmpty()) {
            md.append("\nScenarios that did not complete in this run:\n\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        md.append('\n').append(body);
        md.append("## Notes\n\n").append(NOTES_BEGIN).append('\n').append(notes(previousReport)).append(NOTES_END).append('\n');
        return md.toString();
    }

    private static String method(int rounds) {
        String roundsText = rounds == 1
                ? "once for each subject: one run cannot tell a difference from this machine's noise"
                : rounds + " times for each subject, in rounds, the order of the subjects reversed from one round to the next";
        return """
                ## Method

                - **Rounds.** This run ran each scenario that compares two subjects {rounds}. A target is \
                judged on the median, and a comparison is made within each round (the two subjects ran minutes \
                apart, against the same broker) before its median is taken; the tables give each figure's median \
                with the lowest and highest run in parentheses, and a peak (heap, threads) as the largest of all \
                runs. A target whose runs fall on both sides of its goal says so. Failover (10 kills), spreading, \
                `pulsar-perf` and JMH run once per run, as their sections say.

                - **Subjects.** *Tributary*: `connect-runtime start` with the Kinesis connector at its defaults (one task, \
                polling, `maxRecordsPerFetch` 1000 and `maxBytesPerFetch` 1 MiB, `receiveQueueSize` 10000, \
                `pollInterval` 1s) but one, \
                `paceShardReads=false`: the endpoint has no per-shard limits and the raw loop keeps to none, while \
                by default the connector spaces calls to stay within Kinesis's 2 MB/s and 5 calls/s per shard \
                (which alone would cap 8 shards at 16 MB/s). The worker runs with its default producer settings, and its JVM \
                maps the class-data archive that `bin/connect-runtime` gives every start after an installation's first \
                (docs/operations.md, Start-up), written once by the harness before the scenarios. *raw*: `RawPipeline`, a hand-written loop that calls GetRecords with the same \
                SDK client (and a limit of 1,000 records a call, with no byte bound) and passes each record to \
                `Producer.sendAsync`, with the same producer settings and the same \
                message (key, value bytes, event time, the six default `kinesis.*` properties), and no framework: no \
                offsets, no buffer, no retries. Each runs in its own JVM with `-Xmx1g -XX:+UseG1GC` (above the 512 MiB target, so that the heap figure is what the subject needs, not what it was allowed), one after the \
                other, against the same broker, each into a fresh topic.
                - **Source.** A Kinesis-compatible replay endpoint (`dev.tributary.bench.replay`) serves records \
                generated in memory, in CBOR as the SDK asks for them, on loopback. kinesis-mock cannot serve more than \
                about 10k records/s, so it is not used here.
                - **Figures.** Throughput counts the messages the broker took in (its topic stats), over a window that \
                leaves out start-up, or after a warm-up for timed runs, whose records \
                start to arrive only once the subject has called GetRecords once per shard (so that neither begins \
                behind by its own start-up time). A backlog (2.4 million records of 1 KiB or 7.2 million of 100 B on \
                8 shards, 15 to 40 s for a subject here) is measured from {from}% to {to}% of it, to leave out as \
                much as it can of a JVM's first seconds, which belong to its JIT compiler and which a connector that \
                runs for days does not pay again: in a profile of Tributary 4 to 12 s after its start the compiler \
                threads took a third of its CPU, and still about a fifth at 20 to 30 s; the raw loop's took more, \
                for longer. The window is not free of them at 1 KiB, where it starts about 8 s after a fast \
                subject's start. CPU, heap and \
                threads come from a sampler inside each subject JVM (process CPU time; heap in use right after each \
                collection; live threads), every 250 ms. Heap after GC is an upper bound of the live set: G1 leaves \
                old-generation garbage alone until it fills 45% of the heap, so with `-Xmx1g` a figure near 460 MiB \
                means G1 had not needed to clean up yet, not that the subject held that much. CPU-s/GB is the subject's CPU seconds in the \
                window per 10^9 bytes of payload moved. GetRecords calls are counted by the endpoint. Latency: the \
                endpoint writes `System.nanoTime()` into the first 8 bytes of each payload as it builds the response \
                (the end of the fetch, but for the transfer on loopback); a reader in the harness subtracts it from \
                its own clock on receipt (HdrHistogram, microseconds). It includes the broker's dispatch to the \
                reader, which is the same for both subjects; the connector's added latency is Tributary's figure \
                minus raw's.
                - **Exactly once (section 7).** Tributary twice on the backlog of section 1 at 1 KiB: at least \
                once as in section 1 (offsets in the default file store), then with `exactly.once.source.support=enabled`, `offset.store=pulsar` and \
                a fresh offsets topic, which writes each commit interval's records and offsets in one Pulsar \
                transaction. Both runs set the connector's commit interval, `checkpointInterval`, to the same 1 \
                s (the default is 60 s, and a transaction is capped at half of \
                `exactly.once.transaction.timeout.ms`, 30 s); the worker keeps its default \
                `offset.flush.interval.ms`. They run on a standalone of their own, with \
                `transactionCoordinatorEnabled=true` and `brokerDeduplicationEnabled=true`, and a managed-ledger \
                cache of {eosCacheMb} MB whose entries may stay 5 s (`managedLedgerCacheSizeMB`, \
                `managedLedgerCacheEvictionTimeThresholdMillis`; the other scenarios' broker has 64 MB and Pulsar's \
                1 s): a reader gets a transaction's messages only when it commits, and without such a cache the \
                broker has dropped them by then and reads them back from its bookie (docs/concepts.md). It is started after the \
                shared standalone of the other scenarios has stopped; a first at-least-once run on the same \
                backlog, not measured, warms that fresh broker. Readers see a transaction's messages only once \
                it commits, and the broker's count of messages in includes open and aborted ones, so both runs \
                count what a reader in the harness received from the topic; the window is that of section 1.
                - **Against the peer (section 9).** Tributary's standalone worker and Pulsar IO's own Kinesis \
                source (`pulsar-io-kinesis` 4.0.8, a KCL 3 application, under `pulsar-admin sources localrun`) read \
                the backlog of section 1 at 1 KiB, one after the other and in rounds as above, from the same \
                endpoint into a fresh topic each of the same broker, with the same heap (`-Xmx1g`, G1). Unlike \
                the subjects of sections 1 to 7, both are measured from outside, the same way: CPU and memory (RSS and PSS) of their processes in `/proc`. \
                Time to first record runs from just before the process starts to the first message in the topic. \
                Afterwards a reader compares every message, byte by byte, with what the endpoint served for its \
                sequence number. The peer's KCL keeps its leases in dynalite (a DynamoDB emulator from npm) and \
                sends its metrics to a closed port; its Kinesis client speaks HTTP/2 only, which the endpoint \
                answers on a second port.
                - **The machine is shared.** Pulsar's broker, the endpoint, the harness and the subject share its cores, \
                so absolute figures are lower than on a dedicated host; the ratios are the point.

                """.replace("{rounds}", roundsText)
                .replace("{eosCacheMb}", Integer.toString(BenchmarkMain.EXACTLY_ONCE_CACHE_MB))
                .replace("{from}", Integer.toString(Scenarios.WINDOW_FROM_PERCENT))
                .replace("{to}", Integer.toString(Scenarios.WINDOW_TO_PERCENT));
    }

    private void render(Section section, StringBuilder md) throws IOException {
        switch (section) {
            case THROUGHPUT -> throughputSection(md);
            case SHARDS -> manyShardsSection(md);
            case IDLE -> idleSection(md);
            case LATENCY -> latencySection(md);
            case FAILOVER -> failoverSection(md);
            case SPREAD -> spreadSection(md);
            case EXACTLY_ONCE -> exactlyOnceSection(md);
            case ARCHIVE -> ArchiveSection.render(archive, md, targets);
            case PEER -> PeerSection.render(peer, md, targets);
            case JMH -> jmhSection(md);
        }
    }

    /**
     * The figures sections of an earlier report, each from its heading to the next heading of its
     * level, with a line saying when it was measured (the earlier report's run, for a section
     * written before sections said so).
     */
    static Map<Section, String> sections(String previous) {
        String text = previous.replace("\r\n", "\n");
        int notes = text.indexOf("\n## Notes");
        if (notes >= 0) {
            text = text.substring(0, notes + 1);
        }
        java.util.regex.Matcher run = java.util.regex.Pattern.compile("(?m)^This run: ([^,\\n]+)").matcher(text);
        String previousRun = run.find() ? run.group(1) : "in an earlier run";
        Map<Section, String> found = new java.util.EnumMap<>(Section.class);
        for (Section section : Section.values()) {
            int begin = text.startsWith(section.headingStart) ? 0 : text.indexOf("\n" + section.headingStart);
            if (begin < 0) {
                continue;
            }
            begin = begin == 0 ? 0 : begin + 1;
            int end = text.indexOf("\n## ", begin);
            String chunk = (end < 0 ? text.substring(begin) : text.substring(begin, end + 1)).stripTrailing() + "\n\n";
            int headingEnd = chunk.indexOf("\n\n") + 2;
            if (headingEnd >= 2 && !chunk.startsWith(MEASURED, headingEnd)) {
                chunk = chunk.substring(0, headingEnd) + MEASURED + "on " + previousRun + " (an earlier run)._\n\n"
                        + chunk.substring(headingEnd);
            }
            found.put(section, chunk);
        }
        return found;
    }

    /** The rows of an earlier report's targets table. */
    static List<String> targetRows(String previous) {
        List<String> rows = new ArrayList<>();
        int table = previous.indexOf("## Targets");
        if (table < 0) {
            return rows;
        }
        for (String line : previous.substring(table).split("\n")) {
            if (line.startsWith("## ") && !line.startsWith("## Targets")) {
                break;
            }
            if (line.startsWith("| ") && !line.startsWith("| Target |")) {
                rows.add(line.strip());
            }
        }
        return rows;
    }

    private static String rowName(String row) {
        String inner = row.substring(2);
        int bar = inner.indexOf(" |");
        return bar < 0 ? inner : inner.substring(0, bar);
    }

    private void throughputSection(StringBuilder md) {
        if (throughput.isEmpty()) {
            return;
        }
        md.append("## 1. Maximum throughput, 8 shards\n\n")
                .append("| Record size | Subject | Records/s | MB/s | CPU-s/GB | Cores used | Heap after GC, peak | Threads peak |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (var e : throughput.entrySet()) {
            int size = e.getKey();
            List<Figures> runs = e.getValue();
            for (Subject.Kind kind : subjects(runs)) {
                md.append("| ").append(size(size)).append(" | ").append(kind.label).append(" | ")
                        .append(drainedCells(runs, kind));
            }
            PulsarPerf.Result perf = pulsarPerf.get(size);
            if (perf != null) {
                md.append(String.format(Locale.ROOT, "| %s | `pulsar-perf produce` | %,.0f | %.1f | %.1f | | | |%n", size(size),
                        perf.messagesPerSecond(), perf.megabytesPerSecond(),
                        perf.cpuSeconds() / (perf.messages() * (double) size / 1e9)));
            }
            Median ratio = Rounds.ratio(runs, Subject.Kind.TRIBUTARY, Subject.Kind.RAW, Figures::recordsPerSecond);
            Median cpuRatio = Rounds.ratio(runs, Subject.Kind.TRIBUTARY, Subject.Kind.RAW, Figures::cpuSecondsPerGigabyte);
            if (ratio != null) {
                md.append("| ").append(size(size)).append(" | **Tributary / raw** | **").append(ratio.format("%.2f×"))
                        .append("** | | **").append(cpuRatio.format("%.2f×")).append("** | | | |\n");
                targets.add(Target.judged("Throughput at " + size(size),
                        String.format(Locale.ROOT, "%.2f × raw", ratio.median()) + ratio.rangeNote("%.2f"),
                        String.format(Locale.ROOT, "≥ %.1f × raw", THROUGHPUT_RATIO), ratio, THROUGHPUT_RATIO, true, "%.2f×",
                        String.format(Locale.ROOT, "short by %.0f%% of raw", (THROUGHPUT_RATIO - ratio.median()) * 100)));
                targets.add(Target.judged("CPU-s/GB at " + size(size),
                        String.format(Locale.ROOT, "%.2f × raw", cpuRatio.median()) + cpuRatio.rangeNote("%.2f"),
                        String.format(Locale.ROOT, "≤ %.1f × raw", CPU_PER_GB_RATIO), cpuRatio, CPU_PER_GB_RATIO, false,
                        "%.2f×", String.format(Locale.ROOT, "over by %.0f%% of raw",
                                (cpuRatio.median() - CPU_PER_GB_RATIO) * 100)));
                if (size == 1024) {
                    targets.add(Target.judged("CPU-s/GB at " + size(size) + ", stretch goal",
                            String.format(Locale.ROOT, "%.2f × raw", cpuRatio.median()) + cpuRatio.rangeNote("%.2f"),
                            String.format(Locale.ROOT, "≤ %.1f × raw", STRETCH_CPU_PER_GB_RATIO), cpuRatio,
                            STRETCH_CPU_PER_GB_RATIO, false, "%.2f×", String.format(Locale.ROOT, "over by %.0f%% of raw",
                                    (cpuRatio.median() - STRETCH_CPU_PER_GB_RATIO) * 100)));
                }
            }
            Median againstPerf = perf == null || size != 1024 ? null : Rounds.median(runs, Subject.Kind.TRIBUTARY,
                    f -> f.recordsPerSecond() / perf.messagesPerSecond());
            if (againstPerf != null) {
                targets.add(Target.judged("Throughput at " + size(size) + " against `pulsar-perf produce`, stretch goal",
                        String.format(Locale.ROOT, "%.2f × `pulsar-perf`'s %,.0f records/s", againstPerf.median(),
                                perf.messagesPerSecond()) + againstPerf.rangeNote("%.2f"),
                        String.format(Locale.ROOT, "≥ %.1f × `pulsar-perf`", STRETCH_PULSAR_PERF_RATIO), againstPerf,
                        STRETCH_PULSAR_PERF_RATIO, true, "%.2f×", String.format(Locale.ROOT, "short by %.0f%% of its rate",
                                (STRETCH_PULSAR_PERF_RATIO - againstPerf.median()) * 100)));
            }
        }
        md.append("\n`pulsar-perf produce` runs alone with the same batching (1,000 messages, 128 KiB or 5 ms) and 1,000 pending ")
                .append("messages, with no Kinesis at all: the ceiling of this machine for producing to this broker. Its ")
                .append("CPU-s/GB counts its whole JVM, start-up included.\n\n");
    }

    private void manyShardsSection(StringBuilder md) {
        if (manyShards == null) {
            return;
        }
        double offered = manyShardsCount * manyShardsBytesPerShard / 1e6;
        md.append("## 2. ").append(manyShardsCount).append(" shards at ").append(manyShardsBytesPerShard / 1000)
                .append(" KB/s each\n\n")
                .append(String.format(Locale.ROOT, "Offered: %.1f MB/s in all, 1 KiB records, with the default queue sizes.%n%n", offered))
                .append("| Subject | Delivered MB/s | Records/s | Cores used | Heap after GC, peak | Heap in use peak | Threads peak |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Subject.Kind kind : subjects(manyShards)) {
            md.append("| ").append(kind.label).append(" | ")
                    .append(cell(manyShards, kind, "%.1f", Figures::megabytesPerSecond)).append(" | ")
                    .append(cell(manyShards, kind, "%,.0f", Figures::recordsPerSecond)).append(" | ")
                    .append(cell(manyShards, kind, "%.2f", Figures::cores)).append(" | ")
                    .append(peak(manyShards, kind, f -> f.peakLiveHeap() >> 20)).append(" MiB | ")
                    .append(peak(manyShards, kind, f -> f.peakHeapUsed() >> 20)).append(" MiB | ")
                    .append(peak(manyShards, kind, Figures::peakThreads)).append(" |\n");
        }
        Median bytes = Rounds.ratio(manyShards, Subject.Kind.TRIBUTARY, Subject.Kind.RAW, Figures::megabytesPerSecond);
        Median cores = Rounds.ratio(manyShards, Subject.Kind.TRIBUTARY, Subject.Kind.RAW, Figures::cores);
        if (bytes != null) {
            md.append("| **Tributary / raw** | **").append(bytes.format("%.2f×")).append("** | | **")
                    .append(cores.format("%.2f×")).append("** | | | |\n");
        }
        md.append('\n');
        if (!Rounds.runs(manyShards, Subject.Kind.TRIBUTARY).isEmpty()) {
            long mib = peak(manyShards, Subject.Kind.TRIBUTARY, f -> f.peakLiveHeap() >> 20);
            long threads = peak(manyShards, Subject.Kind.TRIBUTARY, Figures::peakThreads);
            targets.add(new Target(manyShardsCount + " shards: heap", mib + " MiB after GC ("
                    + peak(manyShards, Subject.Kind.TRIBUTARY, f -> f.peakHeapUsed() >> 20)
                    + " MiB in use, garbage included, with -Xmx" + Subject.HEAP + ")" + runsNote(manyShards),
                    "≤ 512 MiB", mib <= 512, "over by " + (mib - 512) + " MiB"));
            targets.add(new Target(manyShardsCount + " shards: threads", threads + " threads" + runsNote(manyShards),
                    "reported; no thread per shard", threads < manyShardsCount,
                    threads + " threads for " + manyShardsCount + " shards"));
        }
    }

    private void idleSection(StringBuilder md) {
        if (idle == null) {
            return;
        }
        md.append("## 3. ").append(idleShards).append(" idle shards\n\n")
                .append("Shards with nothing in them, measured over 90 s after a 3-minute warm-up: at a call per shard ")
                .append("every few seconds the JIT is still compiling the SDK's request path well after the first minute.\n\n")
                .append("| Subject | GetRecords/s in all | GetRecords/s per shard | Share of one core | Heap after GC, peak | Threads peak |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Subject.Kind kind : subjects(idle)) {
            md.append("| ").append(kind.label).append(" | ")
                    .append(cell(idle, kind, "%.0f", f -> f.getRecordsCalls() / f.seconds())).append(" | ")
                    .append(cell(idle, kind, "%.2f", Figures::getRecordsPerShardPerSecond)).append(" | ")
                    .append(cell(idle, kind, "%.1f%%", f -> f.cores() * 100)).append(" | ")
                    .append(peak(idle, kind, f -> f.peakLiveHeap() >> 20)).append(" MiB | ")
                    .append(peak(idle, kind, Figures::peakThreads)).append(" |\n");
        }
        md.append('\n');
        Median calls = Rounds.median(idle, Subject.Kind.TRIBUTARY, Figures::getRecordsPerShardPerSecond);
        Median cores = Rounds.median(idle, Subject.Kind.TRIBUTARY, f -> f.cores() * 100);
        if (calls != null && Rounds.runs(idle, Subject.Kind.TRIBUTARY).stream().allMatch(f -> f.seconds() > 0)) {
            targets.add(Target.judged(idleShards + " idle shards: calls",
                    String.format(Locale.ROOT, "%.2f GetRecords/s per shard", calls.median()) + calls.rangeNote("%.2f"),
                    "≤ 1", calls, 1.0, false, "%.2f",
                    String.format(Locale.ROOT, "%.0f%% too many", (calls.median() - 1) * 100)));
            targets.add(Target.judged(idleShards + " idle shards: CPU",
                    String.format(Locale.ROOT, "%.1f%% of one core", cores.median()) + cores.rangeNote("%.1f%%"),
                    "≤ " + IDLE_CPU_PERCENT + "%", cores, IDLE_CPU_PERCENT, false, "%.1f%%",
                    String.format(Locale.ROOT, "over by %.1f points", cores.median() - IDLE_CPU_PERCENT)));
        }
    }

    private void latencySection(StringBuilder md) {
        if (latency == null) {
            return;
        }
        md.append(String.format(Locale.ROOT, "## 4. Latency at half load: %,.0f records/s of 1 KiB on 8 shards%n%n", latencyRate))
                .append("From the end of the fetch to a reader of the topic, in milliseconds. This scenario has a broker of")
                .append(String.format(Locale.ROOT, " its own, with a bookie write cache and a managed-ledger cache of %d MB"
                        + " each and entries kept in the latter for %d s,", BenchmarkMain.LATENCY_CACHE_MB,
                        BenchmarkMain.LATENCY_CACHE_SECONDS))
                .append(" so that a stall of the bookie does not leave the reader behind the cache for")
                .append(" the rest of the run, reading from the bookie and measuring its own lag; a run of Tributary that is")
                .append(" not measured warms that fresh broker first.\n\n")
                .append("| Subject | Records/s delivered | p50 | p99 | p999 | max | Samples |\n|---|---|---|---|---|---|---|\n");
        for (Subject.Kind kind : subjects(latency)) {
            md.append("| ").append(kind.label).append(" | ")
                    .append(cell(latency, kind, "%,.0f", Figures::recordsPerSecond)).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> ms(f.latencyMicros(), 50))).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> ms(f.latencyMicros(), 99))).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> ms(f.latencyMicros(), 99.9))).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> f.latencyMicros().getMaxValue() / 1000.0)).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", Rounds.runs(latency, kind).stream()
                            .mapToLong(f -> f.latencyMicros().getTotalCount()).sum())).append(" |\n");
        }
        boolean sampled = latency.stream().allMatch(f -> f.latencyMicros().getTotalCount() > 0);
        Median added99 = Rounds.difference(latency, Subject.Kind.TRIBUTARY, Subject.Kind.RAW, f -> ms(f.latencyMicros(), 99));
        if (sampled && added99 != null) {
            Median added50 = Rounds.difference(latency, Subject.Kind.TRIBUTARY, Subject.Kind.RAW, f -> ms(f.latencyMicros(), 50));
            Median added999 = Rounds.difference(latency, Subject.Kind.TRIBUTARY, Subject.Kind.RAW,
                    f -> ms(f.latencyMicros(), 99.9));
            md.append("| **Tributary − raw** | | **").append(added50.format("%+.2f")).append("** | **")
                    .append(added99.format("%+.2f")).append("** | **").append(added999.format("%+.2f")).append("** | | |\n");
            Median t = Rounds.median(latency, Subject.Kind.TRIBUTARY, f -> ms(f.latencyMicros(), 99));
            Median r = Rounds.median(latency, Subject.Kind.RAW, f -> ms(f.latencyMicros(), 99));
            targets.add(Target.judged("Latency added at half load, p99",
                    String.format(Locale.ROOT, "%+.2f ms (Tributary %.2f ms, raw %.2f ms)", added99.median(), t.median(),
                            r.median()) + added99.rangeNote("%+.2f ms"),
                    "≤ " + LATENCY_ADDED_MS + " ms", added99, LATENCY_ADDED_MS, false, "%+.2f ms",
                    String.format(Locale.ROOT, "over by %.1f ms", added99.median() - LATENCY_ADDED_MS)));
        }
        md.append('\n');
        fromArrivalTable(md);
    }

    /**
     * The same messages timed from each record's arrival in the stream: what a writer to Kinesis
     * sees, the wait in the stream for a fetch included, which the table above leaves out (a
     * subject that fetches less often lets records wait there, unseen by it). Not judged.
     */
    private void fromArrivalTable(StringBuilder md) {
        if (!latency.stream().allMatch(f -> f.fromArrivalMicros() != null && f.fromArrivalMicros().getTotalCount() > 0)) {
            return;
        }
        md.append("From each record's arrival in the stream to a reader of the topic, in milliseconds: the same "
                + "messages, with the time each waited in the stream for its fetch (the endpoint writes the moment "
                + "each record arrived, in the same clock, into payload bytes 8 to 15). This is what a writer to "
                + "Kinesis sees. The table above leaves that wait out: a subject that fetches less often (the first "
                + "column) lets records wait in the stream, where that table does not see them. Tributary waits "
                + "`pollInterval` (1 s by default) between calls to a shard that it has caught up with, as the KCL "
                + "does, so that other applications reading the stream keep their share of Kinesis's 5 calls per "
                + "shard per second, or, for a shard whose records of one interval do not fit in one call, as here, "
                + "an even share of the interval (docs/kinesis.md); the raw loop calls again at once, far more often "
                + "than Kinesis allows, which only this endpoint accepts. Shown, not judged.\n\n")
                .append("| Subject | GetRecords/s per shard | p50 | p99 | p999 | max |\n|---|---|---|---|---|---|\n");
        for (Subject.Kind kind : subjects(latency)) {
            md.append("| ").append(kind.label).append(" | ")
                    .append(cell(latency, kind, "%.2f", Figures::getRecordsPerShardPerSecond)).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> ms(f.fromArrivalMicros(), 50))).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> ms(f.fromArrivalMicros(), 99))).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> ms(f.fromArrivalMicros(), 99.9))).append(" | ")
                    .append(cell(latency, kind, "%.2f", f -> f.fromArrivalMicros().getMaxValue() / 1000.0)).append(" |\n");
        }
        Median added50 = Rounds.difference(latency, Subject.Kind.TRIBUTARY, Subject.Kind.RAW,
                f -> ms(f.fromArrivalMicros(), 50));
        Median added99 = Rounds.difference(latency, Subject.Kind.TRIBUTARY, Subject.Kind.RAW,
                f -> ms(f.fromArrivalMicros(), 99));
        Median added999 = Rounds.difference(latency, Subject.Kind.TRIBUTARY, Subject.Kind.RAW,
                f -> ms(f.fromArrivalMicros(), 99.9));
        if (added50 != null && added99 != null && added999 != null) {
            md.append("| **Tributary − raw** | | **").append(added50.format("%+.2f")).append("** | **")
                    .append(added99.format("%+.2f")).append("** | **").append(added999.format("%+.2f"))
                    .append("** | |\n");
        }
        md.append('\n');
    }

    private void failoverSection(StringBuilder md) {
        if (failover == null) {
            return;
        }
        GroupScenarios.Failover f = failover;
        md.append("## 5. Failover after a SIGKILL, ").append(GroupScenarios.WORKERS).append(" workers\n\n")
                .append(String.format(Locale.ROOT, "Three worker processes in one group on the standalone run a datagen "
                        + "connector of %d tasks (%.0f records/s each, 100 B), two tasks per worker. Each round SIGKILLs the "
                        + "worker that runs the round's task (tasks 0, 1, 2, … in turn), and measures from the kill to the first "
                        + "record of that task written by its new owner: the first record of the task under a new producer "
                        + "name (each task's producer has a name of its own, `<connector>-<task>-0-<nanos>`), timed by its "
                        + "publish time, which the new owner's Pulsar client stamps as it sends. The harness's receipt of "
                        + "that record is shown too. Then the killed worker is started again, and the next round waits "
                        + "until every task runs, two per worker, and the round's task has written since.%n%n",
                        f.tasks(), f.ratePerTask()))
                .append("| Setting | Value |\n|---|---|\n");
        f.settings().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n| Round | Task | Killed worker | It led the group | New owner | Kill → first record of the new owner | "
                + "Kill → received by the harness |\n|---|---|---|---|---|---|---|\n");
        for (GroupScenarios.Kill k : f.kills()) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %.2f s | %.2f s |%n", k.round(), k.task(),
                    k.victim(), k.victimLed() ? "yes" : "no", k.newOwner(), k.toNewRecordMillis() / 1000.0,
                    k.toReceiptMillis() / 1000.0));
        }
        if (!f.kills().isEmpty()) {
            double p50 = f.percentile(50) / 1000.0;
            double max = f.percentile(100) / 1000.0;
            md.append(String.format(Locale.ROOT, "| **p50** | | | | | **%.2f s** | |%n| **max** | | | | | **%.2f s** | |%n",
                    p50, max));
            targets.add(new Target("Failover after a SIGKILL, p50 of " + f.kills().size() + " kills",
                    String.format(Locale.ROOT, "%.2f s (max %.2f s)", p50, max), "≤ 15 s, with at least 10 kills",
                    p50 <= 15 && f.kills().size() >= 10, f.kills().size() < 10
                            ? "only " + f.kills().size() + " kills measured"
                            : String.format(Locale.ROOT, "over by %.2f s", p50 - 15)));
        }
        if (!f.failedRounds().isEmpty()) {
            md.append("\nRounds that did not measure:\n\n");
            f.failedRounds().forEach(r -> md.append("- ").append(r).append('\n'));
        }
        md.append('\n');
    }

    private void spreadSection(StringBuilder md) {
        if (spread == null) {
            return;
        }
        GroupScenarios.Spread s = spread;
        double seconds = s.toBalancedMillis() / 1000.0;
        md.append("## 6. Spreading ").append(s.connectors()).append(" connectors over ").append(GroupScenarios.WORKERS)
                .append(" workers\n\n")
                .append(String.format(Locale.ROOT, "Three fresh worker processes in one group. The harness creates %d datagen "
                        + "connectors of %d task each with `PUT /connectors/{name}/config`, sent to the three workers in turn, "
                        + "%d requests at a time, as an operator's script would. Measured from the first request until "
                        + "`GET /connectors?expand=status` shows every connector and every task RUNNING, with connector "
                        + "instances and tasks each spread over the three workers with at most one more on any worker "
                        + "than on another (polled every 200 ms).%n%n", s.connectors(), s.tasksPerConnector(),
                        s.concurrentCreates()))
                .append("| Setting | Value |\n|---|---|\n");
        s.settings().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append(String.format(Locale.ROOT, "%n| Figure | Value |%n|---|---|%n| All %d creates answered | %.2f s |%n"
                + "| One create, from request to answer: p50, max | %.2f s, %.2f s |%n"
                + "| All running and balanced | **%.2f s** |%n", s.connectors(), s.createsMillis() / 1000.0,
                s.createP50Millis() / 1000.0, s.createMaxMillis() / 1000.0, seconds));
        md.append("| Connector instances per worker | ").append(perWorker(s.connectorsPerWorker())).append(" |\n")
                .append("| Tasks per worker | ").append(perWorker(s.tasksPerWorker())).append(" |\n")
                .append("| Creates that answered an error | ").append(s.createErrors().size()).append(" of ")
                .append(s.connectors()).append(" |\n\n");
        if (!s.createErrors().isEmpty()) {
            md.append("Creates that answered an error (each connector was stored and ran all the same):\n\n");
            s.createErrors().forEach(e -> md.append("- `").append(e.replace("`", "'")).append("`\n"));
            md.append('\n');
        }
        targets.add(new Target("Spreading " + s.connectors() + " connectors over " + GroupScenarios.WORKERS + " workers",
                String.format(Locale.ROOT, "%.2f s", seconds)
                        + (s.createErrors().isEmpty() ? "" : " (" + s.createErrors().size() + " creates answered an error)"),
                "< 30 s", seconds < 30,
                String.format(Locale.ROOT, "over by %.2f s", seconds - 30)));
    }

    private void exactlyOnceSection(StringBuilder md) {
        if (exactlyOnce == null) {
            return;
        }
        md.append("## 7. Exactly once, 8 shards at 1 KiB\n\n")
                .append("The backlog of section 1, read by Tributary at least once and then exactly once, with the ")
                .append("connector's commit interval (`checkpointInterval`) at ").append(exactlyOnce.commitInterval())
                .append(" in both runs, on a broker with transactions and deduplication on and a managed-ledger cache ")
                .append("that holds a commit interval's messages (Method). Records/s count what a ")
                .append("reader of the topic received: under exactly-once, committed records only.\n\n")
                .append("| Subject | Records/s | MB/s | CPU-s/GB | Cores used | Heap after GC, peak | Threads peak |\n")
                .append("|---|---|---|---|---|---|---|\n");
        List<Figures> runs = exactlyOnce.figures();
        for (Subject.Kind kind : subjects(runs)) {
            String label = kind == Subject.Kind.TRIBUTARY ? "Tributary, at least once" : kind.label;
            md.append("| ").append(label).append(" | ")
                    .append(drainedCells(runs, kind));
        }
        Median ratio = Rounds.ratio(runs, Subject.Kind.TRIBUTARY_EXACTLY_ONCE, Subject.Kind.TRIBUTARY,
                Figures::recordsPerSecond);
        if (ratio != null) {
            Median cpu = Rounds.ratio(runs, Subject.Kind.TRIBUTARY_EXACTLY_ONCE, Subject.Kind.TRIBUTARY,
                    Figures::cpuSecondsPerGigabyte);
            md.append("| **exactly once / at least once** | **").append(ratio.format("%.2f×")).append("** | | **")
                    .append(cpu.format("%.2f×")).append("** | | | |\n");
            targets.add(Target.judged("Exactly-once throughput at 1 KiB",
                    String.format(Locale.ROOT, "%.2f × at-least-once", ratio.median()) + ratio.rangeNote("%.2f"),
                    "≥ 0.8 × at-least-once", ratio, 0.8, true, "%.2f×",
                    String.format(Locale.ROOT, "short by %.0f%% of at-least-once", (0.8 - ratio.median()) * 100)));
        }
        List<TopicCounter.Transactions> transactions = exactlyOnce.transactions();
        if (!transactions.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%n%s, from the stats once the backlog was read: "
                    + "%,d transactions committed, %,d aborted, %,d open.%n",
                    transactions.size() == 1 ? "The exactly-once run's topic" : "The exactly-once runs' topics, in all",
                    transactions.stream().mapToLong(TopicCounter.Transactions::committed).sum(),
                    transactions.stream().mapToLong(TopicCounter.Transactions::aborted).sum(),
                    transactions.stream().mapToLong(TopicCounter.Transactions::ongoing).sum()));
        }
        md.append('\n');
    }

    private static String perWorker(Map<String, Integer> counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach((worker, n) -> text.append(text.isEmpty() ? "" : ", ").append(worker).append(": ").append(n));
        return text.toString();
    }

    private void jmhSection(StringBuilder md) throws IOException {
        if (jmhJson == null || !Files.exists(jmhJson)) {
            return;
        }
        md.append("## Hot paths (JMH)\n\n")
                .append("One fork, short warm-up and measurement on a shared 2-core machine: read the error column.\n\n")
                .append("Allocated: bytes the benchmark allocates per operation (JMH's `gc.alloc.rate.norm`), which "
                        + "depends on the code, not on the machine's speed; what a hot path allocates, the collector "
                        + "has to clear.\n\n")
                .append("| Benchmark | Parameters | Score | Error (99.9%) | Unit | Allocated |\n|---|---|---|---|---|---|\n");
        JsonNode results = new ObjectMapper().readTree(jmhJson.toFile());
        for (JsonNode r : results) {
            String name = r.path("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            StringBuilder params = new StringBuilder();
            r.path("params").properties().forEach(p -> params.append(params.isEmpty() ? "" : ", ")
                    .append(p.getKey()).append('=').append(p.getValue().asText()));
            JsonNode metric = r.path("primaryMetric");
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %,.1f | %,.1f | %s | %s |%n", name, params,
                    metric.path("score").asDouble(), metric.path("scoreError").asDouble(), metric.path("scoreUnit").asText(),
                    allocatedPerOperation(r)));
        }
        md.append('\n');
    }

    /** JMH's GC profiler's bytes per operation (its key starts with a middle dot), or a dash without it. */
    static String allocatedPerOperation(JsonNode result) {
        for (Map.Entry<String, JsonNode> metric : result.path("secondaryMetrics").properties()) {
            if (metric.getKey().endsWith("gc.alloc.rate.norm")) {
                return String.format(Locale.ROOT, "%,.0f %s", metric.getValue().path("score").asDouble(),
                        metric.getValue().path("scoreUnit").asText());
            }
        }
        return "–";
    }

    private static String notes(String previous) {
        if (previous != null) {
            int begin = previous.indexOf(NOTES_BEGIN);
            int end = previous.indexOf(NOTES_END);
            if (begin >= 0 && end > begin) {
                return previous.substring(begin + NOTES_BEGIN.length(), end).strip() + "\n";
            }
        }
        return "(none yet)\n";
    }

    /**
     * The cells after the subject of a drained run's row (sections 1 and 7): records/s, MB/s,
     * CPU-s/GB, cores, heap after GC and threads, ending the row.
     */
    private static String drainedCells(List<Figures> runs, Subject.Kind kind) {
        return cell(runs, kind, "%,.0f", Figures::recordsPerSecond) + " | "
                + cell(runs, kind, "%.1f", Figures::megabytesPerSecond) + " | "
                + cell(runs, kind, "%.1f", Figures::cpuSecondsPerGigabyte) + " | "
                + cell(runs, kind, "%.2f", Figures::cores) + " | "
                + peak(runs, kind, f -> f.peakLiveHeap() >> 20) + " MiB | "
                + peak(runs, kind, Figures::peakThreads) + " |\n";
    }

    /** The subjects of a scenario's runs, in the order of its first round. */
    private static List<Subject.Kind> subjects(List<Figures> runs) {
        return runs.stream().map(Figures::kind).distinct().toList();
    }

    /** A table cell: the median of {@code figure} over the runs of {@code kind}, with its range when there were several. */
    private static String cell(List<Figures> runs, Subject.Kind kind, String format,
            java.util.function.ToDoubleFunction<Figures> figure) {
        return Rounds.median(runs, kind, figure).format(format);
    }

    /** Nothing for a scenario run once; else how many runs a peak was taken over. */
    private static String runsNote(List<Figures> runs) {
        int rounds = runs.isEmpty() ? 0 : Rounds.runs(runs, runs.get(0).kind()).size();
        return rounds <= 1 ? "" : " (the largest of " + rounds + " runs)";
    }

    /** The largest of {@code figure} over every run of {@code kind}: a peak is a peak, whichever run had it. */
    private static long peak(List<Figures> runs, Subject.Kind kind, java.util.function.ToLongFunction<Figures> figure) {
        return Rounds.runs(runs, kind).stream().mapToLong(figure).max().orElse(0);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    }
}
