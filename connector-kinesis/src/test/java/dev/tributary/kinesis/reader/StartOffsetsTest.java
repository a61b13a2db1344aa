package dev.tributary.kinesis.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.proxy.StartPosition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartOffsetsTest {
    @Test
    void everyKindOfKinesisOffsetSurvivesTheTaskConfig() {
        Map<SourcePartition, SourceOffset> offsets = new LinkedHashMap<>();
        offsets.put(KinesisOffsets.partition("orders", "shardId-000000000001"),
                KinesisOffsets.offset("49590338271490256608559692538361571095921575989136588898", 7, 1_700_000_000_123L));
        offsets.put(KinesisOffsets.partition("orders", "shardId-000000000000"), KinesisOffsets.shardEnd("0", 0, 5L));
        offsets.put(KinesisOffsets.partition("orders.v2", "shardId-000000000002"),
                KinesisOffsets.start(StartPosition.atTimestamp(Instant.parse("2026-11-30T08:00:00.123Z")), 5L));
        offsets.put(KinesisOffsets.partition("orders_3", "shardId-000000000003"),
                KinesisOffsets.start(StartPosition.latest(), KinesisOffsets.UNKNOWN_CREATION));

        Map<SourcePartition, SourceOffset> decoded = StartOffsets.decode(StartOffsets.encode(offsets));

        assertThat(decoded).containsExactlyEntriesOf(offsets);
        assertThat(KinesisOffsets.startPosition(decoded.get(KinesisOffsets.partition("orders.v2", "shardId-000000000002"))))
                .contains(StartPosition.atTimestamp(Instant.parse("2026-11-30T08:00:00.123Z")));
        assertThat(KinesisOffsets.startPosition(decoded.get(KinesisOffsets.partition("orders", "shardId-000000000001"))))
                .isEmpty();
    }

    @Test
    void nothingEncodesAsNothing() {
        assertThat(StartOffsets.encode(Map.of())).isEmpty();
        assertThat(StartOffsets.decode(null)).isEmpty();
        assertThat(StartOffsets.decode("")).isEmpty();
    }

    @Test
    void aDamagedEntryIsRefusedNotGuessed() {
        assertThatThrownBy(() -> StartOffsets.decode("orders,shardId-000000000001"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad start offset");
        assertThatThrownBy(() -> StartOffsets.decode("orders,shardId-000000000001,sequenceNumber:x:5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad start offset field type");
    }
}
