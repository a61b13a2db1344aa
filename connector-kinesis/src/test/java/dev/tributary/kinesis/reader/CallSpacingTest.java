package dev.tributary.kinesis.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallSpacingTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void aShardWhoseIntervalFitsInOneCallWaitsTheWholeInterval() {
        assertThat(CallSpacing.caughtUpWait(SECOND, 1000, SECOND, 1000)).isEqualTo(SECOND);
        assertThat(CallSpacing.caughtUpWait(SECOND, 10, SECOND, 1000)).isEqualTo(SECOND);
        // 900 records in half a second is 1,800 an interval: more than a call.
        assertThat(CallSpacing.caughtUpWait(SECOND, 900, SECOND / 2, 1000)).isLessThan(SECOND);
    }

    @Test
    void aBusyShardIsCalledEvenlyWithEachCallAtMostEightyPercentFull() {
        // 4,300 records a second, 900 a call: 4,300 / 720 = 5.97, so 6 calls an interval.
        assertThat(CallSpacing.caughtUpWait(SECOND, 4300, SECOND, 900)).isEqualTo(SECOND / 6);
        // The same rate seen over a shorter cycle (one spread call) gives the same spacing: it is stable.
        assertThat(CallSpacing.caughtUpWait(SECOND, 4300 / 6, SECOND / 6, 900)).isEqualTo(SECOND / 6);
        // Just over one call: two calls, each about half full.
        assertThat(CallSpacing.caughtUpWait(SECOND, 1001, SECOND, 1000)).isEqualTo(SECOND / 2);
    }

    @Test
    void aCycleOfMoreThanAnIntervalCountsByItsRate() {
        // 3,000 records over 3 s (a backoff, say) is 1,000 an interval: one call.
        assertThat(CallSpacing.caughtUpWait(SECOND, 3000, 3 * SECOND, 1000)).isEqualTo(SECOND);
        // 6,000 over 2 s is 3,000 an interval: 3,000 / 800, 4 calls.
        assertThat(CallSpacing.caughtUpWait(SECOND, 6000, 2 * SECOND, 1000)).isEqualTo(SECOND / 4);
    }

    @Test
    void withoutAPreviousCycleOrRecordsTheWaitIsTheInterval() {
        assertThat(CallSpacing.caughtUpWait(SECOND, 5000, 0, 1000)).isEqualTo(SECOND);
        assertThat(CallSpacing.caughtUpWait(SECOND, 0, SECOND, 1000)).isEqualTo(SECOND);
        assertThat(CallSpacing.caughtUpWait(SECOND, 5000, SECOND, 0)).isEqualTo(SECOND);
    }
}
