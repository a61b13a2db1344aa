package dev.tributary.kinesis.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link IsoInstant#format} against {@link Instant#toString()}, which it must equal everywhere. */
class IsoInstantTest {

    @Test
    void edgesOfDaysMonthsYearsAndTheRange() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00Z",
                "1900-02-28T23:59:59Z", "1900-03-01T00:00:00Z", "2024-12-31T23:59:59.999999999Z",
                "2025-01-01T00:00:00.001Z", "2025-01-01T00:00:00.000001Z", "2025-01-01T00:00:00.100Z",
                "0000-01-01T00:00:00Z", "0001-03-01T00:00:00Z", "0999-12-31T23:59:59.5Z",
                "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(IsoInstant.format(instant)).as(text).isEqualTo(instant.toString());
        }
        assertThat(IsoInstant.format(Instant.MIN)).isEqualTo(Instant.MIN.toString());
        assertThat(IsoInstant.format(Instant.MAX)).isEqualTo(Instant.MAX.toString());
    }

    @Test
    void randomInstantsFormatAsInstantDoes() {
        SplittableRandom random = new SplittableRandom(0x15_0_1A57L);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(min, max + 1);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(IsoInstant.format(instant)).as("case %d", i).isEqualTo(instant.toString());
        }
    }

    @Test
    void everyMillisecondOfARecentDayFormatsAsInstantDoes() {
        Instant start = Instant.parse("2026-12-05T00:00:00Z");
        for (long ms = 0; ms < 86_400_000L; ms += 997) {
            Instant instant = start.plusMillis(ms);
            assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
        }
    }
}
