package dev.tributary.bench.harness;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Section 9 of the report: Tributary against Pulsar IO's own Kinesis source ({@link PeerScenario}). */
final class PeerSection {
    static final String HEADING = "## 9. Against Pulsar IO's Kinesis source, 8 shards at 1 KiB";
    /** Every target row of this section starts so ({@link Report.Section#PEER}). */
    static final String TARGET_PREFIX = "Against the peer: ";

    /** Goals of issue #17 against the peer. */
    static final double CPU_PER_RECORD_RATIO = 0.25;
    static final double FIRST_RECORD_SECONDS = 5;
    static final double MEMORY_RATIO = 0.3;

    private PeerSection() {
    }

    /** Appends the section and its target rows; nothing when the scenario did not run. */
    static void render(List<PeerScenario.Result> rounds, StringBuilder md, List<Report.Target> targets) {
        if (rounds == null || rounds.isEmpty()) {
            return;
        }
        PeerScenario.Result last = rounds.get(rounds.size() - 1);
        String runs = rounds.size() == 1 ? "once per run" : "in " + rounds.size() + " rounds, the order reversed from "
                + "one round to the next; each figure is the median of the rounds with their range in parentheses, and "
                + "each ratio the median of the rounds' own ratios";
        md.append(HEADING).append("\n\n")
                .append("The backlog of section 1 at 1 KiB (8 shards, from the same replay endpoint), read by ")
                .append("Tributary's standalone worker (`connect-runtime start`, as in section 1, with the same keys and its ")
                .append("class-data archive) and ")
                .append("by Pulsar IO's own Kinesis source, `org.apache.pulsar:pulsar-io-kinesis` 4.0.8 from Maven ")
                .append("Central (a KCL 3 application), under `pulsar-admin sources localrun --parallelism 1` of the same ")
                .append("Pulsar distribution, whose Pulsar client is pointed at the same standalone broker; each into a ")
                .append("fresh persistent topic, one after the other, ").append(runs).append(". The peer runs at its defaults ")
                .append("(polling, `receiveQueueSize` 1000, `checkpointInterval` 60 s) but for what it needs here: ")
                .append("`useEnhancedFanOut: false` (the endpoint has no SubscribeToShard), TRIM_HORIZON, its KCL leases ")
                .append("in dynalite (a DynamoDB emulator on this machine; the lease table created first with the index ")
                .append("KCL 3 adds, as dynalite cannot add one later; a table of its own each round), and a CloudWatch ")
                .append("endpoint on a closed local port, ")
                .append("so that its metrics go nowhere. Its Kinesis client speaks HTTP/2 only, so it reads the ")
                .append("endpoint's HTTP/2 listener, which serves the same records. Its producer's compression is set to ")
                .append("`NONE`, as the worker's is by default. Heap: both JVMs get `-Xmx").append(last.heap())
                .append(" -XX:+UseG1GC` (localrun's through `PULSAR_MEM` and `PULSAR_GC`; its own default is ")
                .append("`-Xmx128m`).\n\n")
                .append("Both are measured the same way, from outside, every 250 ms: CPU is utime + stime in ")
                .append("`/proc/<pid>/stat`, memory the RSS and the PSS in `/proc/<pid>/smaps_rollup`, summed over the ")
                .append("subject's processes: the worker's JVM; for the peer, every process under the `pulsar-admin` ")
                .append("launcher (the LocalRunner JVM, with the source in it), the launcher itself left out as it only ")
                .append("waits. Peak memory is over the whole run; PSS counts a page shared with another process by its ")
                .append("share. Records/s and CPU cover the window of section 1, from ").append(Scenarios.WINDOW_FROM_PERCENT)
                .append("% to ").append(Scenarios.WINDOW_TO_PERCENT).append("% of the backlog; ")
                .append("CPU-s/GB counts the bytes served, 1,024 a record. Time to first record: from just before the ")
                .append("process starts to the first message in the topic (the broker's stats, read every 50 ms until ")
                .append("then). Bytes altered: once a subject has stopped, a reader compares every message of its topic, ")
                .append("byte by byte, with the payload the endpoint served for the record its `kinesis.sequence.number` ")
                .append("names (the endpoint derives each payload from the stream's seed, shard and index); the second ")
                .append("table sums the rounds.\n\n")
                .append("| Subject | First record | Records/s | MB/s | CPU-s per 1k records | CPU-s/GB | Cores used | ")
                .append("Peak RSS | Peak PSS | Heap after GC, peak |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        row(md, "Tributary", rounds, PeerScenario.Result::tributary);
        row(md, "Pulsar IO's Kinesis source", rounds, PeerScenario.Result::peer);
        Median firstRatio = ratio(rounds, r -> r.firstRecordMillis());
        Median rateRatio = ratio(rounds, r -> r.figures().recordsPerSecond());
        Median cpuRatio = ratio(rounds, PeerScenario.Run::cpuPerThousandRecords);
        Median gbRatio = ratio(rounds, r -> r.figures().cpuSecondsPerGigabyte());
        Median rssRatio = ratio(rounds, r -> r.peakMemory().rssBytes());
        Median pssRatio = ratio(rounds, r -> r.peakMemory().pssBytes());
        md.append("| **Tributary / peer** | **").append(firstRatio.format("%.3f×")).append("** | **")
                .append(rateRatio.format("%.2f×")).append("** | | **").append(cpuRatio.format("%.2f×")).append("** | ")
                .append(gbRatio.format("%.2f×")).append(" | | ").append(rssRatio.format("%.2f×")).append(" | **")
                .append(pssRatio.format("%.2f×")).append("** | |\n\n");
        md.append("| Subject | Messages read | Messages altered | Bytes altered | Without a sequence number of the stream | ")
                .append("Duplicates | Records missing |\n|---|---|---|---|---|---|---|\n");
        PayloadCheck.Result trib = sum(rounds, PeerScenario.Result::tributary);
        PayloadCheck.Result peer = sum(rounds, PeerScenario.Result::peer);
        payloadRow(md, "Tributary", trib);
        payloadRow(md, "Pulsar IO's Kinesis source", peer);
        md.append('\n');
        if (peer.alteredMessages() > 0) {
            md.append("Pulsar IO 4.0.8's `KinesisRecord` decodes each unencrypted payload as UTF-8 text and encodes the ")
                    .append("text again, which replaces every byte sequence that is not UTF-8; the endpoint's payloads ")
                    .append("are random bytes, as binary records are.\n\n");
        }
        md.append("Measured processes").append(rounds.size() > 1 ? " (the last round)" : "").append(": Tributary `")
                .append(last.tributary().processes()).append("`, the peer `")
                .append(last.peer().processes().isEmpty() ? "(none seen)" : last.peer().processes()).append("`. ");
        if (last.peerErrors().isEmpty()) {
            md.append("Localrun's log had no ERROR line.\n\n");
        } else {
            md.append("Localrun's log had ").append(last.peerErrors().size()).append(" ERROR lines; the first:\n\n")
                    .append("```\n").append(last.peerErrors().get(0)).append("\n```\n\n");
        }

        Median tribCpu = median(rounds, PeerScenario.Result::tributary, PeerScenario.Run::cpuPerThousandRecords);
        Median peerCpu = median(rounds, PeerScenario.Result::peer, PeerScenario.Run::cpuPerThousandRecords);
        targets.add(Report.Target.judged(TARGET_PREFIX + "CPU per 1k records",
                String.format(Locale.ROOT, "%.2f × the peer's (%.3f against %.3f CPU-s)", cpuRatio.median(),
                        tribCpu.median(), peerCpu.median()) + cpuRatio.rangeNote("%.2f"),
                String.format(Locale.ROOT, "≤ %.2f × the peer's", CPU_PER_RECORD_RATIO), cpuRatio, CPU_PER_RECORD_RATIO,
                false, "%.2f×", String.format(Locale.ROOT, "over by %.2f × the peer's",
                        cpuRatio.median() - CPU_PER_RECORD_RATIO)));
        Median first = median(rounds, PeerScenario.Result::tributary, r -> r.firstRecordMillis() / 1000.0);
        Median peerFirst = median(rounds, PeerScenario.Result::peer, r -> r.firstRecordMillis() / 1000.0);
        targets.add(Report.Target.judged(TARGET_PREFIX + "time to first record",
                String.format(Locale.ROOT, "%.2f s (the peer %.1f s)", first.median(), peerFirst.median())
                        + first.rangeNote("%.2f s"),
                String.format(Locale.ROOT, "≤ %.0f s", FIRST_RECORD_SECONDS), first, FIRST_RECORD_SECONDS, false,
                "%.2f s", String.format(Locale.ROOT, "over by %.2f s", first.median() - FIRST_RECORD_SECONDS)));
        Median tribPss = median(rounds, PeerScenario.Result::tributary, PeerSection::pssMiB);
        Median peerPss = median(rounds, PeerScenario.Result::peer, PeerSection::pssMiB);
        Median tribRss = median(rounds, PeerScenario.Result::tributary, PeerSection::rssMiB);
        Median peerRss = median(rounds, PeerScenario.Result::peer, PeerSection::rssMiB);
        targets.add(Report.Target.judged(TARGET_PREFIX + "peak memory (PSS)",
                String.format(Locale.ROOT, "%.2f × the peer's (%.0f MiB against %.0f MiB; RSS %.0f against %.0f MiB)",
                        pssRatio.median(), tribPss.median(), peerPss.median(), tribRss.median(), peerRss.median())
                        + pssRatio.rangeNote("%.2f"),
                String.format(Locale.ROOT, "≤ %.1f × the peer's", MEMORY_RATIO), pssRatio, MEMORY_RATIO, false, "%.2f×",
                String.format(Locale.ROOT, "over by %.2f × the peer's", pssRatio.median() - MEMORY_RATIO)));
        targets.add(new Report.Target(TARGET_PREFIX + "bytes altered",
                String.format(Locale.ROOT, "Tributary %,d bytes in %,d of %,d messages (the peer %,d bytes in %,d of %,d)%s",
                        trib.alteredBytes(), trib.alteredMessages(), trib.messages(), peer.alteredBytes(),
                        peer.alteredMessages(), peer.messages(), rounds.size() > 1 ? ", " + rounds.size() + " runs each" : ""),
                "0 bytes altered", trib.unaltered(), trib.unidentified() > 0
                        ? String.format(Locale.ROOT, "%,d messages could not be compared", trib.unidentified())
                        : String.format(Locale.ROOT, "%,d bytes altered", trib.alteredBytes())));
    }

    /** The median over the rounds of Tributary's figure over the peer's in the same round. */
    private static Median ratio(List<PeerScenario.Result> rounds, ToDoubleFunction<PeerScenario.Run> figure) {
        return Median.over(rounds, r -> figure.applyAsDouble(r.tributary()) / figure.applyAsDouble(r.peer()));
    }

    /** The median over the rounds of one subject's figure. */
    private static Median median(List<PeerScenario.Result> rounds, Function<PeerScenario.Result, PeerScenario.Run> subject,
            ToDoubleFunction<PeerScenario.Run> figure) {
        return Median.over(rounds, r -> figure.applyAsDouble(subject.apply(r)));
    }

    private static void row(StringBuilder md, String label, List<PeerScenario.Result> rounds,
            Function<PeerScenario.Result, PeerScenario.Run> subject) {
        md.append("| ").append(label).append(" | ")
                .append(median(rounds, subject, r -> r.firstRecordMillis() / 1000.0).format("%.2f s")).append(" | ")
                .append(median(rounds, subject, r -> r.figures().recordsPerSecond()).format("%,.0f")).append(" | ")
                .append(median(rounds, subject, r -> r.figures().megabytesPerSecond()).format("%.1f")).append(" | ")
                .append(median(rounds, subject, PeerScenario.Run::cpuPerThousandRecords).format("%.3f")).append(" | ")
                .append(median(rounds, subject, r -> r.figures().cpuSecondsPerGigabyte()).format("%.1f")).append(" | ")
                .append(median(rounds, subject, r -> r.figures().cores()).format("%.2f")).append(" | ")
                .append(median(rounds, subject, PeerSection::rssMiB).format("%.0f MiB")).append(" | ")
                .append(median(rounds, subject, PeerSection::pssMiB).format("%.0f MiB")).append(" | ");
        long heap = rounds.stream().mapToLong(r -> subject.apply(r).figures().peakLiveHeap()).max().orElse(0);
        md.append(heap > 0 ? (heap >> 20) + " MiB" : "").append(" |\n");
    }

    private static double rssMiB(PeerScenario.Run run) {
        return run.peakMemory().rssBytes() >> 20;
    }

    private static double pssMiB(PeerScenario.Run run) {
        return run.peakMemory().pssBytes() >> 20;
    }

    /** The payload checks of one subject's runs, added up. */
    private static PayloadCheck.Result sum(List<PeerScenario.Result> rounds,
            Function<PeerScenario.Result, PeerScenario.Run> subject) {
        return rounds.stream().map(r -> subject.apply(r).payloads()).reduce(PayloadCheck.Result::plus).orElseThrow();
    }

    private static void payloadRow(StringBuilder md, String label, PayloadCheck.Result r) {
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d | %,d |%n", label, r.messages(),
                r.alteredMessages(), r.alteredBytes(), r.unidentified(), r.duplicates(), r.missing()));
    }
}
