package dev.tributary.api.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceOffsetTest {
    @Test
    void normalisesWholeNumbersSoStoredValuesEqualWrittenOnes() {
        assertThat(SourceOffset.of("seq", 5)).isEqualTo(SourceOffset.of("seq", 5L));
        assertThat(SourcePartition.of("task", (short) 2)).isEqualTo(SourcePartition.of("task", 2L));
    }

    @Test
    void copiesAndFreezesItsFields() {
        Map<String, Object> fields = new HashMap<>(Map.of("shard", "shardId-0"));
        SourcePartition partition = new SourcePartition(fields);
        fields.put("shard", "changed");

        assertThat(partition.getString("shard")).isEqualTo("shardId-0");
        assertThatThrownBy(() -> partition.fields().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsValuesAStoreCouldNotKeep() {
        assertThatThrownBy(() -> SourceOffset.of("when", new Object()))
                .hasMessageContaining("field 'when' has a value of type java.lang.Object");
        assertThatThrownBy(() -> new SourceOffset(Map.of())).hasMessage("source offset has no fields");
    }

    @Test
    void readsTypedFields() {
        SourceOffset offset = SourceOffset.of("sequenceNumber", "4959", "subSequenceNumber", 3, "end", true);

        assertThat(offset.getString("sequenceNumber")).isEqualTo("4959");
        assertThat(offset.getLong("subSequenceNumber", -1)).isEqualTo(3);
        assertThat(offset.getLong("missing", -1)).isEqualTo(-1);
        assertThat(offset.getBoolean("end", false)).isTrue();
    }
}
