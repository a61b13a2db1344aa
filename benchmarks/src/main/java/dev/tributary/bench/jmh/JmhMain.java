package dev.tributary.bench.jmh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of the hot paths in one forked JVM each, with the warm-up and measurement
 * their annotations set, and writes JMH's JSON results for the benchmark harness to read.
 *
 * <p>Arguments: the JSON file to write (required), then optionally {@code --quick} (one short
 * warm-up and measurement iteration each, to try the suite, not to quote) and a regular
 * expression of the benchmarks to run (all of {@code dev.tributary.bench.jmh} by default). Run with the module's
 * class path: {@code java -cp target/classes:$(cat target/benchmark.classpath)
 * dev.tributary.bench.jmh.JmhMain target/jmh.json}.
 */
public final class JmhMain {
    private JmhMain() {
    }

    public static void main(String[] args) throws RunnerException {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean quick = rest.remove("--quick");
        if (rest.isEmpty() || rest.size() > 2) {
            System.err.println("usage: JmhMain <results.json> [--quick] [benchmark regex]");
            System.exit(2);
        }
        Path results = Path.of(rest.get(0)).toAbsolutePath();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(rest.size() == 2 ? rest.get(1) : JmhMain.class.getPackageName().replace(".", "\\.") + "\\..*Benchmark")
                .forks(1)
                // Bytes allocated per operation: what a hot path costs the collector, which the
                // score alone hides; the report prints it beside the score.
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(results.toString());
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(500));
        }
        new Runner(options.build()).run();
        System.out.println("JMH results: " + results);
    }
}
