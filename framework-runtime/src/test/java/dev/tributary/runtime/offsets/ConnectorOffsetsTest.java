package dev.tributary.runtime.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.MemoryOffsetStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorOffsetsTest {
    private static final SourcePartition A = SourcePartition.of("shard", "a");
    private static final SourcePartition B = SourcePartition.of("shard", "b");

    private final FlakyStore store = new FlakyStore();
    private final ConnectorOffsets offsets = new ConnectorOffsets("c", store);

    @Test
    void commitsWhatRegisteredTrackersAcknowledgedAsOneBatch() {
        OffsetTracker tracker = new OffsetTracker();
        offsets.register(tracker);
        tracker.track(A, offset(1)).ack();
        tracker.track(B, offset(7)).ack();

        assertThat(offsets.commit()).containsOnly(Map.entry(A, offset(1)), Map.entry(B, offset(7)));
        assertThat(store.batches).hasSize(1);
        assertThat(offsets.commit()).as("nothing new").isEmpty();
    }

    @Test
    void aFailedCommitKeepsOffsetsPendingAndReadersSeeThem() {
        offsets.add(Map.of(A, offset(5)));
        store.failing = true;

        assertThatThrownBy(offsets::commit).isInstanceOf(OffsetStoreException.class);
        assertThat(offsets.pendingCount()).isEqualTo(1);
        assertThat(offsets.offset(A)).contains(offset(5));

        store.failing = false;
        offsets.add(Map.of(A, offset(6)));
        assertThat(offsets.commit()).containsOnly(Map.entry(A, offset(6)));
        assertThat(store.data()).containsOnly(Map.entry(A, offset(6)));
        assertThat(offsets.pendingCount()).isZero();
    }

    @Test
    void unregisterTakesTheTrackersLastOffsets() {
        OffsetTracker tracker = new OffsetTracker();
        offsets.register(tracker);
        tracker.track(A, offset(3)).ack();

        offsets.unregister(tracker);
        tracker.track(A, offset(4)).ack();

        assertThat(offsets.commit()).containsOnly(Map.entry(A, offset(3)));
    }

    @Test
    void listenersHearOfDurableBatchesOnly() {
        List<Map<SourcePartition, SourceOffset>> heard = new ArrayList<>();
        offsets.addCommitListener(heard::add);
        offsets.add(Map.of(A, offset(1)));
        store.failing = true;
        assertThatThrownBy(offsets::commit).isInstanceOf(OffsetStoreException.class);
        assertThat(heard).isEmpty();

        store.failing = false;
        offsets.commit();
        assertThat(heard).containsExactly(Map.of(A, offset(1)));
    }

    @Test
    void allOffsetsOverlaysPendingOnTheStore() {
        store.write("c", Map.of(A, offset(1), B, offset(2)));
        offsets.add(Map.of(B, offset(9)));

        assertThat(offsets.allOffsets()).containsOnly(Map.entry(A, offset(1)), Map.entry(B, offset(9)));
    }

    private static SourceOffset offset(long n) {
        return SourceOffset.of("seq", n);
    }

    /** The memory store, told to fail on demand, as a store whose database is down. */
    private static final class FlakyStore implements OffsetStore {
        final MemoryOffsetStore delegate = new MemoryOffsetStore();
        final List<Map<SourcePartition, SourceOffset>> batches = new ArrayList<>();
        volatile boolean failing;

        Map<SourcePartition, SourceOffset> data() {
            return delegate.readAll("c");
        }

        @Override
        public Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions) {
            return delegate.read(connector, partitions);
        }

        @Override
        public Map<SourcePartition, SourceOffset> readAll(String connector) {
            return delegate.readAll(connector);
        }

        @Override
        public void write(String connector, Map<SourcePartition, SourceOffset> offsets) {
            if (failing) {
                throw new OffsetStoreException("store is down");
            }
            batches.add(Map.copyOf(offsets));
            delegate.write(connector, offsets);
        }

        @Override
        public void remove(String connector, Collection<SourcePartition> partitions) {
            delegate.remove(connector, partitions);
        }

        @Override
        public Set<String> connectors() {
            return delegate.connectors();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
