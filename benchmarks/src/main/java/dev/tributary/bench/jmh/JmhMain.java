package dev.tributary.bench.jmh;

import java.nio.file.Path;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks of the hot paths in one forked JVM each, with the warm-up and measurement
 * their annotations set, and writes JMH's JSON results for the benchmark harness to read.
 *
 * <p>Arguments: the JSON file to write (required), then optionally a regular expression of the
 * benchmarks to run (all of {@code dev.tributary.bench.jmh} by default). Run with the module's
 * class path: {@code java -cp target/classes:$(cat target/benchmark.classpath)
 * dev.tributary.bench.jmh.JmhMain target/jmh.json}.
 */
public final class JmhMain {
    private JmhMain() {
    }

    public static void main(String[] args) throws RunnerException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: JmhMain <results.json> [benchmark regex]");
            System.exit(2);
        }
        Path results = Path.of(args[0]).toAbsolutePath();
        Options options = new OptionsBuilder()
                .include(args.length == 2 ? args[1] : JmhMain.class.getPackageName().replace(".", "\\.") + "\\..*Benchmark")
                .forks(1)
                .resultFormat(ResultFormatType.JSON)
                .result(results.toString())
                .build();
        new Runner(options).run();
        System.out.println("JMH results: " + results);
    }
}
