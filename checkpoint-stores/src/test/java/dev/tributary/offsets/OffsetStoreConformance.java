package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link OffsetStore}, as tests that every store passes. A store's test extends
 * this class and says how to open the store, how to make its next change fail part-way through,
 * and how to damage its stored data.
 */
abstract class OffsetStoreConformance {
    static final String CONNECTOR = "orders-to-pulsar";
    static final String OTHER_CONNECTOR = "payments-to-pulsar";
    /** A format version newer than any this Tributary reads. */
    static final int FUTURE_VERSION = OffsetCodec.VERSION + 6;

    /** Ways the data a store keeps can be damaged outside it. */
    enum Damage {
        /** The data is cut short in the middle, as by a disk that filled up under another tool. */
        TRUNCATED,
        /** The data was written by a Tributary whose format version is {@link #FUTURE_VERSION}. */
        NEWER_VERSION
    }

    private OffsetStore store;

    /** Opens the store under test on new, empty storage. Called once before each test. */
    protected abstract OffsetStore openFresh();

    /**
     * Opens the store again on the storage of the last {@link #openFresh}, as a worker restart
     * would. The suite has closed the previous instance first.
     */
    protected abstract OffsetStore reopen();

    /** Whether offsets survive {@link #reopen}; tests of persistence are skipped when not. */
    protected boolean persistent() {
        return true;
    }

    /**
     * Makes the next change of {@code store} (a write or a remove) fail part-way through, as a
     * full disk or a lost connection would. A store with no such point aborts the test with
     * {@link org.junit.jupiter.api.Assumptions#abort(String)}.
     */
    protected abstract void failDuringNextChange(OffsetStore store);

    /**
     * Damages the stored data while no store is open. A store that keeps nothing outside the JVM
     * aborts the test with {@link org.junit.jupiter.api.Assumptions#abort(String)}.
     */
    protected abstract void damageStoredData(Damage damage);

    /**
     * Whether the store skips a damaged record, as if it were not there, instead of refusing to
     * read: true for a store whose storage others can write to, such as a topic.
     */
    protected boolean skipsDamagedRecords() {
        return false;
    }

    @BeforeEach
    final void openStore() {
        store = openFresh();
    }

    @AfterEach
    final void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private OffsetStore restart() {
        store.close();
        store = null;
        store = reopen();
        return store;
    }

    @Test
    void readsItsOwnWrites() {
        Map<SourcePartition, SourceOffset> batch = batch(3, 1);

        store.write(CONNECTOR, batch);

        assertThat(store.readAll(CONNECTOR)).isEqualTo(batch);
        assertThat(store.read(CONNECTOR, List.of(shard(0), shard(2), shard(99))))
                .isEqualTo(Map.of(shard(0), position(1), shard(2), position(1)));
    }

    @Test
    void knowsNothingOfPartitionsAndConnectorsNeverWritten() {
        store.write(CONNECTOR, batch(2, 1));

        assertThat(store.read(CONNECTOR, List.of(shard(7)))).isEmpty();
        assertThat(store.read(CONNECTOR, List.of())).isEmpty();
        assertThat(store.readAll("never-written")).isEmpty();
        assertThat(store.read("never-written", List.of(shard(0)))).isEmpty();
    }

