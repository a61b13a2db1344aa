package dev.tributary.offsets;

import static dev.tributary.offsets.OffsetStoreConformance.position;
import static dev.tributary.offsets.OffsetStoreConformance.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.offset.OffsetStoreException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pulsar store's record of one scope: sequence numbers and removal marks survive a round trip. */
class ScopeStateTest {
    private final OffsetCodec codec = new OffsetCodec();

    @Test
    void keepsEachPartitionsSequenceNumberAndRemovalMarksThroughEncoding() {
        ScopeState state = ScopeState.EMPTY
                .withWritten(Map.of(shard(0), position(1), shard(1), position(1)), 4)
                .withWritten(Map.of(shard(1), position(2)), 9)
                .withRemoved(List.of(shard(2)), 11);

        ScopeState decoded = ScopeState.decode(state.encode(codec), "test record", codec);

        assertThat(decoded).isEqualTo(state);
        assertThat(decoded.entries()).isEqualTo(Map.of(
                shard(0), new ScopeState.Entry(position(1), 4),
                shard(1), new ScopeState.Entry(position(2), 9),
                shard(2), new ScopeState.Entry(null, 11)));
        assertThat(decoded.maxSeq()).isEqualTo(11);
        assertThat(ScopeState.EMPTY.maxSeq()).isZero();
    }

    @Test
    void aDamagedRecordIsReportedAsDamageAndANewerOneIsRefusedWithTheFix() {
        assertThatThrownBy(() -> ScopeState.decode("{\"version\":1}".getBytes(StandardCharsets.UTF_8), "rec", codec))
                .isInstanceOf(OffsetCodec.DamagedDataException.class)
                .hasMessageContaining("rec is damaged: it has no \"entries\" array");
        assertThatThrownBy(() -> ScopeState.decode("{\"version\":1,\"entries\":[{\"seq\":1}]}"
                .getBytes(StandardCharsets.UTF_8), "rec", codec))
                .isInstanceOf(OffsetCodec.DamagedDataException.class);
        assertThatThrownBy(() -> ScopeState.decode(new byte[] {1, 2}, "rec", codec))
                .isInstanceOf(OffsetCodec.DamagedDataException.class);
        assertThatThrownBy(() -> ScopeState.decode("{\"version\":7,\"entries\":[]}".getBytes(StandardCharsets.UTF_8),
                "rec", codec))
                .isInstanceOf(OffsetStoreException.class)
                .isNotInstanceOf(OffsetCodec.DamagedDataException.class)
                .hasMessageContaining("upgrade Tributary");
    }
}
