package dev.tributary.bench.harness;

import java.util.List;
import java.util.Locale;

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
    static void render(PeerScenario.Result result, StringBuilder md, List<Report.Target> targets) {
        if (result == null) {
            return;
        }
        PeerScenario.Run trib = result.tributary();
        PeerScenario.Run peer = result.peer();
        md.append(HEADING).append("\n\n")
                .append("The backlog of section 1 at 1 KiB (8 shards, from the same replay endpoint), read once by ")
                .append("Tributary's standalone worker (`connect-runtime start`, as in section 1, with the same keys and its ")
                .append("class-data archive) and ")
                .append("once by Pulsar IO's own Kinesis source, `org.apache.pulsar:pulsar-io-kinesis` 4.0.8 from Maven ")
                .append("Central (a KCL 3 application), under `pulsar-admin sources localrun --parallelism 1` of the same ")
                .append("Pulsar distribution, whose Pulsar client is pointed at the same standalone broker; each into a ")
                .append("fresh persistent topic, one after the other, once per run. The peer runs at its defaults ")
                .append("(polling, `receiveQueueSize` 1000, `checkpointInterval` 60 s) but for what it needs here: ")
                .append("`useEnhancedFanOut: false` (the endpoint has no SubscribeToShard), TRIM_HORIZON, its KCL leases ")
                .append("in dynalite (a DynamoDB emulator on this machine; the lease table created first with the index ")
                .append("KCL 3 adds, as dynalite cannot add one later), and a CloudWatch endpoint on a closed local port, ")
                .append("so that its metrics go nowhere. Its Kinesis client speaks HTTP/2 only, so it reads the ")
                .append("endpoint's HTTP/2 listener, which serves the same records. Its producer's compression is set to ")
                .append("`NONE`, as the worker's is by default. Heap: both JVMs get `-Xmx").append(result.heap())
                .append(" -XX:+UseG1GC` (localrun's through `PULSAR_MEM` and `PULSAR_GC`; its own default is ")
                .append("`-Xmx128m`).\n\n")
                .append("Both are measured the same way, from outside, every 250 ms: CPU is utime + stime in ")
                .append("`/proc/<pid>/stat`, memory the RSS and the PSS in `/proc/<pid>/smaps_rollup`, summed over the ")
                .append("subject's processes: the worker's JVM; for the peer, every process under the `pulsar-admin` ")
                .append("launcher (the LocalRunner JVM, with the source in it), the launcher itself left out as it only ")
                .append("waits. Peak memory is over the whole run; PSS counts a page shared with another process by its ")
                .append("share. Records/s and CPU cover the window from 10% to 95% of the backlog, as in section 1; ")
                .append("CPU-s/GB counts the bytes served, 1,024 a record. Time to first record: from just before the ")
                .append("process starts to the first message in the topic (the broker's stats, read every 50 ms until ")
                .append("then). Bytes altered: once a subject has stopped, a reader compares every message of its topic, ")
                .append("byte by byte, with the payload the endpoint served for the record its `kinesis.sequence.number` ")
                .append("names (the endpoint derives each payload from the stream's seed, shard and index).\n\n")
                .append("| Subject | First record | Records/s | MB/s | CPU-s per 1k records | CPU-s/GB | Cores used | ")
                .append("Peak RSS | Peak PSS | Heap after GC, peak |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        row(md, "Tributary", trib);
        row(md, "Pulsar IO's Kinesis source", peer);
        double cpuRatio = trib.cpuPerThousandRecords() / peer.cpuPerThousandRecords();
        double pssRatio = (double) trib.peakMemory().pssBytes() / peer.peakMemory().pssBytes();
        double rssRatio = (double) trib.peakMemory().rssBytes() / peer.peakMemory().rssBytes();
        md.append(String.format(Locale.ROOT, "| **Tributary / peer** | **%.3f×** | **%.2f×** | | **%.2f×** | %.2f× | | "
                        + "%.2f× | **%.2f×** | |%n%n", (double) trib.firstRecordMillis() / peer.firstRecordMillis(),
                trib.figures().recordsPerSecond() / peer.figures().recordsPerSecond(), cpuRatio,
                trib.figures().cpuSecondsPerGigabyte() / peer.figures().cpuSecondsPerGigabyte(), rssRatio, pssRatio));
        md.append("| Subject | Messages read | Messages altered | Bytes altered | Without a sequence number of the stream | ")
                .append("Duplicates | Records missing |\n|---|---|---|---|---|---|---|\n");
        payloadRow(md, "Tributary", trib.payloads());
        payloadRow(md, "Pulsar IO's Kinesis source", peer.payloads());
        md.append('\n');
        if (peer.payloads().alteredMessages() > 0) {
            md.append("Pulsar IO 4.0.8's `KinesisRecord` decodes each unencrypted payload as UTF-8 text and encodes the ")
                    .append("text again, which replaces every byte sequence that is not UTF-8; the endpoint's payloads ")
                    .append("are random bytes, as binary records are.\n\n");
        }
        md.append("Measured processes: Tributary `").append(trib.processes()).append("`, the peer `")
                .append(peer.processes().isEmpty() ? "(none seen)" : peer.processes()).append("`. ");
        if (result.peerErrors().isEmpty()) {
            md.append("Localrun's log had no ERROR line.\n\n");
        } else {
            md.append("Localrun's log had ").append(result.peerErrors().size()).append(" ERROR lines; the first:\n\n")
                    .append("```\n").append(result.peerErrors().get(0)).append("\n```\n\n");
        }

        targets.add(new Report.Target(TARGET_PREFIX + "CPU per 1k records",
                String.format(Locale.ROOT, "%.2f × the peer's (%.3f against %.3f CPU-s)", cpuRatio,
                        trib.cpuPerThousandRecords(), peer.cpuPerThousandRecords()),
                String.format(Locale.ROOT, "≤ %.2f × the peer's", CPU_PER_RECORD_RATIO), cpuRatio <= CPU_PER_RECORD_RATIO,
                String.format(Locale.ROOT, "over by %.2f × the peer's", cpuRatio - CPU_PER_RECORD_RATIO)));
        double firstRecord = trib.firstRecordMillis() / 1000.0;
        targets.add(new Report.Target(TARGET_PREFIX + "time to first record",
                String.format(Locale.ROOT, "%.2f s (the peer %.1f s)", firstRecord, peer.firstRecordMillis() / 1000.0),
                String.format(Locale.ROOT, "≤ %.0f s", FIRST_RECORD_SECONDS), firstRecord <= FIRST_RECORD_SECONDS,
                String.format(Locale.ROOT, "over by %.2f s", firstRecord - FIRST_RECORD_SECONDS)));
        targets.add(new Report.Target(TARGET_PREFIX + "peak memory (PSS)",
                String.format(Locale.ROOT, "%.2f × the peer's (%d MiB against %d MiB; RSS %d against %d MiB)", pssRatio,
                        trib.peakMemory().pssBytes() >> 20, peer.peakMemory().pssBytes() >> 20,
                        trib.peakMemory().rssBytes() >> 20, peer.peakMemory().rssBytes() >> 20),
                String.format(Locale.ROOT, "≤ %.1f × the peer's", MEMORY_RATIO), pssRatio <= MEMORY_RATIO,
                String.format(Locale.ROOT, "over by %.2f × the peer's", pssRatio - MEMORY_RATIO)));
        PayloadCheck.Result t = trib.payloads();
        PayloadCheck.Result p = peer.payloads();
        targets.add(new Report.Target(TARGET_PREFIX + "bytes altered",
                String.format(Locale.ROOT, "Tributary %,d bytes in %,d of %,d messages (the peer %,d bytes in %,d of %,d)",
                        t.alteredBytes(), t.alteredMessages(), t.messages(), p.alteredBytes(), p.alteredMessages(),
                        p.messages()),
                "0 bytes altered", t.unaltered(), t.unidentified() > 0
                        ? String.format(Locale.ROOT, "%,d messages could not be compared", t.unidentified())
                        : String.format(Locale.ROOT, "%,d bytes altered", t.alteredBytes())));
    }

    private static void row(StringBuilder md, String label, PeerScenario.Run run) {
        Figures f = run.figures();
        md.append(String.format(Locale.ROOT, "| %s | %.2f s | %,.0f | %.1f | %.3f | %.1f | %.2f | %d MiB | %d MiB | %s |%n",
                label, run.firstRecordMillis() / 1000.0, f.recordsPerSecond(), f.megabytesPerSecond(),
                run.cpuPerThousandRecords(), f.cpuSecondsPerGigabyte(), f.cores(), run.peakMemory().rssBytes() >> 20,
                run.peakMemory().pssBytes() >> 20, f.peakLiveHeap() > 0 ? (f.peakLiveHeap() >> 20) + " MiB" : ""));
    }

    private static void payloadRow(StringBuilder md, String label, PayloadCheck.Result r) {
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d | %,d |%n", label, r.messages(),
                r.alteredMessages(), r.alteredBytes(), r.unidentified(), r.duplicates(), r.missing()));
    }
}
