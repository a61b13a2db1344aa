package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenariosWindowTest {
    /** One tick a second, {@code perTick} more messages each time, up to {@code last}. */
    private static List<long[]> ticks(long perTick, long last) {
        List<long[]> ticks = new ArrayList<>();
        for (long second = 1, count = perTick; ; second++, count = Math.min(last, count + perTick)) {
            ticks.add(new long[] {second * 1000, count, 0});
            if (count == last) {
                return ticks;
            }
        }
    }

    @Test
    void aDrainedBacklogIsMeasuredFromFortyToNinetyFivePercent() {
        long[][] window = Scenarios.window(ticks(100, 1000), 1000, 1000);

        assertThat(window[0][1]).as("the first tick at 40%").isEqualTo(400);
        assertThat(window[1][1]).as("the first tick at 95%").isEqualTo(1000);
        assertThat(window[0][0]).isEqualTo(4000);
    }

    @Test
    void aRunThatMovedLessEndsItsWindowAtWhatItMoved() {
        long[][] window = Scenarios.window(ticks(100, 700), 1000, 700);

        assertThat(window[0][1]).isEqualTo(400);
        assertThat(window[1][1]).isEqualTo(700);
    }

    @Test
    void withoutTwoTicksInsideTheWindowTheWholeRunIsMeasured() {
        List<long[]> ticks = ticks(1000, 1000);
        ticks.add(0, new long[] {0, 0, 0});

        long[][] window = Scenarios.window(ticks, 1000, 1000);

        assertThat(window[0][0]).isZero();
        assertThat(window[1][1]).isEqualTo(1000);
    }
}