    @Test
    void keepsEachConnectorsPartitionsApart() {
        store.write(CONNECTOR, Map.of(shard(0), position(10), shard(1), position(11)));
        store.write(OTHER_CONNECTOR, Map.of(shard(0), position(20), shard(5), position(25)));

        assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(10), shard(1), position(11)));
        assertThat(store.readAll(OTHER_CONNECTOR)).isEqualTo(Map.of(shard(0), position(20), shard(5), position(25)));
        assertThat(store.read(CONNECTOR, List.of(shard(5)))).isEmpty();
    }

    @Test
    void aLaterWriteOverridesOnlyThePartitionsItNames() {
        store.write(CONNECTOR, batch(3, 1));

        store.write(CONNECTOR, Map.of(shard(1), position(2), shard(3), position(2)));

        assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(
                shard(0), position(1), shard(1), position(2), shard(2), position(1), shard(3), position(2)));
    }

    @Test
    void givesReadersASnapshotThatLaterWritesDoNotChange() {
        store.write(CONNECTOR, batch(2, 1));
        Map<SourcePartition, SourceOffset> before = store.readAll(CONNECTOR);

        store.write(CONNECTOR, batch(3, 2));

        assertThat(before).isEqualTo(batch(2, 1));
    }

    @Test
    void removeForgetsOnlyTheNamedPartitions() {
        store.write(CONNECTOR, batch(3, 1));
        store.write(OTHER_CONNECTOR, batch(3, 1));

        store.remove(CONNECTOR, List.of(shard(0), shard(2), shard(42)));

        assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(shard(1), position(1)));
        assertThat(store.readAll(OTHER_CONNECTOR)).isEqualTo(batch(3, 1));
    }

    @Test
    void removingWhatIsNotThereChangesNothing() {
        store.write(CONNECTOR, batch(1, 1));

        store.remove(CONNECTOR, List.of(shard(5)));
        store.remove("never-written", List.of(shard(0)));
        store.remove(CONNECTOR, List.of());

        assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(1, 1));
        assertThat(store.connectors()).containsExactly(CONNECTOR);
    }

    @Test
    void listsTheConnectorsThatHaveOffsets() {
        assertThat(store.connectors()).isEmpty();

        store.write(CONNECTOR, batch(2, 1));
        store.write(OTHER_CONNECTOR, batch(1, 1));
        store.write("empty-batch", Map.of());

        assertThat(store.connectors()).containsExactlyInAnyOrder(CONNECTOR, OTHER_CONNECTOR);

        store.remove(OTHER_CONNECTOR, List.of(shard(0)));

        assertThat(store.connectors()).containsExactly(CONNECTOR);
    }

    @Test
    void valuesComeBackEqualAndOfTheSameType() {
        SourcePartition partition = new SourcePartition(mixedFields());
        SourceOffset offset = new SourceOffset(mixedFields());

        store.write(CONNECTOR, Map.of(partition, offset));

        assertExactlyEqual(store.read(CONNECTOR, List.of(partition)), partition, offset);
        if (persistent()) {
            restart();
            assertExactlyEqual(store.read(CONNECTOR, List.of(partition)), partition, offset);
        }
    }

    private static void assertExactlyEqual(Map<SourcePartition, SourceOffset> read, SourcePartition partition,
            SourceOffset offset) {
        assertThat(read).containsOnlyKeys(partition);
        Map.Entry<SourcePartition, SourceOffset> entry = read.entrySet().iterator().next();
        assertSameFields(entry.getKey().fields(), partition.fields());
        assertSameFields(entry.getValue().fields(), offset.fields());
    }

    private static void assertSameFields(Map<String, Object> actual, Map<String, Object> expected) {
        assertThat(actual).isEqualTo(expected);
        expected.forEach((key, value) -> assertThat(actual.get(key))
                .as("field %s", key)
                .isExactlyInstanceOf(value.getClass())
                .isEqualTo(value));
    }

    /** Every kind of value a partition or offset may hold, with the edge cases of each. */
    static Map<String, Object> mixedFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sequenceNumber", "49590338271490256608559692538361571095921575989136588898");
        fields.put("text", "shardId-000000000001");
        fields.put("empty", "");
        fields.put("looksLikeANumber", "12345");
        fields.put("looksLikeABoolean", "true");
        fields.put("looksLikeNull", "null");
        fields.put("escapes", "quote \" backslash \\ newline \n tab \t nul \u0000 é 漢字 🚀 lone \uD800");
        fields.put("long", 42L);
        fields.put("int", 7);
        fields.put("zero", 0L);
        fields.put("maxLong", Long.MAX_VALUE);
        fields.put("minLong", Long.MIN_VALUE);
        fields.put("double", 0.1);
        fields.put("wholeDouble", 2.0);
        fields.put("bigWholeDouble", 1e22);
        fields.put("negativeZero", -0.0);
        fields.put("tinyDouble", Double.MIN_VALUE);
        fields.put("hugeDouble", -Double.MAX_VALUE);
        fields.put("nan", Double.NaN);
        fields.put("infinity", Double.POSITIVE_INFINITY);
        fields.put("negativeInfinity", Double.NEGATIVE_INFINITY);
        fields.put("float", 1.5f);
        fields.put("yes", true);
        fields.put("no", false);
        return fields;
    }

    @Test
    void aChangeThatFailsPartWayLeavesThePreviousState() {
        Map<SourcePartition, SourceOffset> before = batch(5, 1);
        store.write(CONNECTOR, before);
        store.write(OTHER_CONNECTOR, batch(2, 1));
        Map<SourcePartition, SourceOffset> next = batch(8, 2);

        failDuringNextChange(store);

        assertThatThrownBy(() -> store.write(CONNECTOR, next))
                .isInstanceOf(OffsetStoreException.class);
        assertThat(store.readAll(CONNECTOR)).isEqualTo(before);
        assertThat(store.readAll(OTHER_CONNECTOR)).isEqualTo(batch(2, 1));
        if (persistent()) {
            restart();
            assertThat(store.readAll(CONNECTOR)).isEqualTo(before);
            assertThat(store.readAll(OTHER_CONNECTOR)).isEqualTo(batch(2, 1));
        }

        // The worker retries a failed commit; the retry must land.
        store.write(CONNECTOR, next);
        assertThat(store.readAll(CONNECTOR)).isEqualTo(next);
    }

    @Test
    void aRemoveThatFailsPartWayLeavesThePreviousState() {
        Map<SourcePartition, SourceOffset> before = batch(4, 1);
        store.write(CONNECTOR, before);

        failDuringNextChange(store);

        assertThatThrownBy(() -> store.remove(CONNECTOR, List.of(shard(0), shard(1), shard(2), shard(3))))
                .isInstanceOf(OffsetStoreException.class);
        assertThat(store.readAll(CONNECTOR)).isEqualTo(before);
        assertThat(store.connectors()).containsExactly(CONNECTOR);
        if (persistent()) {
            restart();
            assertThat(store.readAll(CONNECTOR)).isEqualTo(before);
        }
    }

    @Test
    void aBatchThatFailsWhileBeingReadChangesNothing() {
        Map<SourcePartition, SourceOffset> before = batch(4, 1);
        store.write(CONNECTOR, before);
        Map<SourcePartition, SourceOffset> failing = failingHalfWay(batch(8, 2));

        assertThatThrownBy(() -> store.write(CONNECTOR, failing)).hasMessage("the batch's source failed");

        assertThat(store.readAll(CONNECTOR)).isEqualTo(before);
        if (persistent()) {
            restart();
            assertThat(store.readAll(CONNECTOR)).isEqualTo(before);
        }
    }

    /** A map whose iteration fails half-way through, as a caller's view over a failing source would. */
    private static Map<SourcePartition, SourceOffset> failingHalfWay(Map<SourcePartition, SourceOffset> batch) {
        List<Map.Entry<SourcePartition, SourceOffset>> entries = new ArrayList<>(batch.entrySet());
        return new AbstractMap<>() {
            @Override
            public Set<Entry<SourcePartition, SourceOffset>> entrySet() {
                return new AbstractSet<>() {
                    @Override
                    public Iterator<Entry<SourcePartition, SourceOffset>> iterator() {
                        Iterator<Entry<SourcePartition, SourceOffset>> inner = entries.iterator();
                        return new Iterator<>() {
                            private int given;

                            @Override
                            public boolean hasNext() {
                                return inner.hasNext();
                            }

                            @Override
                            public Entry<SourcePartition, SourceOffset> next() {
                                if (++given > entries.size() / 2) {
                                    throw new IllegalStateException("the batch's source failed");
                                }
                                return inner.next();
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return entries.size();
                    }
                };
            }
        };
    }

    @Test
    void concurrentWritersOnDifferentConnectorsAllLandAndReadersSeeWholeBatches() throws Exception {
        int writers = 8;
        int batches = 200;
        int partitionsPerBatch = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<String> torn = new AtomicReference<>();
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String connector = "connector-" + w;
                writes.add(pool.submit(() -> {
                    start.await();
                    for (long b = 1; b <= batches; b++) {
                        store.write(connector, batch(partitionsPerBatch, b));
                    }
                    return null;
                }));
            }
            Future<?> reads = pool.submit(() -> {
                start.await();
                while (writing.get() && torn.get() == null) {
                    for (int w = 0; w < writers; w++) {
                        Map<SourcePartition, SourceOffset> seen = store.readAll("connector-" + w);
                        Set<SourceOffset> positions = Set.copyOf(seen.values());
                        if (!seen.isEmpty() && (seen.size() != partitionsPerBatch || positions.size() != 1)) {
                            torn.compareAndSet(null, "connector-" + w + " showed part of a batch: " + seen);
                        }
                    }
                }
                return null;
            });
            start.countDown();
            for (Future<?> write : writes) {
                write.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            reads.get(60, TimeUnit.SECONDS);

            assertThat(torn.get()).isNull();
            for (int w = 0; w < writers; w++) {
                assertThat(store.readAll("connector-" + w)).isEqualTo(batch(partitionsPerBatch, batches));
            }
            assertThat(store.connectors()).hasSize(writers);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFencedWriterSaysSoByTheTypeOfItsError() {
        assertThat(store.fencesScopes()).isTrue();
        ScopedOffsetWriter replaced = store.openWriter(CONNECTOR, "task-0");
        ScopedOffsetWriter successor = store.openWriter(CONNECTOR, "task-0");

        // Callers tell "never again" from "retry" by the type, not by the words.
        assertThatThrownBy(() -> replaced.write(Map.of(shard(0), position(1))))
                .isInstanceOf(OffsetWriterFencedException.class);
        assertThatThrownBy(() -> replaced.remove(List.of(shard(0)))).isInstanceOf(OffsetWriterFencedException.class);
        successor.close();
        replaced.close();
    }

    @Test
    void writersOfDifferentScopesBothLandAndANewWriterOfAScopeFencesOnlyItsPredecessor() {
        assertThat(store.fencesScopes()).isTrue();
        ScopedOffsetWriter task0 = store.openWriter(CONNECTOR, "task-0");
        ScopedOffsetWriter task1 = store.openWriter(CONNECTOR, "task-1");
        task0.write(Map.of(shard(0), position(1)));
        task1.write(Map.of(shard(1), position(1)));
        assertThat(task0.connector()).isEqualTo(CONNECTOR);
        assertThat(task0.scope()).isEqualTo("task-0");

        ScopedOffsetWriter successor = store.openWriter(CONNECTOR, "task-0");

        assertThatThrownBy(() -> task0.write(Map.of(shard(0), position(99))))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("scope 'task-0' of connector '" + CONNECTOR + "'")
                .hasMessageContaining("fenced (replaced)");
        assertThatThrownBy(() -> task0.remove(List.of(shard(0)))).hasMessageContaining("fenced");
        task1.write(Map.of(shard(1), position(2)));
        successor.write(Map.of(shard(2), position(3)));
        assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(1), shard(1), position(2),
                shard(2), position(3)));
        assertThat(store.connectors()).containsExactly(CONNECTOR);

        successor.close();
        assertThatThrownBy(() -> successor.write(Map.of(shard(2), position(4)))).hasMessageContaining("is closed");
        if (persistent()) {
            restart();
            assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(1), shard(1), position(2),
                    shard(2), position(3)));
        }
    }

    @Test
    void aPartitionMovedToAnotherScopeIsReadFromItsLaterWriteAndAScopesRemovalHidesIt() {
        store.write(CONNECTOR, batch(4, 1));
        ScopedOffsetWriter a = store.openWriter(CONNECTOR, "0");
        a.write(Map.of(shard(0), position(5), shard(1), position(5)));
        ScopedOffsetWriter b = store.openWriter(CONNECTOR, "1");
        assertThat(store.read(CONNECTOR, List.of(shard(1)))).isEqualTo(Map.of(shard(1), position(5)));

        b.write(Map.of(shard(1), position(8)));
        a.write(Map.of(shard(0), position(9)));
        b.remove(List.of(shard(3)));
        a.remove(List.of());
        b.write(Map.of());

        Map<SourcePartition, SourceOffset> expected = Map.of(shard(0), position(9), shard(1), position(8),
                shard(2), position(1));
        assertThat(store.readAll(CONNECTOR)).isEqualTo(expected);
        assertThat(store.read(CONNECTOR, List.of(shard(1), shard(3)))).isEqualTo(Map.of(shard(1), position(8)));
        if (persistent()) {
            restart();
            assertThat(store.readAll(CONNECTOR)).isEqualTo(expected);
        }
    }

    @Test
    void aScopeNameThatCannotBeStoredIsRefusedWithTheFix() {
        assertThatThrownBy(() -> store.openWriter(CONNECTOR, OffsetStore.CONNECTOR_WIDE_SCOPE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scope: '*' is reserved");
        assertThatThrownBy(() -> store.openWriter(CONNECTOR, "")).hasMessageContaining("scope: must not be empty");
        assertThatThrownBy(() -> store.openWriter(CONNECTOR, "x".repeat(201))).hasMessageContaining("at most 200");
        assertThatThrownBy(() -> store.openWriter(CONNECTOR, "a\nb")).hasMessageContaining("control characters");
        assertThat(store.readAll(CONNECTOR)).isEmpty();
    }

    @Test
    void offsetsSurviveARestart() {
        assumeTrue(persistent(), "this store keeps offsets only until it closes");
        store.write(CONNECTOR, batch(3, 1));
        store.write(CONNECTOR, Map.of(shard(1), position(2)));
        store.write(OTHER_CONNECTOR, batch(2, 5));
        store.remove(OTHER_CONNECTOR, List.of(shard(0)));
        store.write("removed", batch(1, 1));
        store.remove("removed", List.of(shard(0)));

        restart();

        assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(1), shard(1), position(2),
                shard(2), position(1)));
        assertThat(store.readAll(OTHER_CONNECTOR)).isEqualTo(Map.of(shard(1), position(5)));
        assertThat(store.connectors()).containsExactlyInAnyOrder(CONNECTOR, OTHER_CONNECTOR);
    }

    @Test
    void takesTenThousandPartitionsInOneBatch() {
        Map<SourcePartition, SourceOffset> batch = batch(10_000, 7);

        store.write(CONNECTOR, batch);

        assertThat(store.readAll(CONNECTOR)).isEqualTo(batch);
        assertThat(store.read(CONNECTOR, List.of(shard(0), shard(5_000), shard(9_999), shard(10_000))))
                .isEqualTo(Map.of(shard(0), position(7), shard(5_000), position(7), shard(9_999), position(7)));
        if (persistent()) {
            restart();
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch);
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedDataGivesAnErrorThatSaysWhatToDo(Damage damage) {
        store.write(CONNECTOR, batch(3, 1));
        store.close();
        store = null;

        damageStoredData(damage);

        if (damage == Damage.TRUNCATED && skipsDamagedRecords()) {
            store = reopen();
            assertThat(store.readAll(CONNECTOR)).isEmpty();
            store.write(CONNECTOR, batch(3, 2));
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(3, 2));
            return;
        }
        var thrown = assertThatThrownBy(() -> {
            store = reopen();
            store.readAll(CONNECTOR);
        }).isInstanceOf(OffsetStoreException.class);
        if (damage == Damage.NEWER_VERSION) {
            thrown.hasMessageContaining("format version " + FUTURE_VERSION).hasMessageContaining("upgrade Tributary");
        } else {
            thrown.hasMessageContaining("damaged").hasMessageContaining("restore it from a backup");
        }
    }

    @Test
    void aClosedStoreRefusesWork() {
        store.write(CONNECTOR, batch(1, 1));

        store.close();
        store.close();

        assertThatThrownBy(() -> store.write(CONNECTOR, batch(1, 2)))
                .isInstanceOf(OffsetStoreException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.readAll(CONNECTOR))
                .isInstanceOf(OffsetStoreException.class).hasMessageContaining("closed");
    }

    /** A Kinesis-like partition. */
    static SourcePartition shard(int number) {
        return SourcePartition.of("stream", "orders", "shard", String.format("shardId-%012d", number));
    }

    /** A Kinesis-like offset, with a sequence number beyond a Long as Kinesis has. */
    static SourceOffset position(long batch) {
        return SourceOffset.of("sequenceNumber", "4959033827149025660855969253836157109592157598913658" + batch,
                "subSequenceNumber", 0L, "batch", batch);
    }

    /** Partitions 0 to {@code partitions - 1}, each at {@code position(batch)}. */
    static Map<SourcePartition, SourceOffset> batch(int partitions, long batch) {
        Map<SourcePartition, SourceOffset> offsets = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            offsets.put(shard(i), position(batch));
        }
        return offsets;
    }
}
