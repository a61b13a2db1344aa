package dev.tributary.bench.jmh;

import dev.tributary.kinesis.kpl.Deaggregated;
import dev.tributary.kinesis.kpl.KplDeaggregator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unpacking one KPL aggregate into its user records: what every record of a KPL producer costs the
 * reader thread. A score is aggregates per second; times {@code userRecords} it is user records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class KplDeaggregationBenchmark {
    @Param({"10", "100"})
    int userRecords;

    @Param({"100", "1024"})
    int payloadBytes;

    private final KplDeaggregator deaggregator = new KplDeaggregator();
    private byte[] aggregate;

    @Setup
    public void setUp() {
        aggregate = KplAggregates.aggregate(userRecords, payloadBytes, 42);
        Deaggregated check = deaggregator.deaggregate(aggregate, "outer");
        // A benchmark of the pass-through path by mistake would look fast and mean nothing.
        if (check.hasProblem() || check.records().size() != userRecords || !check.records().get(0).aggregated()) {
            throw new IllegalStateException("the benchmark's aggregate does not unpack: " + check.problem());
        }
    }

    @Benchmark
    public Deaggregated deaggregate() {
        return deaggregator.deaggregate(aggregate, "outer");
    }
}
