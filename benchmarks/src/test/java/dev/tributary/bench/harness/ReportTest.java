package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static final Machine MACHINE = new Machine("a CPU", 2, 24 * 1024, "Linux", "a JDK", "0.1.0", "2.x", "4.0.8",
            "4.0.8 standalone");

    @Test
    void jmhRowsGiveTheBytesAllocatedPerOperationWhenTheGcProfilerRan() throws Exception {
        ObjectMapper json = new ObjectMapper();
        // As JMH 1.37 writes it: the profiler's keys start with a middle dot.
        assertThat(Report.allocatedPerOperation(json.readTree("""
                {"primaryMetric": {"score": 1.0},
                 "secondaryMetrics": {"\u00b7gc.alloc.rate": {"score": 512.5, "scoreUnit": "MB/sec"},
                                      "\u00b7gc.alloc.rate.norm": {"score": 1184.02, "scoreUnit": "B/op"}}}
                """))).isEqualTo("1,184 B/op");
        assertThat(Report.allocatedPerOperation(json.readTree("{\"primaryMetric\": {\"score\": 1.0}}"))).isEqualTo("–");
    }

    /** 100 latencies of {@code micros} each: exact at the values used here, so the figures are round. */
    private static Histogram latencies(long micros) {
        Histogram h = new Histogram(5);
        h.recordValueWithCount(micros, 100);
        return h;
    }

    /** A run of 10 s at {@code recordsPerSecond} records of 1 KiB using {@code cores}. */
    private static Figures run(Subject.Kind kind, long recordsPerSecond, double cores) {
        return new Figures(kind, 10, recordsPerSecond * 10, 1024, cores * 10, 64L << 20, 200L << 20, 30, 0, 8, null);
    }

    @Test
    void throughputTargetsAreJudgedOnTheRatioToRaw() throws Exception {
        Report report = new Report(Map.of());
        report.throughput(1024, List.of(run(Subject.Kind.RAW, 40_000, 1.1), run(Subject.Kind.TRIBUTARY, 42_000, 1.0)));
        report.throughput(100, List.of(run(Subject.Kind.RAW, 100_000, 1.0), run(Subject.Kind.TRIBUTARY, 80_000, 1.0)));

        String md = report.render(MACHINE, "bin/benchmark", Duration.ofMinutes(20), null);

        assertThat(md).contains("| Throughput at 1 KiB | 1.05 × raw | ≥ 1.0 × raw | met |");
        // 1.0 core for 1.05 of the bytes: 0.87 x raw's CPU per GB.
        assertThat(md).contains("| CPU-s/GB at 1 KiB | 0.87 × raw | ≤ 1.0 × raw | met |");
        assertThat(md).contains("| Throughput at 100 B | 0.80 × raw | ≥ 1.0 × raw | **missed**: short by 20% of raw |");
        // The same core for 0.8 of the bytes: 1.25 x raw's CPU per GB.
        assertThat(md).contains("| CPU-s/GB at 100 B | 1.25 × raw | ≤ 1.0 × raw | **missed**: over by 25% of raw |");
        assertThat(md).contains("- **Rounds.** This run ran each scenario that compares two subjects once for each subject");
    }

    @Test
    void theStretchGoalsAt1KiBAreJudgedAgainstRawAndAgainstPulsarPerf() throws Exception {
        Report report = new Report(Map.of());
        report.pulsarPerf(1024, new PulsarPerf.Result(100_000, 102.4, 20, 30, 3_000_000));
        report.pulsarPerf(100, new PulsarPerf.Result(300_000, 30, 20, 30, 9_000_000));
        report.throughput(1024, List.of(run(Subject.Kind.RAW, 40_000, 1.1), run(Subject.Kind.TRIBUTARY, 65_000, 0.9)));
        report.throughput(100, List.of(run(Subject.Kind.RAW, 100_000, 1.0), run(Subject.Kind.TRIBUTARY, 150_000, 1.0)));

        String md = report.render(MACHINE, "bin/benchmark", Duration.ofMinutes(20), null);

        // 0.9 core for 1.625 of raw's bytes with 1.1: 0.50 x raw's CPU per GB.
        assertThat(md).contains("| CPU-s/GB at 1 KiB, stretch goal | 0.50 × raw | ≤ 0.8 × raw | met |")
                .contains("| Throughput at 1 KiB against `pulsar-perf produce`, stretch goal | 0.65 × `pulsar-perf`'s "
                        + "100,000 records/s | ≥ 0.6 × `pulsar-perf` | met |")
                .doesNotContain("at 100 B, stretch goal").doesNotContain("at 100 B against");
    }

    @Test
    void aStretchGoalMissedSaysByHowMuch() throws Exception {
        Report report = new Report(Map.of());
        report.pulsarPerf(1024, new PulsarPerf.Result(100_000, 102.4, 20, 30, 3_000_000));
        report.throughput(1024, List.of(run(Subject.Kind.RAW, 40_000, 1.0), run(Subject.Kind.TRIBUTARY, 45_000, 1.0)));

        String md = report.render(MACHINE, "bin/benchmark", Duration.ofMinutes(20), null);

        assertThat(md).contains("| CPU-s/GB at 1 KiB, stretch goal | 0.89 × raw | ≤ 0.8 × raw | **missed**: over by 9% of raw |")
                .contains("| ≥ 0.6 × `pulsar-perf` | **missed**: short by 15% of its rate |");
    }

    @Test
    void rounds_areJudgedOnTheMedianOfEachRoundsRatio_withTheRangeShownAndAStraddledGoalSaidSo() throws Exception {
        Report report = new Report(Map.of(), 3);
        // Round 1 raw first, round 2 Tributary first, round 3 raw first; the machine slows in round 2.
        report.throughput(1024, List.of(
                run(Subject.Kind.RAW, 40_000, 1.0), run(Subject.Kind.TRIBUTARY, 44_000, 1.0),
                run(Subject.Kind.TRIBUTARY, 27_000, 1.0), run(Subject.Kind.RAW, 30_000, 1.0),
                run(Subject.Kind.RAW, 50_000, 1.0), run(Subject.Kind.TRIBUTARY, 51_000, 1.0)));

        String md = report.render(MACHINE, "bin/benchmark", Duration.ofMinutes(20), null);

        // Per round 1.10, 0.90 and 1.02: the median is 1.02, though 44k+27k+51k is below 40k+30k+50k.
        assertThat(md).contains("| Throughput at 1 KiB | 1.02 × raw (median of 3 runs, 0.90–1.10) | ≥ 1.0 × raw | "
                        + "met on the median; the runs range over 0.90×–1.10×, across the goal |")
                .contains("| 1 KiB | raw | 40,000 (30,000–50,000) |")
                .contains("| 1 KiB | Tributary | 44,000 (27,000–51,000) |")
                .contains("| 1 KiB | **Tributary / raw** | **1.02× (0.90×–1.10×)** |")
                .contains("each scenario that compares two subjects 3 times for each subject, in rounds");
        // Same cores each run: CPU per GB is the inverse of throughput, 0.91, 1.11 and 0.98; median 0.98.
        assertThat(md).contains("| CPU-s/GB at 1 KiB | 0.98 × raw (median of 3 runs, 0.91–1.11) | ≤ 1.0 × raw | "
                + "met on the median; the runs range over 0.91×–1.11×, across the goal |");
    }

    @Test
    void rounds_aGoalAllRunsMissIsMissedWithoutARangeCaveat() throws Exception {
        Report report = new Report(Map.of(), 3);
        report.idle(1000, List.of(run(Subject.Kind.RAW, 0, 0.10), run(Subject.Kind.TRIBUTARY, 0, 0.08),
                run(Subject.Kind.TRIBUTARY, 0, 0.12), run(Subject.Kind.RAW, 0, 0.10),
                run(Subject.Kind.RAW, 0, 0.10), run(Subject.Kind.TRIBUTARY, 0, 0.06)));

        assertThat(report.render(MACHINE, "bin/benchmark", Duration.ZERO, null))
                .contains("| 1000 idle shards: CPU | 8.0% of one core (median of 3 runs, 6.0%–12.0%) | ≤ 5% | "
                        + "**missed**: over by 3.0 points |")
                .contains("| Tributary | 0 (0–0) | 0.00 (0.00–0.00) | 8.0% (6.0%–12.0%) |");
    }

    @Test
    void rounds_latencyAddedIsTheMedianOfEachRoundsDifference() throws Exception {
        Report report = new Report(Map.of(), 3);
        List<Figures> runs = new ArrayList<>();
        long[][] p99 = {{50, 58}, {80, 85}, {40, 70}}; // raw, Tributary per round: added 8, 5, 30 ms
        for (int round = 0; round < 3; round++) {
            for (Subject.Kind kind : Rounds.inTurn(Subject.Kind.COMPARED, round)) {
                runs.add(new Figures(kind, 10, 1000, 1024, 1, 0, 0, 30, 0, 8,
                        latencies(p99[round][kind == Subject.Kind.RAW ? 0 : 1] * 1000)));
            }
        }
        report.latency(20_000, runs);

        assertThat(report.render(MACHINE, "bin/benchmark", Duration.ZERO, null))
                .contains("| Latency added at half load, p99 | +8.00 ms (Tributary 70.00 ms, raw 50.00 ms) (median of 3 runs, "
                        + "+5.00 ms–+30.00 ms) | ≤ 10 ms | met on the median; the runs range over +5.00 ms–+30.00 ms, across "
                        + "the goal |")
                .contains("| Tributary | 100 (100–100) |")
                .contains("| 300 |");
    }

    @Test
    void latencySectionNamesTheCachesItsOwnBrokerIsStartedWith() throws Exception {
        Report report = new Report(Map.of());
        report.latency(20_000, Subject.Kind.COMPARED.stream()
                .map(kind -> new Figures(kind, 10, 1000, 1024, 1, 0, 0, 30, 0, 8, latencies(30_000)))
                .toList());

        // The text and the broker's settings come from the same constants: both must say 512 MB and 5 s.
        assertThat(BenchmarkMain.LATENCY_BROKER)
                .containsEntry("dbStorage_writeCacheMaxSizeMb", "512")
                .containsEntry("managedLedgerCacheSizeMB", "512")
                .containsEntry("managedLedgerCacheEvictionTimeThresholdMillis", "5000");
        assertThat(report.render(MACHINE, "bin/benchmark", Duration.ZERO, null))
                .contains("This scenario has a broker of its own, with a bookie write cache and a managed-ledger cache"
                        + " of 512 MB each and entries kept in the latter for 5 s, so that a stall of the bookie")
                .contains("a run of Tributary that is not measured warms that fresh broker first.");
    }

    @Test
    void latencyFromArrivalIsShownBesideButNotJudged() throws Exception {
        Report report = new Report(Map.of());
        report.latency(20_000, Subject.Kind.COMPARED.stream()
                .map(kind -> kind == Subject.Kind.RAW
                        ? new Figures(kind, 10, 1000, 1024, 1, 0, 0, 30, 800, 8, latencies(30_000), latencies(40_000))
                        : new Figures(kind, 10, 1000, 1024, 1, 0, 0, 30, 40, 8, latencies(35_000), latencies(300_000)))
                .toList());

        String md = report.render(MACHINE, "bin/benchmark", Duration.ZERO, null);
        assertThat(md).contains("From each record's arrival in the stream")
                .contains("| raw | 10.00 | 40.00 | 40.00 | 40.00 | 40.00 |")
                .contains("| Tributary | 0.50 | 300.00 | 300.00 | 300.00 | 300.00 |")
                .contains("| **Tributary − raw** | | **+260.00** | **+260.00** | **+260.00** | |")
                .contains("| Latency added at half load, p99 | +5.00 ms");
    }

    @Test
    void latencyWithoutSamplesIsNotCountedAsMet() throws Exception {
        Report report = new Report(Map.of());
        Histogram empty = new Histogram(3);
        report.latency(20_000, List.of(
                new Figures(Subject.Kind.RAW, 10, 0, 1024, 1, 0, 0, 30, 0, 8, empty),
                new Figures(Subject.Kind.TRIBUTARY, 10, 0, 1024, 1, 0, 0, 30, 0, 8, empty)));

        assertThat(report.render(MACHINE, "bin/benchmark", Duration.ZERO, null)).doesNotContain("Latency added");
    }

    @Test
    void theNotesWrittenByHandSurviveANewRun() throws Exception {
        String previous = "# Benchmarks\nold figures\n" + Report.NOTES_BEGIN + "\nThe profile shows X.\n" + Report.NOTES_END + "\n";

        String md = new Report(Map.of("receiveQueueSize", "5000")).render(MACHINE, "bin/benchmark", Duration.ZERO, previous);

        assertThat(md).contains(Report.NOTES_BEGIN + "\nThe profile shows X.\n" + Report.NOTES_END)
                .doesNotContain("old figures")
                .contains("**Not the defaults:**").contains("receiveQueueSize=5000");
    }

    @Test
    void aRunOfSomeScenariosKeepsTheSectionsAndTargetsOfTheOthers() throws Exception {
        Report first = new Report(Map.of());
        first.throughput(1024, List.of(run(Subject.Kind.RAW, 40_000, 1.0), run(Subject.Kind.TRIBUTARY, 38_000, 1.1)));
        first.idle(1000, List.of(run(Subject.Kind.RAW, 0, 0.2), run(Subject.Kind.TRIBUTARY, 0, 0.05)));
        String previous = first.render(MACHINE, "bin/benchmark", Duration.ofMinutes(20), null)
                .replace(Report.NOTES_BEGIN + "\n(none yet)", Report.NOTES_BEGIN + "\nBy hand.");

        Report second = new Report(Map.of());
        second.idle(1000, List.of(run(Subject.Kind.RAW, 0, 0.2), run(Subject.Kind.TRIBUTARY, 0, 0.5)));
        String md = second.render(MACHINE, "bin/benchmark --only idle", Duration.ofMinutes(5), previous);

        assertThat(md).contains("| Throughput at 1 KiB | 0.95 × raw | ≥ 1.0 × raw | **missed**: short by 5% of raw |")
                .contains("| 1 KiB | Tributary | 38,000 |")
                .contains("| 1000 idle shards: CPU | 50.0% of one core |")
                .doesNotContain("| 1000 idle shards: CPU | 5.0% of one core |")
                .contains("By hand.")
                .contains("```bash\nbin/benchmark\n```").contains(" min, `bin/benchmark --only idle`. ");
        assertThat(md.indexOf("## 1. Maximum throughput")).as("sections keep their order")
                .isLessThan(md.indexOf("## 3. 1000 idle shards"));
        assertThat(md.split("## 1. Maximum throughput", -1)).hasSize(2);
        assertThat(md.split("\\| Throughput at 1 KiB", -1)).as("one row per target").hasSize(2);
    }

    @Test
    void exactlyOnceIsJudgedOnItsRatioToAtLeastOnceAndKeptByARunThatLeavesItOut() throws Exception {
        Report first = new Report(Map.of());
        first.exactlyOnce(new Scenarios.ExactlyOnce(List.of(run(Subject.Kind.TRIBUTARY, 40_000, 1.0),
                run(Subject.Kind.TRIBUTARY_EXACTLY_ONCE, 30_000, 1.0)), "1s", List.of(new TopicCounter.Transactions(20, 0, 0))));
        String previous = first.render(MACHINE, "bin/benchmark --only eos", Duration.ofMinutes(3), null);

        assertThat(previous).contains("| Exactly-once throughput at 1 KiB | 0.75 × at-least-once | ≥ 0.8 × at-least-once | "
                        + "**missed**: short by 5% of at-least-once |")
                .contains("| Tributary, at least once | 40,000 | 41.0 |")
                .contains("| Tributary, exactly once | 30,000 | 30.7 |")
                .contains("| **exactly once / at least once** | **0.75×** | | **1.33×** |")
                .contains("20 transactions committed, 0 aborted, 0 open");

        Report second = new Report(Map.of());
        second.idle(1000, List.of(run(Subject.Kind.RAW, 0, 0.2), run(Subject.Kind.TRIBUTARY, 0, 0.05)));
        String md = second.render(MACHINE, "bin/benchmark --only idle", Duration.ofMinutes(5), previous);

        assertThat(md).contains("| Exactly-once throughput at 1 KiB | 0.75 × at-least-once |")
                .contains("| Tributary, exactly once | 30,000 | 30.7 |")
                .contains("by `bin/benchmark --only eos`");
        assertThat(md.indexOf("## 3. 1000 idle shards")).as("sections keep their order")
                .isLessThan(md.indexOf("## 7. Exactly once"));
        assertThat(md.indexOf("## 7. Exactly once")).isLessThan(md.indexOf("## Notes"));
        assertThat(md.split("\\| Exactly-once throughput", -1)).as("one row per target").hasSize(2);
    }

    @Test
    void aSectionOfAReportWrittenBeforeSectionsWereDatedGetsThatReportsDate() {
        String legacy = "# Benchmarks\n\nThis run: 2026-11-26T01:07:30Z, 16 min.\n\n## Targets\n\n"
                + "| Target | Figure | Goal | Result |\n|---|---|---|---|\n| Latency added at half load, p99 | +4 ms | ≤ 20 ms | met |\n\n"
                + "## 4. Latency at half load\n\nFrom the end.\n\n| a |\n\n## Notes\n\nnotes\n";

        assertThat(Report.sections(legacy).get(Report.Section.LATENCY)).isEqualTo(
                "## 4. Latency at half load\n\n_Measured on 2026-11-26T01:07:30Z (an earlier run)._\n\nFrom the end.\n\n| a |\n\n");
        assertThat(Report.targetRows(legacy)).containsExactly("| Latency added at half load, p99 | +4 ms | ≤ 20 ms | met |");
    }

    @Test
    void failoverIsJudgedOnTheMedianOfAtLeastTenKillsAndSpreadOnItsTime() throws Exception {
        List<GroupScenarios.Kill> kills = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            kills.add(new GroupScenarios.Kill(i, i % 6, "127.0.0.1:1", i == 3, "127.0.0.1:2", i * 1000L, i * 1000L + 50));
        }
        Report report = new Report(Map.of());
        report.failover(new GroupScenarios.Failover(6, 100, kills, List.of(), Map.of("group.membership.check.interval.ms", "2000")));
        report.spread(new GroupScenarios.Spread(100, 1, 4, 5_000, 31_500, 1_200, 2_500, Map.of("a", 34, "b", 33, "c", 33),
                Map.of("a", 33, "b", 33, "c", 34), List.of("spread-7: 404 not found"), Map.of()));

        String md = report.render(MACHINE, "bin/benchmark --only failover,spread", Duration.ofMinutes(9), null);

        assertThat(md).contains("| Failover after a SIGKILL, p50 of 10 kills | 5.00 s (max 10.00 s) | ≤ 15 s, with at least 10 kills | met |")
                .contains("| 3 | 3 | 127.0.0.1:1 | yes | 127.0.0.1:2 | 3.00 s | 3.05 s |")
                .contains("| Spreading 100 connectors over 3 workers | 31.50 s (1 creates answered an error) | < 30 s | "
                        + "**missed**: over by 1.50 s |")
                .contains("- `spread-7: 404 not found`")
                .contains("| One create, from request to answer: p50, max | 1.20 s, 2.50 s |");
    }

    @Test
    void fewerThanTenKillsDoNotMeetTheFailoverTarget() throws Exception {
        Report report = new Report(Map.of());
        report.failover(new GroupScenarios.Failover(6, 100,
                List.of(new GroupScenarios.Kill(1, 0, "a", false, "b", 4000, 4100)), List.of("round 2: no record"), Map.of()));

        assertThat(report.render(MACHINE, "bin/benchmark", Duration.ZERO, null))
                .contains("**missed**: only 1 kills measured").contains("- round 2: no record");
    }
}
