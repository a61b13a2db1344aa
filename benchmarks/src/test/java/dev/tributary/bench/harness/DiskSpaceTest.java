package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DiskSpaceTest {
    private static final long GIB = 1L << 30;

    @Test
    void aNearlyFullDiskStopsTheRunWithWhatToDo() {
        String why = DiskSpace.shortage(Path.of("/work/target/bench"), 2 * GIB + GIB / 2, 252 * GIB);

        assertThat(why).contains("/work/target/bench").contains("2.5 GiB free").contains("20.2 GiB")
                .contains("--only").contains("target/services/pulsar-bench");
    }

    @Test
    void theFloorHoldsOnSmallDisksAndTheShareOnLargeOnes() {
        assertThat(DiskSpace.shortage(Path.of("d"), 9 * GIB, 50 * GIB)).as("8 GiB floor, met").isNull();
        assertThat(DiskSpace.shortage(Path.of("d"), 7 * GIB, 50 * GIB)).as("8 GiB floor, not met").isNotNull();
        assertThat(DiskSpace.shortage(Path.of("d"), 21 * GIB, 252 * GIB)).as("8% of 252 GiB, met").isNull();
        assertThat(DiskSpace.shortage(Path.of("d"), 19 * GIB, 252 * GIB)).as("8% of 252 GiB, not met").isNotNull();
    }
}
