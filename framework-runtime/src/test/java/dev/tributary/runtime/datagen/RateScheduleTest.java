package dev.tributary.runtime.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstRecordIsDueAtOnceAndTheRestAtTheRate() {
        RateSchedule schedule = new RateSchedule(10);

        assertThat(schedule.dueCount(0)).isEqualTo(1);
        assertThat(schedule.dueCount(SECOND / 10 - 1)).isEqualTo(1);
        assertThat(schedule.dueCount(SECOND / 10)).isEqualTo(2);
        assertThat(schedule.dueCount(3 * SECOND / 10)).isEqualTo(4);
        assertThat(schedule.dueCount(SECOND)).isEqualTo(11);
        assertThat(schedule.dueAtNanos(0)).isZero();
        assertThat(schedule.dueAtNanos(3)).isEqualTo(3 * SECOND / 10);
    }

    @Test
    void dueTimesAndCountsAgreeForAwkwardRates() {
        for (double rate : new double[] {3, 7, 0.3, 1234.5, 1e6}) {
            RateSchedule schedule = new RateSchedule(rate);
            for (long k = 1; k < 2000; k += 7) {
                long at = schedule.dueAtNanos(k);
                assertThat(schedule.dueCount(at)).as("rate %s record %s", rate, k).isGreaterThan(k);
                assertThat(schedule.dueCount(at - 1)).as("rate %s record %s", rate, k).isLessThanOrEqualTo(k);
            }
        }
    }

    @Test
    void rateZeroMakesEverythingDue() {
        RateSchedule schedule = new RateSchedule(0);

        assertThat(schedule.dueCount(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(schedule.dueAtNanos(1_000_000)).isZero();
    }

    @Test
    void rejectsRatesThatAreNotFiniteOrPositive() {
        assertThatThrownBy(() -> new RateSchedule(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateSchedule(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateSchedule(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
