package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.Password;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.testing.services.FreePorts;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.TestServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pulsar store against a real standalone broker: the conformance suite, then takeovers,
 * the record layout, compaction and errors. Each test has a topic of its own.
 */
@ExtendWith(TestServices.class)
class PulsarOffsetStoreIT extends OffsetStoreConformance {
    private static PulsarStandalone pulsar;
    private static PulsarClient client;

    private final OffsetCodec codec = new OffsetCodec();
    /** Counts down the publishes to come; the one that reaches zero fails. Zero means none fails. */
    private final AtomicInteger failingPublish = new AtomicInteger();
    private final List<PulsarOffsetStore> opened = new ArrayList<>();
    private String topic;
    private PulsarOffsetStore last;

    @BeforeAll
    static void connect(PulsarStandalone broker) throws PulsarClientException {
        pulsar = broker;
        client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
    }

    @AfterAll
    static void disconnect() throws PulsarClientException {
        if (client != null) {
            client.close();
        }
    }

    @AfterEach
    void closeOthers() {
        opened.forEach(PulsarOffsetStore::close);
    }

    private static String newTopic() {
        return "persistent://public/default/offsets-it-" + UUID.randomUUID();
    }

    private static PulsarOffsetStore.Settings settings(String topic, String adminUrl) {
        return new PulsarOffsetStore.Settings(pulsar.serviceUrl(), topic, adminUrl, "", null, Duration.ofSeconds(30),
                1024 * 1024);
    }

    /** A store on {@code topic} whose publishes fail as {@link #failingPublish} says. */
    private PulsarOffsetStore open(String topic) {
        PulsarOffsetStore store = PulsarOffsetStore.open(settings(topic, ""), codec, key -> {
            if (failingPublish.get() > 0 && failingPublish.decrementAndGet() == 0) {
                throw new PulsarClientException("connection to the broker lost (injected)");
            }
        });
        last = store;
        return store;
    }

    /** A store that the test closes itself, or that is closed after the test. */
    private PulsarOffsetStore openExtra(String topic) {
        PulsarOffsetStore store = open(topic);
        opened.add(store);
        return store;
    }

    @Override
    protected OffsetStore openFresh() {
        topic = newTopic();
        return open(topic);
    }

    @Override
    protected OffsetStore reopen() {
        return open(topic);
    }

    @Override
    protected void failDuringNextChange(OffsetStore store) {
        failingPublish.set(1);
    }

