package dev.tributary.runtime.datagen;

import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.Map;

/** A connector context for a connector that never calls back: datagen needs nothing from it. */
final class FakeConnectorContext implements ConnectorContext {
    @Override
    public String connectorName() {
        return "demo";
    }

    @Override
    public void requestTaskReconfiguration() {
        throw new AssertionError("datagen never asks for new task configs");
    }

    @Override
    public void raiseError(Throwable error) {
        throw new AssertionError("datagen never raises errors", error);
    }

    @Override
    public OffsetReader offsetReader() {
        return new OffsetReader() {
            @Override
            public Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions) {
                return Map.of();
            }

            @Override
            public Map<SourcePartition, SourceOffset> allOffsets() {
                return Map.of();
            }
        };
    }
}
