package dev.tributary.runtime.datagen;

import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** A task context whose offset reader returns the offsets a test committed. */
record FakeTaskContext(String connectorName, int taskId, Map<String, String> config,
        Map<SourcePartition, SourceOffset> committed) implements SourceTaskContext {

    FakeTaskContext(String connectorName, Map<String, String> config) {
        this(connectorName, Integer.parseInt(config.get(DatagenConfig.TASK_INDEX)), config, Map.of());
    }

    FakeTaskContext withCommitted(SourcePartition partition, SourceOffset offset) {
        Map<SourcePartition, SourceOffset> offsets = new HashMap<>(committed);
        offsets.put(partition, offset);
        return new FakeTaskContext(connectorName, taskId, config, Map.copyOf(offsets));
    }

    @Override
    public OffsetReader offsetReader() {
        return new OffsetReader() {
            @Override
            public Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions) {
                Map<SourcePartition, SourceOffset> found = new HashMap<>();
                partitions.stream().filter(committed::containsKey).forEach(p -> found.put(p, committed.get(p)));
                return found;
            }

            @Override
            public Map<SourcePartition, SourceOffset> allOffsets() {
                return committed;
            }
        };
    }

    @Override
    public void commitOffset(SourcePartition partition, SourceOffset offset) {
        throw new AssertionError("datagen carries every offset in a record");
    }
}