    @Override
    protected void damageStoredData(Damage damage) {
        byte[] whole = codec.encodeState(Map.of(CONNECTOR, batch(3, 1)));
        byte[] damaged = switch (damage) {
            case TRUNCATED -> Arrays.copyOf(whole, whole.length / 2);
            case NEWER_VERSION -> ("{\"version\":" + FUTURE_VERSION + ",\"stores\":[{\"kind\":\"future\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
        };
        publishRaw(topic, PulsarOffsetStore.offsetsKey(last.storeId(), CONNECTOR), damaged);
    }

    @Override
    protected boolean skipsDamagedRecords() {
        return true;
    }

    @Test
    void garbageFromAPlainProducerIsSkippedAndNeitherBreaksOtherConnectorsNorFencesTheOwner() {
        String shared = newTopic();
        PulsarOffsetStore owner = openExtra(shared);
        owner.write(CONNECTOR, batch(3, 1));
        owner.write(OTHER_CONNECTOR, batch(2, 1));
        // Reads once, so that this store has decoded the good records before garbage replaces them in the view.
        PulsarOffsetStore reader = openExtra(shared);
        assertThat(reader.readAll(CONNECTOR)).isEqualTo(batch(3, 1));
        assertThat(reader.readAll(OTHER_CONNECTOR)).isEqualTo(batch(2, 1));

        byte[] notJson = "\u0000\u0001 not json, token=s3cr3t".getBytes(StandardCharsets.UTF_8);
        publishRaw(shared, "owner/" + CONNECTOR, notJson);
        publishRaw(shared, PulsarOffsetStore.offsetsKey(owner.storeId(), OTHER_CONNECTOR), new byte[] {'{'});
        publishRaw(shared, "owner/someone-else", "[]".getBytes(StandardCharsets.UTF_8));
        publishRaw(shared, "unrelated-key", notJson);

        // The owner is not fenced by an owner record that does not decode: it keeps committing.
        owner.write(CONNECTOR, batch(3, 2));
        assertThat(owner.readAll(CONNECTOR)).isEqualTo(batch(3, 2));
        // A store that decoded the good records before keeps to them, and sees the owner's new commit.
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(reader.readAll(CONNECTOR)).isEqualTo(batch(3, 2)));
        assertThat(reader.readAll(OTHER_CONNECTOR)).isEqualTo(batch(2, 1));
        assertThat(reader.connectors()).containsExactlyInAnyOrder(CONNECTOR, OTHER_CONNECTOR);

        // A store that opens after the garbage has no earlier record to keep to: it reads and lists around it.
        try (PulsarOffsetStore fresh = open(shared)) {
            assertThat(fresh.readAll(CONNECTOR)).isEmpty();
            assertThat(fresh.readAll(OTHER_CONNECTOR)).isEmpty();
            assertThat(fresh.connectors()).containsExactly(OTHER_CONNECTOR);

            owner.write(OTHER_CONNECTOR, batch(2, 2));
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(fresh.readAll(OTHER_CONNECTOR)).isEqualTo(batch(2, 2)));
        }
        owner.write(CONNECTOR, batch(3, 3));
        assertThat(owner.readAll(CONNECTOR)).isEqualTo(batch(3, 3));
    }

    private static void publishRaw(String topic, String key, byte[] value) {
        try (Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(topic).create()) {
            producer.newMessage().key(key).value(value).send();
        } catch (PulsarClientException e) {
            throw new AssertionError("could not publish to " + topic, e);
        }
    }

    @Test
    void writersOfTwoScopesBothLandAndOnlyASecondWriterOfTheSameScopeFencesTheFirst() {
        String shared = newTopic();
        PulsarOffsetStore first = openExtra(shared);
        ScopedOffsetWriter a = first.openWriter(CONNECTOR, "task-0");
        PulsarOffsetStore second = openExtra(shared);
        ScopedOffsetWriter b = second.openWriter(CONNECTOR, "task-1");
        a.write(Map.of(shard(0), position(1)));
        b.write(Map.of(shard(1), position(1)));
        // Different scopes fence no one: both keep writing.
        a.write(Map.of(shard(0), position(2)));

        // Another process claims task-0: the old writer's next write fails, and no reader ever sees it.
        PulsarOffsetStore successor = openExtra(shared);
        ScopedOffsetWriter a2 = successor.openWriter(CONNECTOR, "task-0");
        assertThat(successor.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(2), shard(1), position(1)));
        assertThatThrownBy(() -> a.write(Map.of(shard(0), position(99))))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("scope 'task-0' of connector '" + CONNECTOR + "'")
                .hasMessageContaining("fenced (replaced)");
        assertThatThrownBy(() -> a.remove(List.of(shard(0)))).hasMessageContaining("fenced");
        b.write(Map.of(shard(1), position(2)));
        a2.write(Map.of(shard(0), position(3)));

        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(3), shard(1), position(2)));
            assertThat(reader.read(CONNECTOR, List.of(shard(1), shard(7)))).isEqualTo(Map.of(shard(1), position(2)));
            assertThat(reader.connectors()).containsExactly(CONNECTOR);
        }
        assertThat(first.fencesScopes()).isTrue();
        assertThatThrownBy(() -> first.openWriter(CONNECTOR, "*")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope: '*' is reserved");
    }

    @Test
    void aPartitionMovedToAnotherScopeIsReadFromItsLaterWriteAlsoAfterCompaction() throws Exception {
        String shared = newTopic();
        // Connector-wide offsets from before scopes (standalone): the base that scoped writes override.
        try (PulsarOffsetStore standalone = open(shared)) {
            standalone.write(CONNECTOR, batch(4, 1));
        }
        PulsarOffsetStore instance0 = openExtra(shared);
        ScopedOffsetWriter a = instance0.openWriter(CONNECTOR, "0");
        a.write(Map.of(shard(0), position(5), shard(1), position(5)));
        a.close();

        // Rescaled: shard 1 moved to scope 1; scope 0 is claimed again and keeps listing shard 1's old offset.
        PulsarOffsetStore instance1 = openExtra(shared);
        ScopedOffsetWriter b = instance1.openWriter(CONNECTOR, "1");
        assertThat(instance1.read(CONNECTOR, List.of(shard(1)))).isEqualTo(Map.of(shard(1), position(5)));
        b.write(Map.of(shard(1), position(8)));
        ScopedOffsetWriter a2 = instance0.openWriter(CONNECTOR, "0");
        a2.write(Map.of(shard(0), position(9)));
        b.remove(List.of(shard(3)));

        Map<SourcePartition, SourceOffset> expected = Map.of(shard(0), position(9), shard(1), position(8), shard(2), position(1));
        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(expected);
        }
        instance0.close();
        instance1.close();
        publishRaw(shared, PulsarOffsetStore.scopeOwnerKey(CONNECTOR, "2"), new byte[] {'{'});
        compact(shared);
        // Scope 0's first writer's record was dropped when it was replaced: one record per scope stays.
        assertThat(readCompacted(shared)).extracting(Message::getKey)
                .filteredOn(key -> key.startsWith(PulsarOffsetStore.SCOPE_OFFSETS_PREFIX)).hasSize(2);
        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(expected);
            assertThat(reader.connectors()).containsExactly(CONNECTOR);
        }
    }

    @Test
    void garbageInScopeRecordsIsSkippedAndFencesNoOne() {
        String shared = newTopic();
        PulsarOffsetStore store = openExtra(shared);
        ScopedOffsetWriter writer = store.openWriter(CONNECTOR, "t/0");
        writer.write(batch(2, 1));
        publishRaw(shared, PulsarOffsetStore.scopeOwnerKey(CONNECTOR, "t/0"), "not json".getBytes(StandardCharsets.UTF_8));
        publishRaw(shared, PulsarOffsetStore.scopeOffsetsKey("someone", CONNECTOR, "t/1"), new byte[] {1, 2});
        publishRaw(shared, PulsarOffsetStore.SCOPE_OWNER_PREFIX + "x", "[]".getBytes(StandardCharsets.UTF_8));

        writer.write(batch(2, 2));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(2, 2)));
    }

    @Test
    void aConnectorTakenOverByAnotherStoreFencesTheOldWriter() {
        String shared = newTopic();
        PulsarOffsetStore old = openExtra(shared);
        old.write(CONNECTOR, batch(2, 1));
        old.write(OTHER_CONNECTOR, batch(1, 1));

        PulsarOffsetStore replacement = openExtra(shared);
        assertThat(replacement.readAll(CONNECTOR)).isEqualTo(batch(2, 1));
        replacement.write(CONNECTOR, Map.of(shard(1), position(2)));

        assertThat(replacement.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(1), shard(1), position(2)));
        // The old worker learns of the takeover from the topic; from then on its writes fail and say why.
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThatThrownBy(() -> old.write(CONNECTOR, batch(2, 9)))
                        .isInstanceOf(OffsetStoreException.class)
                        .hasMessageContaining("the offsets of connector '" + CONNECTOR + "' in topic " + shared
                                + " were taken over by offset store " + replacement.storeId())
                        .hasMessageContaining("fenced"));
        assertThat(old.readAll(CONNECTOR)).isEqualTo(replacement.readAll(CONNECTOR));
        // Fencing is per connector: the old worker still owns the one it was not replaced on.
        old.write(OTHER_CONNECTOR, batch(1, 2));

        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(1), shard(1), position(2)));
            assertThat(reader.readAll(OTHER_CONNECTOR)).isEqualTo(batch(1, 2));
        }
    }

    @Test
    void aStaleWriteThatLandsAfterATakeoverChangesNothingThatReadersSee() {
        String shared = newTopic();
        PulsarOffsetStore old = openExtra(shared);
        old.write(CONNECTOR, batch(2, 1));
        PulsarOffsetStore replacement = openExtra(shared);
        replacement.write(CONNECTOR, batch(2, 2));

        // As if the old worker's commit had been in flight while it was replaced.
        publishRaw(shared, PulsarOffsetStore.offsetsKey(old.storeId(), CONNECTOR),
                codec.encodeState(Map.of(CONNECTOR, batch(5, 7))));

        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(batch(2, 2));
            assertThat(reader.connectors()).containsExactly(CONNECTOR);
        }
    }

    @Test
    void aTakeoverThatFailsBetweenItsTwoRecordsLeavesThePreviousOwnersOffsets() {
        String shared = newTopic();
        try (PulsarOffsetStore first = open(shared)) {
            first.write(CONNECTOR, batch(3, 1));
        }
        PulsarOffsetStore second = openExtra(shared);
        // The offsets under the new owner's id land; the owner record that would switch readers to them fails.
        failingPublish.set(2);

        assertThatThrownBy(() -> second.write(CONNECTOR, batch(3, 2)))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("could not write the offsets of connector '" + CONNECTOR + "' to topic " + shared)
                .hasMessageContaining("injected")
                .hasMessageContaining("the offsets committed before still hold");

        assertThat(second.readAll(CONNECTOR)).isEqualTo(batch(3, 1));
        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(batch(3, 1));
        }
        second.write(CONNECTOR, batch(3, 2));
        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(batch(3, 2));
        }
    }

    /**
     * Unloading the topic makes the broker drop every producer and reader on it, as a broker
     * restart does; the shared test broker itself cannot be restarted. The store's client must
     * reconnect both its producer and its TableView.
     */
    @Test
    void keepsWritingAndReadingAfterTheBrokerDropsItsConnections() throws Exception {
        String shared = newTopic();
        PulsarOffsetStore writer = openExtra(shared);
        PulsarOffsetStore watcher = openExtra(shared);
        writer.write(CONNECTOR, batch(2, 1));

        HttpResponse<String> unloaded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                pulsar.adminUrl() + "/admin/v2/" + PulsarTopicAdmin.topicPath(shared) + "/unload"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unloaded.statusCode()).as("unload: %s", unloaded.body()).isEqualTo(204);

        writer.write(CONNECTOR, batch(2, 2));
        assertThat(writer.readAll(CONNECTOR)).isEqualTo(batch(2, 2));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(watcher.readAll(CONNECTOR)).isEqualTo(batch(2, 2)));
        // Fencing works across the reconnection too.
        watcher.write(CONNECTOR, batch(2, 3));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThatThrownBy(() -> writer.write(CONNECTOR, batch(2, 4))).hasMessageContaining("fenced"));
        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(batch(2, 3));
        }
    }

    @Test
    void survivesABrokerRestartWithoutBeingReopened() {
        String shared = newTopic();
        PulsarOffsetStore store = openExtra(shared);
        store.write(CONNECTOR, batch(3, 1));

        pulsar.restart();

        // The first write may wait while the client reconnects; the store itself is never reopened.
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> store.write(CONNECTOR, batch(3, 2)));
        assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(3, 2));
        try (PulsarOffsetStore reader = open(shared)) {
            assertThat(reader.readAll(CONNECTOR)).isEqualTo(batch(3, 2));
        }
    }

    @Test
    void writesTheDocumentedRecordsAndATombstoneOnceAConnectorHasNoOffsets() throws Exception {
        String shared = newTopic();
        String id;
        try (PulsarOffsetStore store = open(shared)) {
            id = store.storeId();
            store.write(CONNECTOR, Map.of(shard(0), position(1)));
            store.write(CONNECTOR, Map.of(shard(1), position(2)));
            store.remove(CONNECTOR, List.of(shard(0), shard(1)));
        }

        List<Message<byte[]>> records = readTopic(shared);

        assertThat(records).extracting(Message::getKey).containsExactly(
                "offsets/" + id + "/" + CONNECTOR, "owner/" + CONNECTOR,
                "offsets/" + id + "/" + CONNECTOR, "offsets/" + id + "/" + CONNECTOR);
        assertThat(codec.decodeState(records.get(0).getValue(), "first record"))
                .isEqualTo(Map.of(CONNECTOR, Map.of(shard(0), position(1))));
        assertThat(new String(records.get(1).getValue(), StandardCharsets.UTF_8))
                .startsWith("{\"version\":1,\"owner\":\"" + id + "\",\"host\":");
        assertThat(codec.decodeState(records.get(2).getValue(), "third record"))
                .isEqualTo(Map.of(CONNECTOR, Map.of(shard(0), position(1), shard(1), position(2))));
        assertThat(records.get(3).getValue()).as("a tombstone").isNull();
    }

    @Test
    void offsetsSurviveCompactionAndCompactionDropsWhatWasSuperseded() throws Exception {
        String shared = newTopic();
        String storeId;
        try (PulsarOffsetStore store = open(shared)) {
            storeId = store.storeId();
            for (long b = 1; b <= 20; b++) {
                store.write(CONNECTOR, batch(50, b));
            }
            store.write(OTHER_CONNECTOR, batch(1, 1));
            store.remove(OTHER_CONNECTOR, List.of(shard(0)));
        }

        compact(shared);

        // The owner record of a connector whose offsets are gone stays, so that its fencing holds.
        assertThat(readCompacted(shared)).extracting(Message::getKey).containsExactlyInAnyOrder(
                "owner/" + CONNECTOR, "offsets/" + storeId + "/" + CONNECTOR, "owner/" + OTHER_CONNECTOR);
        try (PulsarOffsetStore store = open(shared)) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(50, 20));
            assertThat(store.connectors()).containsExactly(CONNECTOR);
        }
    }

    @Test
    void createsAMissingTopicWithCompactionThroughTheAdminApi() throws Exception {
        String created = newTopic();
        String path = pulsar.adminUrl() + "/admin/v2/" + PulsarTopicAdmin.topicPath(created);

        try (PulsarOffsetStore store = PulsarOffsetStore.open(settings(created, pulsar.adminUrl()), codec)) {
            store.write(CONNECTOR, batch(1, 1));
        }
        // An existing topic is left as it is.
        try (PulsarOffsetStore store = PulsarOffsetStore.open(settings(created, pulsar.adminUrl()), codec)) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(1, 1));
        }

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(get(path + "/compactionThreshold")).isEqualTo("1048576"));
        assertThat(get(path + "/subscriptions")).contains("__compaction");
    }

    @Test
    void anOwnerRecordOfANewerVersionIsRefusedWithTheFix() {
        String shared = newTopic();
        publishRaw(shared, "owner/" + CONNECTOR, "{\"version\":9,\"owner\":\"x\"}".getBytes(StandardCharsets.UTF_8));

        try (PulsarOffsetStore store = open(shared)) {
            assertThatThrownBy(() -> store.readAll(CONNECTOR))
                    .isInstanceOf(OffsetStoreException.class)
                    .hasMessage("offset record 'owner/" + CONNECTOR + "' in topic " + shared
                            + " has format version 9, newer than this Tributary understands (1); upgrade Tributary");
        }
    }

    @Test
    void anUnreachableBrokerGivesAClearErrorWithoutTheAuthParameters() {
        int port = FreePorts.allocate(1).get(0);
        PulsarOffsetStore.Settings unreachable = new PulsarOffsetStore.Settings("pulsar://127.0.0.1:" + port,
                newTopic(), "", "org.apache.pulsar.client.impl.auth.AuthenticationToken",
                new Password("token:very-secret-token"), Duration.ofSeconds(2), 0);

        assertThatThrownBy(() -> PulsarOffsetStore.open(unreachable, codec))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageStartingWith("could not open offset topic " + unreachable.topic() + " on pulsar://127.0.0.1:"
                        + port + " (")
                .hasMessageEndingWith("check offset.pulsar.service.url, offset.pulsar.auth.plugin and"
                        + " offset.pulsar.auth.params, and that the broker is up")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("very-secret-token");
                    }
                });
        assertThat(unreachable.toString()).doesNotContain("very-secret-token");
    }

    @Test
    void theProviderSaysWhichKeyToSetWhenNoWorkerGaveItAServiceUrl() {
        PulsarOffsetStoreProvider provider = new PulsarOffsetStoreProvider();

        // A worker fills service.url in from its own pulsar.service.url, so the schema lets it be empty.
        assertThat(provider.configSchema().validate(Map.of()).errorLines()).isEmpty();
        assertThatThrownBy(() -> provider.open(Map.of(), Path.of("unused"))).isInstanceOf(ConfigException.class)
                .hasMessage("service.url: is required; set it to the Pulsar cluster that keeps the offsets, such as"
                        + " pulsar://127.0.0.1:6650");
        assertThat(provider.configSchema().validate(Map.of("service.url", pulsar.serviceUrl(), "topik", "x"))
                .errorLines()).containsExactly("topik: is not a known key; did you mean topic?");
        assertThat(provider.configSchema().field("auth.params")).hasValueSatisfying(f ->
                assertThat(f.sensitive()).isTrue());

        String shared = newTopic();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("service.url", pulsar.serviceUrl());
        config.put("topic", shared);
        try (OffsetStore store = provider.open(config, Path.of("unused"))) {
            store.write(CONNECTOR, batch(2, 3));
            assertThat(((PulsarOffsetStore) store).topic()).isEqualTo(shared);
        }
        try (OffsetStore store = provider.open(config, Path.of("unused"))) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(2, 3));
        }
    }

    private static List<Message<byte[]>> readTopic(String topic) throws IOException {
        return read(topic, false);
    }

    private static List<Message<byte[]>> readCompacted(String topic) throws IOException {
        return read(topic, true);
    }

    private static List<Message<byte[]>> read(String topic, boolean compacted) throws IOException {
        List<Message<byte[]>> records = new ArrayList<>();
        try (Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(topic).startMessageId(MessageId.earliest)
                .readCompacted(compacted).create()) {
            while (reader.hasMessageAvailable()) {
                records.add(reader.readNext());
            }
        }
        return records;
    }

    /** Runs compaction on {@code topic} and waits until it has finished. */
    private static void compact(String topic) throws Exception {
        String path = pulsar.adminUrl() + "/admin/v2/" + PulsarTopicAdmin.topicPath(topic) + "/compaction";
        HttpResponse<String> started = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(path))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as("compaction of %s: %s", topic, started.body()).isEqualTo(204);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get(path)).contains("SUCCESS"));
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }
}
