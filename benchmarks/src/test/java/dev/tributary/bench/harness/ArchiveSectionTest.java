package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiveSectionTest {
    private static final Machine MACHINE = new Machine("a CPU", 2, 24 * 1024, "Linux", "a JDK", "0.1.0", "2.x", "4.0.8",
            "4.0.8 standalone");

    /** 10 s at {@code recordsPerSecond} records of 1 KiB using {@code cores}. */
    private static Figures run(long recordsPerSecond, double cores, long liveHeap, int threads) {
        return new Figures(Subject.Kind.TRIBUTARY, 10, recordsPerSecond * 10, 1024, cores * 10, liveHeap, 0, threads, 0, 8,
                null);
    }

    private static ArchiveScenario.Result result(long archiveRecordsPerSecond, List<String> errors) {
        return new ArchiveScenario.Result(run(40_000, 1.0, 300L << 20, 31), run(archiveRecordsPerSecond, 1.0, 200L << 20, 0),
                "4242 java", errors);
    }

    @Test
    void theArchiveIsJudgedOnItsRatioToTheStandaloneRuntimeWithCpuBeside() throws Exception {
        Report report = new Report(Map.of());
        report.archive(List.of(result(34_000, List.of())));

        String md = report.render(MACHINE, "bin/benchmark --only archive", Duration.ofMinutes(3), null);

        // The same cores for 0.85 of the bytes: 1.18 x the standalone's CPU per GB.
        assertThat(md).contains("| Archive throughput at 1 KiB | 0.85 × standalone (CPU-s/GB 1.18 × standalone: 28.7 "
                        + "against 24.4) | ≥ 0.9 × standalone | **missed**: short by 5% of standalone |")
                .contains(ArchiveSection.HEADING)
                .contains("| standalone worker | 40,000 | 41.0 | 24.4 | 1.00 | 300 MiB | 31 |")
                .contains("| Pulsar IO archive, `sources localrun` | 34,000 | 34.8 | 28.7 | 1.00 | 200 MiB |  |")
                .contains("| **archive / standalone** | **0.85×** | | **1.18×** | | | |")
                .contains("Localrun's log had no ERROR line.");
    }

    @Test
    void roundsAreJudgedOnTheMedianOfTheirOwnRatiosWithTheRangeShown() throws Exception {
        Report report = new Report(Map.of());
        // Ratios 0.85, 0.95 and 1.00: the median 0.95 meets 0.9, the lowest round does not.
        report.archive(List.of(result(34_000, List.of()), result(38_000, List.of("12:00 [main] ERROR x - broken")),
                result(40_000, List.of())));

        String md = report.render(MACHINE, "bin/benchmark --only archive", Duration.ofMinutes(9), null);

        assertThat(md).contains("| Archive throughput at 1 KiB | 0.95 × standalone (CPU-s/GB 1.05 × standalone: 25.7 "
                        + "against 24.4) (median of 3 runs, 0.85–1.00) | ≥ 0.9 × standalone | met on the median; the runs "
                        + "range over 0.85×–1.00×, across the goal |")
                .contains("in 3 rounds, the order reversed from one round to the next")
                .contains("| standalone worker | 40,000 (40,000–40,000) | 41.0 (41.0–41.0) | 24.4 (24.4–24.4) |")
                .contains("| Pulsar IO archive, `sources localrun` | 38,000 (34,000–40,000) | 38.9 (34.8–41.0) | "
                        + "25.7 (24.4–28.7) | 1.00 (1.00–1.00) | 200 MiB |  |")
                .contains("| **archive / standalone** | **0.95× (0.85×–1.00×)** | | **1.05× (1.00×–1.18×)** | | | |")
                .contains("CPU of the archive was counted for (the last round): `4242 java`.")
                .contains("Localrun's logs had 1 ERROR line; the first:\n\n```\n12:00 [main] ERROR x - broken\n```");
    }

    @Test
    void errorsInTheLocalrunLogAreShown() throws Exception {
        Report report = new Report(Map.of());
        report.archive(List.of(result(40_000, List.of("12:00 [main] ERROR x - broken", "12:01 [main] ERROR y"))));

        assertThat(report.render(MACHINE, "bin/benchmark --only archive", Duration.ZERO, null))
                .contains("| Archive throughput at 1 KiB | 1.00 × standalone").contains("| met |")
                .contains("Localrun's log had 2 ERROR lines; the first:\n\n```\n12:00 [main] ERROR x - broken\n```");
    }

    @Test
    void aRunWithoutTheArchiveKeepsItsSectionAndTargetAndARunWithItKeepsTheOthers() throws Exception {
        Report first = new Report(Map.of());
        first.archive(List.of(result(38_000, List.of())));
        first.idle(1000, List.of(run(0, 0.2, 0, 30)));
        String previous = first.render(MACHINE, "bin/benchmark", Duration.ofMinutes(20), null);

        Report second = new Report(Map.of());
        second.idle(1000, List.of(new Figures(Subject.Kind.TRIBUTARY, 10, 0, 1024, 0.5, 0, 0, 30, 0, 1000, null)));
        String kept = second.render(MACHINE, "bin/benchmark --only idle", Duration.ofMinutes(5), previous);

        assertThat(kept).contains("| Archive throughput at 1 KiB | 0.95 × standalone")
                .contains("| Pulsar IO archive, `sources localrun` | 38,000 |")
                .contains("| 1000 idle shards: CPU | 5.0% of one core |")
                .doesNotContain("| 1000 idle shards: CPU | 20.0% of one core |");
        assertThat(kept.split(ArchiveSection.HEADING, -1)).hasSize(2);
        assertThat(kept.indexOf("## 3. 1000 idle shards")).as("sections keep their order")
                .isLessThan(kept.indexOf(ArchiveSection.HEADING));

        Report third = new Report(Map.of());
        third.archive(List.of(result(30_000, List.of())));
        String md = third.render(MACHINE, "bin/benchmark --only archive", Duration.ofMinutes(3), kept);

        assertThat(md).contains("| Archive throughput at 1 KiB | 0.75 × standalone")
                .doesNotContain("| Archive throughput at 1 KiB | 0.95 × standalone")
                .contains("| 1000 idle shards: CPU | 5.0% of one core |");
        assertThat(md.split("\\| Archive throughput at 1 KiB", -1)).as("one row per target").hasSize(2);
    }
}
