package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleTest {

    private static Sample at(long wallMillis, double cpuSeconds) {
        return new Sample(wallMillis, (long) (cpuSeconds * 1e9), 0, 0, 10, 0, 0);
    }

    @Test
    void cpuBetweenTwoInstantsIsInterpolatedBetweenTheSamplesAroundThem() {
        List<Sample> samples = List.of(at(1_000, 1.0), at(2_000, 2.0), at(3_000, 4.0));

        assertThat(Sample.cpuSecondsBetween(samples, 1_500, 2_500)).isCloseTo(1.5, within(1e-9));
        assertThat(Sample.cpuSecondsBetween(samples, 1_000, 3_000)).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void instantsOutsideTheSamplesTakeTheNearestSample() {
        List<Sample> samples = List.of(at(1_000, 1.0), at(2_000, 2.0));

        assertThat(Sample.cpuSecondsBetween(samples, 0, 5_000)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void readsTheSamplersFileAndSkipsALineCutShort(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stats.tsv");
        Files.writeString(file, "1000\t5000000000\t100\t200\t31\t50\t7\n2000\t6000000000\t110\t200\t32\t55\t9\n3000\t70",
                StandardCharsets.UTF_8);

        List<Sample> samples = Sample.read(file);

        assertThat(samples).containsExactly(new Sample(1000, 5_000_000_000L, 100, 200, 31, 50, 7),
                new Sample(2000, 6_000_000_000L, 110, 200, 32, 55, 9));
        assertThat(Sample.within(samples, 1500, 2500)).hasSize(1);
    }
}
