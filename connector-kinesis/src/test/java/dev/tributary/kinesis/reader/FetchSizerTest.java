package dev.tributary.kinesis.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.StartPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FetchSizerTest {
    private static final String SEQUENCE = "49590338271490256608559692538361571095921575989136588898";

    private final FetchSizer sizer = new FetchSizer();

    @Test
    void beforeAnyResponseItAssumesKibRecordsOrWhatTheTaskLastSaw() {
        ReaderSettings settings = settings(1000, 256 * 1024, false);
        long fits = (256 * 1024 - FetchSizer.RESPONSE_OVERHEAD) / FetchSizer.INITIAL_RECORD_BYTES;
        assertThat(sizer.recordsToAsk(settings, false, 0)).isEqualTo((int) fits).isBetween(200, 230);
        assertThat(sizer.recordsToAsk(settings, false, 2048)).isEqualTo((int) ((256 * 1024 - 1024) / 2048));
    }

    @Test
    void aResponseTeachesTheRecordSizeAndTheLimitFollowsIt() {
        ReaderSettings settings = settings(10_000, 256 * 1024, false);
        long perRecord = sizer.observe(records(100, 4000, "key"));

        assertThat(perRecord).isEqualTo(4000 + 3 + SEQUENCE.length() + FetchSizer.RECORD_OVERHEAD);
        int limit = sizer.recordsToAsk(settings, false, 0);
        assertThat((long) limit * perRecord + FetchSizer.RESPONSE_OVERHEAD).isLessThanOrEqualTo(256 * 1024);
        assertThat((long) (limit + 1) * perRecord + FetchSizer.RESPONSE_OVERHEAD).isGreaterThan(256 * 1024);
    }

    @Test
    void neverMoreThanMaxRecordsPerFetchNorFewerThanOne() {
        sizer.observe(records(10, 10, "k"));
        assertThat(sizer.recordsToAsk(settings(1000, 10L << 20, false), false, 0)).isEqualTo(1000);

        FetchSizer huge = new FetchSizer();
        huge.observe(records(1, 1024 * 1024, "k"));
        assertThat(huge.recordsToAsk(settings(1000, 16 * 1024, false), false, 0)).isEqualTo(1);
    }

    @Test
    void theEstimateRisesAtOnceAndFallsByAQuarterOfTheGapPerResponse() {
        long small = sizer.observe(records(10, 100, "k"));
        long big = sizer.observe(records(10, 10_000, "k"));
        assertThat(big).as("rises at once").isEqualTo(10_000 + 1 + SEQUENCE.length() + FetchSizer.RECORD_OVERHEAD);

        long next = sizer.observe(records(10, 100, "k"));
        assertThat(next).isEqualTo(big - (big - small) / 4);
        assertThat(sizer.observe(List.of())).as("an empty response teaches nothing").isEqualTo(next);
    }

    @Test
    void withPacingAShardThatIsBehindAsksForEnoughToReadTwoMegabytesInFiveCalls() {
        sizer.observe(records(10, 1000, "k"));
        long perRecord = sizer.recordBytes();
        ReaderSettings paced = settings(10_000, 256 * 1024, true);

        int caughtUp = sizer.recordsToAsk(paced, false, 0);
        int behind = sizer.recordsToAsk(paced, true, 0);

        assertThat((long) caughtUp * perRecord).isLessThanOrEqualTo(256 * 1024);
        assertThat(behind).isEqualTo((int) ((FetchSizer.PACED_CATCH_UP_BYTES - FetchSizer.RESPONSE_OVERHEAD) / perRecord));
        assertThat(FetchSizer.PACED_CATCH_UP_BYTES * 5).isGreaterThanOrEqualTo(ReaderSettings.SHARD_BYTES_PER_SECOND - 5);
        assertThat(sizer.recordsToAsk(settings(10_000, 256 * 1024, false), true, 0))
                .as("without pacing calls are not capped, so the budget holds").isEqualTo(caughtUp);
    }

    private static ReaderSettings settings(int maxRecords, long maxBytes, boolean paced) {
        return new ReaderSettings(StartPosition.trimHorizon(), 10_000, 64L << 20, maxRecords, 4, Duration.ofSeconds(1),
                Duration.ofMillis(100), paced, maxBytes);
    }

    private static List<KinesisRecord> records(int count, int dataBytes, String key) {
        List<KinesisRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new KinesisRecord(SEQUENCE, key, new byte[dataBytes], Instant.EPOCH, null));
        }
        return records;
    }
}
