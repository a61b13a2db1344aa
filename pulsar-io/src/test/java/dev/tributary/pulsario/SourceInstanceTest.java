package dev.tributary.pulsario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.Set;
import dev.tributary.offsets.MemoryOffsetStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceInstanceTest {
    private static final Duration FLUSH = Duration.ofMillis(100);

    private final OffsetStore store = new SharedStore(new MemoryOffsetStore());
    private final List<SourceInstance> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(SourceInstance::close);
    }

    private SourceInstance open(ScriptedConnector connector, int instance, int of, Map<String, String> config)
            throws Exception {
        InstanceIdentity identity = new InstanceIdentity("public", "default", "src", instance, of);
        SourceInstance source = new SourceInstance(connector, new InstanceOffsets(store, identity),
                new SourceInstance.Settings(identity, FLUSH, 10, Duration.ofSeconds(1)));
        opened.add(source);
        source.open(config);
        return source;
    }

    private static List<SourceInstance.Delivery> take(SourceInstance source, int count) throws Exception {
        List<SourceInstance.Delivery> deliveries = new ArrayList<>();
        while (deliveries.size() < count) {
            deliveries.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return source.next();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(30, TimeUnit.SECONDS));
        }
        return deliveries;
    }

    private Optional<Long> committedSeq(int task) {
        return Optional.ofNullable(store.read("public/default/src", List.of(ScriptedConnector.partition(task)))
                .get(ScriptedConnector.partition(task))).map(o -> o.getLong("seq", -1));
    }

    @Test
    void instanceRunsTheTaskOfItsNumber() throws Exception {
        ScriptedConnector connector = new ScriptedConnector();
        SourceInstance source = open(connector, 1, 3, Map.of("records", "2"));

        List<SourceInstance.Delivery> got = take(source, 2);

        assertThat(connector.startedTasks).containsExactly(1);
        assertThat(got).extracting(d -> d.record().partition()).containsOnly(ScriptedConnector.partition(1));
        assertThat(got).extracting(d -> new String(d.record().value())).containsExactly("v0", "v1");
    }

    @Test
    void theConnectorIsCalledOnItsOwnThreadOnly() throws Exception {
        ScriptedConnector connector = new ScriptedConnector();
        SourceInstance source = open(connector, 0, 1, Map.of("records", "1"));
        take(source, 1).get(0).ack();
        source.close();

        // start, taskConfigs and stop, one at a time on one thread that is not the caller's (Pulsar's).
        assertThat(connector.connectorThreads).hasSize(3)
                .allMatch(name -> name.equals("tributary-connector-src-0"));
    }

    @Test
    void commitsOnlyTheAcknowledgedPrefix() throws Exception {
        ScriptedConnector connector = new ScriptedConnector();
        SourceInstance source = open(connector, 0, 1, Map.of("records", "3"));
        List<SourceInstance.Delivery> got = take(source, 3);

        got.get(0).ack();
        got.get(2).ack();
        await().atMost(Duration.ofSeconds(30)).until(() -> committedSeq(0).isPresent());
        // Record 1 is not acknowledged, so nothing past record 0 may be committed.
        Thread.sleep(FLUSH.toMillis() * 3);
        assertThat(committedSeq(0)).contains(0L);

        got.get(1).ack();
        await().atMost(Duration.ofSeconds(30)).until(() -> committedSeq(0).equals(Optional.of(2L)));
        assertThat(connector.committed).last().isEqualTo(Map.of(ScriptedConnector.partition(0),
                SourceOffset.of("seq", 2L)));
    }

    @Test
    void aFailedRecordFailsTheInstanceAndIsNeverCommittedPast() throws Exception {
        ScriptedConnector connector = new ScriptedConnector();
        SourceInstance source = open(connector, 0, 1, Map.of("records", "3"));
        List<SourceInstance.Delivery> got = take(source, 3);

        got.get(0).ack();
        got.get(1).fail();
        got.get(2).ack();

        assertThatThrownBy(source::next).hasMessageContaining("did not store a record");
        source.close();
        assertThat(committedSeq(0)).contains(0L);

        // The restarted instance begins with the failed record.
        ScriptedConnector again = new ScriptedConnector();
        SourceInstance restarted = open(again, 0, 1, Map.of("records", "3"));
        assertThat(take(restarted, 1).get(0).record().offset()).isEqualTo(SourceOffset.of("seq", 1L));
    }

    @Test
    void closeCommitsWhatWasAcknowledgedAndARestartResumesAfterIt() throws Exception {
        ScriptedConnector connector = new ScriptedConnector();
        SourceInstance source = open(connector, 0, 1, Map.of("records", "5"));
        List<SourceInstance.Delivery> got = take(source, 3);
        got.forEach(SourceInstance.Delivery::ack);

        source.close();

        assertThat(committedSeq(0)).contains(2L);
        assertThat(connector.stopped).isTrue();
        SourceInstance restarted = open(new ScriptedConnector(), 0, 1, Map.of("records", "5"));
        assertThat(take(restarted, 2)).extracting(d -> d.record().offset().getLong("seq", -1))
                .containsExactly(3L, 4L);
    }

    @Test
    void rescalingKeepsEveryPartitionsOffset() throws Exception {
        // parallelism 2: each instance commits its own task's partition.
        for (int i = 0; i < 2; i++) {
            SourceInstance source = open(new ScriptedConnector(), i, 2, Map.of("records", "2"));
            take(source, 2).forEach(SourceInstance.Delivery::ack);
            source.close();
        }
        // parallelism 3: tasks 0 and 1 resume after their committed offsets; task 2 starts from the beginning.
        List<Long> firstSeqs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SourceInstance source = open(new ScriptedConnector(), i, 3, Map.of("records", "3"));
            firstSeqs.add(take(source, 1).get(0).record().offset().getLong("seq", -1));
        }
        assertThat(firstSeqs).containsExactly(2L, 2L, 0L);
    }

    @Test
    void instancesOfOneSourceCommitSideBySideWithoutFencingEachOther() throws Exception {
        SourceInstance first = open(new ScriptedConnector(), 0, 2, Map.of("records", "2"));
        SourceInstance second = open(new ScriptedConnector(), 1, 2, Map.of("records", "2"));

        take(first, 2).forEach(SourceInstance.Delivery::ack);
        take(second, 2).forEach(SourceInstance.Delivery::ack);

        await().atMost(Duration.ofSeconds(30)).until(() -> committedSeq(0).equals(Optional.of(1L))
                && committedSeq(1).equals(Optional.of(1L)));
        assertThat(first.inFlight()).isZero();
        assertThat(second.inFlight()).isZero();
    }

    @Test
    void anInstanceBeyondTheConnectorsTasksDeliversNothing() throws Exception {
        ScriptedConnector connector = new ScriptedConnector();
        SourceInstance source = open(connector, 2, 3, Map.of("records", "2", "tasks", "2"));

        CompletableFuture<SourceInstance.Delivery> next = CompletableFuture.supplyAsync(() -> {
            try {
                return source.next();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        assertThat(next).isNotDone();
        assertThat(connector.startedTasks).isEmpty();
        source.close();
    }

    @Test
    void aTaskFailureFailsTheInstanceWithoutShowingASecret() throws Exception {
        SourceInstance source = open(new ScriptedConnector(), 0, 1,
                Map.of("records", "1", "token", "s3cr3t-t0ken", "failPoll", "true"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(source::next)
                .hasMessageContaining("the source rejected token")
                .hasMessageNotContaining("s3cr3t-t0ken"));
    }

    @Test
    void aBadConfigFailsOpenNamingTheField() {
        ScriptedConnector connector = new ScriptedConnector();
        assertThatThrownBy(() -> open(connector, 0, 1, Map.of("records", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("records");
        assertThatThrownBy(() -> open(new ScriptedConnector(), 0, 1, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("records");
    }

    @Test
    void theDatagenConnectorRunsThroughTheSameAdapter() throws Exception {
        InstanceIdentity identity = new InstanceIdentity("public", "default", "gen", 0, 1);
        var datagen = ConnectorLookup.newConnector("configs.connector.class", "datagen", getClass().getClassLoader());
        SourceInstance source = new SourceInstance(datagen, new InstanceOffsets(store, identity),
                new SourceInstance.Settings(identity, FLUSH, 10, Duration.ofSeconds(1)));
        opened.add(source);
        source.open(Map.of("count", "20", "rate", "100000", "record.size", "32"));

        List<SourceInstance.Delivery> got = take(source, 20);
        got.forEach(SourceInstance.Delivery::ack);

        assertThat(got).allSatisfy(d -> assertThat(d.record().value()).hasSize(32));
        await().atMost(Duration.ofSeconds(30)).until(() -> store.readAll("public/default/gen").values().stream()
                .anyMatch(o -> o.getLong("seq", -1) == 19));
    }

    /** Outlives each instance's close, as the offset topic outlives the Pulsar instances that use it. */
    private record SharedStore(OffsetStore delegate) implements OffsetStore {
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
        public boolean fencesScopes() {
            return delegate.fencesScopes();
        }

        @Override
        public ScopedOffsetWriter openWriter(String connector, String scope) {
            return delegate.openWriter(connector, scope);
        }

        @Override
        public void close() {
        }
    }
}
