package dev.tributary.api.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The canonical form behind {@link SourceOffset} and {@link SourcePartition}, built from pairs or from a map. */
class OffsetFieldsTest {

    @Test
    void pairsAndMapsGiveEqualOffsetsThatIterateInKeyOrder() {
        SourceOffset fromPairs = SourceOffset.of("sequenceNumber", "4965", "subSequenceNumber", 3, "a", true);
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("subSequenceNumber", 3L);
        map.put("sequenceNumber", "4965");
        map.put("a", true);
        SourceOffset fromMap = new SourceOffset(map);

        assertThat(fromPairs).isEqualTo(fromMap).hasSameHashCodeAs(fromMap);
        assertThat(fromPairs.fields()).isEqualTo(new TreeMap<>(map)).hasSameHashCodeAs(new TreeMap<>(map));
        assertThat(List.copyOf(fromPairs.fields().keySet())).containsExactly("a", "sequenceNumber", "subSequenceNumber");
        assertThat(fromPairs.toString()).isEqualTo(new TreeMap<>(map).toString());
        assertThat(fromPairs.fields().get("subSequenceNumber")).isEqualTo(3L);
        assertThat(fromPairs.fields()).doesNotContainKey("missing");
        assertThat(fromPairs.fields().get(7)).isNull();
    }

    @Test
    void aLaterPairOfTheSameKeyWinsAsInAMap() {
        assertThat(SourcePartition.of("shard", "a", "stream", "s", "shard", "b").fields())
                .containsExactly(Map.entry("shard", "b"), Map.entry("stream", "s"));
    }

    @Test
    void theFieldsCannotBeChanged() {
        Map<String, Object> fields = SourceOffset.of("k", "v").fields();
        assertThatThrownBy(() -> fields.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> fields.entrySet().iterator().next().setValue("w"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> {
            var it = fields.entrySet().iterator();
            it.next();
            it.remove();
        }).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aCanonicalMapIsTakenAsItIs() {
        SourceOffset offset = SourceOffset.of("k", 1L);
        assertThat(new SourceOffset(offset.fields()).fields()).isSameAs(offset.fields());
    }

    @Test
    void pairsAreCheckedAsMapsAre() {
        assertThatThrownBy(() -> SourceOffset.of("k", "v", "odd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs");
        assertThatThrownBy(() -> SourceOffset.of("k", new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'k'");
        assertThatThrownBy(() -> SourcePartition.of("k", "v", null, "w")).isInstanceOf(NullPointerException.class)
                .hasMessage("source partition has a null key");
        assertThatThrownBy(() -> SourceOffset.of(null, "v")).isInstanceOf(NullPointerException.class)
                .hasMessage("source offset has a null key");
        Map<String, Object> nullKey = new LinkedHashMap<>();
        nullKey.put(null, "v");
        assertThatThrownBy(() -> new SourceOffset(nullKey)).isInstanceOf(NullPointerException.class)
                .hasMessage("source offset has a null key");
        assertThatThrownBy(() -> new SourceOffset(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("source offset is null");
        assertThatThrownBy(() -> new SourceOffset(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(SourceOffset.of("f", 1.5f).fields().get("f")).isEqualTo(1.5d);
    }
}
