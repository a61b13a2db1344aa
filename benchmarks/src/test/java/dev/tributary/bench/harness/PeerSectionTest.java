package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerSectionTest {
    private static final Machine MACHINE = new Machine("a CPU", 2, 24 * 1024, "Linux", "a JDK", "0.1.0", "2.x", "4.0.8",
            "4.0.8 standalone");

    /** 10 s at {@code recordsPerSecond} records of 1 KiB using {@code cores}. */
    private static Figures window(long recordsPerSecond, double cores, long liveHeap) {
        return new Figures(Subject.Kind.TRIBUTARY, 10, recordsPerSecond * 10, 1024, cores * 10, liveHeap, 0, 0, 0, 8, null);
    }

    private static PeerScenario.Run run(long recordsPerSecond, double cores, long firstRecordMillis, long pssMiB,
            PayloadCheck.Result payloads) {
        return new PeerScenario.Run(window(recordsPerSecond, cores, 200L << 20), firstRecordMillis,
                new ProcFs.Memory((pssMiB + 20) << 20, pssMiB << 20), "4242 java", payloads);
    }

    private static PeerScenario.Result result(long tributaryFirstRecordMillis, long tributaryPssMiB,
            PayloadCheck.Result tributaryPayloads, List<String> peerErrors) {
        return new PeerScenario.Result(
                run(50_000, 1.0, tributaryFirstRecordMillis, tributaryPssMiB, tributaryPayloads),
                run(10_000, 1.0, 131_500, 1000, new PayloadCheck.Result(80_000, 79_990, 41_000_000, 0, 120, 0)),
                "1g", peerErrors);
    }

    private static final PayloadCheck.Result CLEAN = new PayloadCheck.Result(80_000, 0, 0, 0, 0, 0);

    @Test
    void tributaryIsJudgedAgainstThePeerOnEveryGoalOfTheIssue() throws Exception {
        Report report = new Report(Map.of());
        report.peer(List.of(result(1_200, 250, CLEAN, List.of())));

        String md = report.render(MACHINE, "bin/benchmark --only peer", Duration.ofMinutes(6), null);

        // The same cores for 5 times the records: a fifth of the CPU per record.
        assertThat(md).contains(PeerSection.HEADING)
                .contains("| Against the peer: CPU per 1k records | 0.20 × the peer's (0.020 against 0.100 CPU-s) "
                        + "| ≤ 0.25 × the peer's | met |")
                .contains("| Against the peer: time to first record | 1.20 s (the peer 131.5 s) | ≤ 5 s | met |")
                .contains("| Against the peer: peak memory (PSS) | 0.25 × the peer's (250 MiB against 1000 MiB; "
                        + "RSS 270 against 1020 MiB) | ≤ 0.3 × the peer's | met |")
                .contains("| Against the peer: bytes altered | Tributary 0 bytes in 0 of 80,000 messages (the peer "
                        + "41,000,000 bytes in 79,990 of 80,000) | 0 bytes altered | met |")
                .contains("| Tributary | 1.20 s | 50,000 | 51.2 | 0.020 | 19.5 | 1.00 | 270 MiB | 250 MiB | 200 MiB |")
                .contains("| Pulsar IO's Kinesis source | 131.50 s | 10,000 | 10.2 | 0.100 | 97.7 | 1.00 | 1020 MiB | "
                        + "1000 MiB | 200 MiB |")
                .contains("| **Tributary / peer** | **0.009×** | **5.00×** | | **0.20×** | 0.20× | | 0.26× | **0.25×** | |")
                .contains("| Pulsar IO's Kinesis source | 80,000 | 79,990 | 41,000,000 | 0 | 120 | 0 |")
                .contains("decodes each unencrypted payload as UTF-8")
                .contains("both JVMs get `-Xmx1g -XX:+UseG1GC`")
                .contains("Localrun's log had no ERROR line.")
                .contains("- **Against the peer (section 9).**");
    }

    @Test
    void roundsAreJudgedOnTheMedianOfEachRoundsRatioAndTheirPayloadChecksAddUp() throws Exception {
        Report report = new Report(Map.of());
        // PSS 250, 350 and 280 MiB against the peer's 1000: ratios 0.25, 0.35, 0.28; the median 0.28 meets 0.3.
        report.peer(List.of(result(1_200, 250, CLEAN, List.of()), result(4_000, 350, CLEAN, List.of()),
                result(2_000, 280, CLEAN, List.of("12:00 [main] ERROR x - last round"))));

        String md = report.render(MACHINE, "bin/benchmark --only peer", Duration.ofMinutes(18), null);

        assertThat(md).contains("in 3 rounds, the order reversed from one round to the next")
                .contains("| Against the peer: peak memory (PSS) | 0.28 × the peer's (280 MiB against 1000 MiB; "
                        + "RSS 300 against 1020 MiB) (median of 3 runs, 0.25–0.35) | ≤ 0.3 × the peer's | met on the "
                        + "median; the runs range over 0.25×–0.35×, across the goal |")
                .contains("| Against the peer: time to first record | 2.00 s (the peer 131.5 s) (median of 3 runs, "
                        + "1.20 s–4.00 s) | ≤ 5 s | met |")
                .contains("| Tributary | 2.00 s (1.20 s–4.00 s) | 50,000 (50,000–50,000) |")
                .contains("| **0.28× (0.25×–0.35×)** | |")
                .contains("| Tributary | 240,000 | 0 | 0 | 0 | 0 | 0 |")
                .contains("| Against the peer: bytes altered | Tributary 0 bytes in 0 of 240,000 messages (the peer "
                        + "123,000,000 bytes in 239,970 of 240,000), 3 runs each | 0 bytes altered | met |")
                .contains("Measured processes (the last round)")
                .contains("Localrun's log had 1 ERROR lines; the first:\n\n```\n12:00 [main] ERROR x - last round\n```");
    }

    @Test
    void missedGoalsSayByHowMuch() throws Exception {
        Report report = new Report(Map.of());
        report.peer(List.of(result(7_250, 400, new PayloadCheck.Result(80_000, 2, 5, 0, 0, 0),
                List.of("12:00 [main] ERROR x - broken"))));

        assertThat(report.render(MACHINE, "bin/benchmark --only peer", Duration.ZERO, null))
                .contains("| ≤ 5 s | **missed**: over by 2.25 s |")
                .contains("| ≤ 0.3 × the peer's | **missed**: over by 0.10 × the peer's |")
                .contains("| 0 bytes altered | **missed**: 5 bytes altered |")
                .contains("Localrun's log had 1 ERROR lines; the first:\n\n```\n12:00 [main] ERROR x - broken\n```");
    }

    @Test
    void aRunWithoutThePeerKeepsItsSectionAndTargetsAndARunWithItKeepsTheOthers() throws Exception {
        Report first = new Report(Map.of());
        first.peer(List.of(result(1_200, 250, CLEAN, List.of())));
        first.idle(1000, List.of(window(0, 0.2, 0)));
        String previous = first.render(MACHINE, "bin/benchmark", Duration.ofMinutes(20), null);

        Report second = new Report(Map.of());
        second.idle(1000, List.of(new Figures(Subject.Kind.TRIBUTARY, 10, 0, 1024, 0.5, 0, 0, 30, 0, 1000, null)));
        String kept = second.render(MACHINE, "bin/benchmark --only idle", Duration.ofMinutes(5), previous);

        assertThat(kept).contains("| Against the peer: time to first record | 1.20 s (the peer 131.5 s) |")
                .contains("| Against the peer: bytes altered | Tributary 0 bytes")
                .contains("| 1000 idle shards: CPU | 5.0% of one core |");
        assertThat(kept.split(PeerSection.HEADING, -1)).hasSize(2);
        assertThat(kept.indexOf("## 3. 1000 idle shards")).as("sections keep their order")
                .isLessThan(kept.indexOf(PeerSection.HEADING));
        assertThat(kept.indexOf(PeerSection.HEADING)).isLessThan(kept.indexOf("## Notes"));

        Report third = new Report(Map.of());
        third.peer(List.of(result(3_000, 250, CLEAN, List.of())));
        String md = third.render(MACHINE, "bin/benchmark --only peer", Duration.ofMinutes(6), kept);

        assertThat(md).contains("| Against the peer: time to first record | 3.00 s (the peer 131.5 s) |")
                .doesNotContain("| Against the peer: time to first record | 1.20 s")
                .contains("| 1000 idle shards: CPU | 5.0% of one core |");
        assertThat(md.split("\\| Against the peer: time to first record", -1)).as("one row per target").hasSize(2);
    }
}
