package dev.tributary.api.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A store that cannot fence says so, and its scoped writers pass every call to the connector-wide methods. */
class UnfencedScopedWriterTest {
    private final List<String> calls = new ArrayList<>();
    private final Map<SourcePartition, SourceOffset> offsets = new HashMap<>();

    private final OffsetStore store = new OffsetStore() {
        @Override
        public Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions) {
            return Map.of();
        }

        @Override
        public Map<SourcePartition, SourceOffset> readAll(String connector) {
            return Map.copyOf(offsets);
        }

        @Override
        public void write(String connector, Map<SourcePartition, SourceOffset> batch) {
            calls.add("write " + connector);
            offsets.putAll(batch);
        }

        @Override
        public void remove(String connector, Collection<SourcePartition> partitions) {
            calls.add("remove " + connector);
            partitions.forEach(offsets::remove);
        }

        @Override
        public Set<String> connectors() {
            return Set.of();
        }

        @Override
        public void close() {
        }
    };

    @Test
    void aStoreThatCannotFenceSaysSoAndItsWritersFenceNoOne() {
        SourcePartition p = SourcePartition.of("shard", "a");
        assertThat(store.fencesScopes()).isFalse();
        ScopedOffsetWriter first = store.openWriter("orders", "task-0");
        ScopedOffsetWriter second = store.openWriter("orders", "task-0");

        first.write(Map.of(p, SourceOffset.of("seq", 1L)));
        second.write(Map.of(p, SourceOffset.of("seq", 2L)));
        first.write(Map.of());
        second.remove(List.of(p));

        assertThat(calls).containsExactly("write orders", "write orders", "remove orders");
        assertThat(store.readAll("orders")).isEmpty();
        assertThat(first.scope()).isEqualTo("task-0");
        first.close();
        assertThatThrownBy(() -> first.write(Map.of(p, SourceOffset.of("seq", 3L))))
                .isInstanceOf(OffsetStoreException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> store.openWriter("orders", "*")).isInstanceOf(IllegalArgumentException.class);
    }
}
