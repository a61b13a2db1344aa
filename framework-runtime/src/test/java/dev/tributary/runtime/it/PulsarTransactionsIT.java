package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.api.offset.StagedOffsetWrite;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.sink.BrokerTransactions;
import dev.tributary.runtime.sink.ProducerSettings;
import dev.tributary.runtime.sink.PulsarRecordWriter;
import dev.tributary.runtime.worker.ChosenOffsetStore;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.ProducerBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.interceptor.ProducerInterceptor;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's behaviour that exactly-once delivery (issue #15) is to be built on, proved on a
 * real standalone with {@code transactionCoordinatorEnabled=true}: what a transactional producer
 * needs, what readers see of aborted and of still-open transactions, that an open transaction
 * aborts on its timeout, that a fenced producer's transaction cannot commit, the start-up
 * error on a broker without transactions, and how the pulsar offset store's staged writes and
 * claims behave with transactions.
 */
class PulsarTransactionsIT {
    private static final Duration NOTHING_MORE = Duration.ofSeconds(3);
    private static PulsarStandalone pulsar;
    private static PulsarClient client;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        pulsar = PulsarStandalone.withTransactions();
        client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).enableTransaction(true).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
    }

    /**
     * pulsar-client 4.0.8 takes a transactional send on a producer with a send timeout too (a
     * claim that it needs 0 did not hold on this broker); a send that times out fails its
     * transaction's commit, so either is safe.
     */
    @Test
    void aTransactionalSendIsTakenWithOrWithoutASendTimeout() throws Exception {
        String topic = topic("send-timeout");
        Transaction txn = newTransaction(Duration.ofMinutes(1));
        try (Producer<String> timed = client.newProducer(Schema.STRING).topic(topic)
                .sendTimeout(30, TimeUnit.SECONDS).create();
                Producer<String> untimed = client.newProducer(Schema.STRING).topic(topic)
                        .sendTimeout(0, TimeUnit.SECONDS).create()) {
            timed.newMessage(txn).value("timed").send();
            untimed.newMessage(txn).value("untimed").send();
            assertThat(readAll(topic)).as("nothing before the commit").isEmpty();
            txn.commit().get();
        }

        assertThat(readAll(topic)).containsExactly("timed", "untimed");
    }

    @Test
    void anAbortedTransactionsRecordsNeverReachAReaderOrAConsumer() throws Exception {
        String topic = topic("aborted");
        try (Producer<String> producer = transactionalProducer(topic)) {
            Transaction aborted = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(aborted).value("aborted-1").send();
            producer.newMessage(aborted).value("aborted-2").send();
            aborted.abort().get();
            Transaction committed = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(committed).value("committed").send();
            committed.commit().get();
            producer.newMessage().value("plain").send();
        }

        assertThat(readAll(topic)).containsExactly("committed", "plain");
        try (var consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("checker")
                .subscriptionInitialPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest)
                .subscribe()) {
            List<String> received = new ArrayList<>();
            for (Message<String> m = consumer.receive(5, TimeUnit.SECONDS); m != null;
                    m = consumer.receive((int) NOTHING_MORE.toSeconds(), TimeUnit.SECONDS)) {
                received.add(m.getValue());
                consumer.acknowledge(m);
            }
            assertThat(received).containsExactly("committed", "plain");
        }
    }

    /**
     * The transaction buffer's max read position: a reader gets nothing past the first message of
     * a transaction still open, not even later messages outside it, until the transaction ends.
     * A successor task that reads the offsets topic to a marker it wrote therefore waits for any
     * older transaction that already wrote offsets there.
     */
    @Test
    void aReaderStopsAtAnOpenTransactionUntilItCommits() throws Exception {
        String topic = topic("open");
        try (Producer<String> producer = transactionalProducer(topic);
                Reader<String> reader = client.newReader(Schema.STRING).topic(topic)
                        .startMessageId(MessageId.earliest).create()) {
            producer.newMessage().value("before").send();
            Transaction open = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(open).value("in-transaction").send();
            producer.newMessage().value("after").send();

            Message<String> first = reader.readNext(10, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.getValue()).isEqualTo("before");
            assertThat(reader.readNext((int) NOTHING_MORE.toSeconds(), TimeUnit.SECONDS))
                    .as("nothing past the open transaction's first message").isNull();

            open.commit().get();
            List<String> rest = new ArrayList<>();
            for (Message<String> m = reader.readNext(10, TimeUnit.SECONDS); m != null;
                    m = reader.readNext((int) NOTHING_MORE.toSeconds(), TimeUnit.SECONDS)) {
                rest.add(m.getValue());
            }
            assertThat(rest).containsExactly("in-transaction", "after");
        }
    }

    @Test
    void anOpenTransactionAbortsOnItsTimeoutAndCanNoLongerCommit() throws Exception {
        String topic = topic("timeout");
        Transaction forgotten = newTransaction(Duration.ofSeconds(3));
        try (Producer<String> producer = transactionalProducer(topic)) {
            producer.newMessage(forgotten).value("never").send();
            producer.newMessage().value("plain").send();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(readAll(topic)).containsExactly("plain"));
        assertThatThrownBy(() -> forgotten.commit().get(30, TimeUnit.SECONDS)).isNotNull();
        assertThat(readAll(topic)).containsExactly("plain");
    }

    /**
     * The offset store reads its topic through a TableView. Its refresh returns while a
     * transaction on the topic is still open, without that transaction's keys (so a successor
     * cannot rely on refresh alone to wait for an older transaction: it needs the marker read
     * above); the keys appear once the transaction commits, and never when it aborts.
     */
    @Test
    void aTableViewShowsATransactionsKeysOnlyOnceCommitted() throws Exception {
        String topic = topic("table");
        try (Producer<String> producer = transactionalProducer(topic);
                var view = client.newTableView(Schema.STRING).topic(topic).create()) {
            producer.newMessage().key("plain").value("1").send();
            Transaction committed = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(committed).key("offsets").value("committed").send();
            Transaction aborted = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(aborted).key("offsets").value("aborted").send();

            view.refreshAsync().get(30, TimeUnit.SECONDS);
            assertThat(view.get("plain")).isEqualTo("1");
            assertThat(view.get("offsets")).as("an open transaction's key").isNull();

            committed.commit().get(30, TimeUnit.SECONDS);
            aborted.abort().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                view.refreshAsync().get(30, TimeUnit.SECONDS);
                assertThat(view.get("offsets")).isEqualTo("committed");
            });
            producer.newMessage().key("last").value("2").send();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                view.refreshAsync().get(30, TimeUnit.SECONDS);
                assertThat(view.get("last")).isEqualTo("2");
            });
            assertThat(view.get("offsets")).as("the aborted value never shows").isEqualTo("committed");
        }
    }

    /**
     * Zombie fencing without transactional ids: each task scope holds an exclusive-with-fencing
     * producer on a fence topic and sends to it in its transaction just before the commit. Once a
     * successor opened its own producer there, the zombie's send fails, and its transaction cannot
     * commit: its records never reach a reader.
     */
    @Test
    void aFencedProducersTransactionCannotCommit() throws Exception {
        String data = topic("fenced-data");
        String fence = topic("fence");
        try (Producer<String> records = transactionalProducer(data);
                Producer<String> zombieFence = fencingProducer(fence)) {
            Transaction zombie = newTransaction(Duration.ofMinutes(1));
            records.newMessage(zombie).value("zombie").send();

            try (Producer<String> successorFence = fencingProducer(fence)) {
                assertThatThrownBy(() -> zombieFence.newMessage(zombie).value("zombie-commit").send())
                        .isNotNull();
                assertThatThrownBy(() -> zombie.commit().get(30, TimeUnit.SECONDS)).isNotNull();

                Transaction successor = newTransaction(Duration.ofMinutes(1));
                records.newMessage(successor).value("successor").send();
                successorFence.newMessage(successor).value("successor-commit").send();
                successor.commit().get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(readAll(data)).containsExactly("successor");
    }

    @Test
    void aBrokerWithoutTransactionsGivesAStartUpErrorNamingTheSetting() throws Exception {
        PulsarStandalone plain = PulsarStandalone.get();

        assertThatThrownBy(() -> BrokerTransactions.connect(PulsarClient.builder().serviceUrl(plain.serviceUrl()),
                plain.serviceUrl(), Duration.ofSeconds(30)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("exactly.once.source.support: is enabled, but the broker at " + plain.serviceUrl()
                        + " gives no transaction (no transaction coordinator); set transactionCoordinatorEnabled=true"
                        + " in the broker's broker.conf (standalone.conf for a standalone) and initialize the"
                        + " transaction coordinator metadata (bin/pulsar initialize-transaction-coordinator-metadata),"
                        + " or set exactly.once.source.support=disabled");
        try (PulsarClient withCoordinator = BrokerTransactions.connect(
                PulsarClient.builder().serviceUrl(pulsar.serviceUrl()), pulsar.serviceUrl(), Duration.ofSeconds(30))) {
            assertThat(withCoordinator.newTransaction().build().get(30, TimeUnit.SECONDS)).isNotNull();
        }
    }

    /**
     * The pulsar offset store's part: a staged write sent in a transaction counts only once the
     * transaction commits (never when it aborts), and a new writer's claim of the scope, in another
     * store as on another worker, waits for a transaction still open on the topic, then carries over
     * what it committed.
     */
    @Test
    void theOffsetStoresStagedWritesCountOnceCommittedAndAClaimWaitsForAnOpenTransaction() throws Exception {
        SourcePartition shard = SourcePartition.of("shard", "0");
        WorkerConfig config = WorkerConfig.fromMap(Map.of("pulsar.service.url", pulsar.serviceUrl(),
                "offset.store", "pulsar", "offset.pulsar.topic", topic("store"), "listeners", "http://127.0.0.1:0",
                "data.dir", dataDir.toString()));
        PluginRegistry plugins = PluginRegistry.discover(List.of());
        try (OffsetStore first = ChosenOffsetStore.of(config, plugins).open();
                OffsetStore second = ChosenOffsetStore.of(config, plugins).open();
                Producer<byte[]> producer = client.newProducer().topic(first.transactionalTopic().orElseThrow())
                        .enableBatching(false).create()) {
            ScopedOffsetWriter old = first.openWriter("c", "task-0");
            StagedOffsetWrite committed = old.stage(Map.of(shard, SourceOffset.of("seq", 1L)));
            Transaction one = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(one).key(committed.key()).value(committed.value()).send();
            one.commit().get(30, TimeUnit.SECONDS);
            committed.committed();
            StagedOffsetWrite aborted = old.stage(Map.of(shard, SourceOffset.of("seq", 2L)));
            Transaction two = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(two).key(aborted.key()).value(aborted.value()).send();
            two.abort().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(second.read("c", List.of(shard)))
                    .containsExactly(Map.entry(shard, SourceOffset.of("seq", 1L))));

            StagedOffsetWrite open = old.stage(Map.of(shard, SourceOffset.of("seq", 3L)));
            Transaction three = newTransaction(Duration.ofMinutes(1));
            producer.newMessage(three).key(open.key()).value(open.value()).send();
            CompletableFuture<ScopedOffsetWriter> successor = CompletableFuture.supplyAsync(
                    () -> second.openWriter("c", "task-0"));
            Thread.sleep(NOTHING_MORE.toMillis());
            assertThat(successor).as("the claim waits for the open transaction").isNotDone();

            three.commit().get(30, TimeUnit.SECONDS);
            open.committed();
            successor.get(60, TimeUnit.SECONDS).close();
            assertThat(second.read("c", List.of(shard))).as("the claim carried over the last commit")
                    .containsExactly(Map.entry(shard, SourceOffset.of("seq", 3L)));
        }
    }

    /**
     * pulsar-client 4.0 registers a topic (each partition on its own) with a transaction on the
     * transaction's first send there, and runs that send on the I/O thread that gets the
     * coordinator's answer. A second send made while the first is still on its way there runs at
     * once on the caller's thread and can overtake it (seen once in a group run: one task's
     * records 22 and 23 arrived as 23, 22). The task's writer registers the topic's partitions
     * before it sends into a transaction. Here an interceptor holds each key's first record of a
     * transaction (up to half a second) until the test has sent the key's second: without the
     * registration, the second goes first every time.
     */
    @Test
    void theWritersSecondRecordOfATransactionCannotOvertakeItsFirst() throws Exception {
        assertTransactionsKeepEachKeysOrder(topic("order"), List.of("a"));
    }

    /** As above, on a partitioned topic, with keys on both partitions: each partition registers on its own. */
    @Test
    void theWritersRecordsKeepEachKeysOrderOnAPartitionedTopic() throws Exception {
        String topic = topic("order-partitioned");
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pulsar.adminUrl() + "/admin/v2/" + topic.replace("://", "/") + "/partitions"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("2")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(204);
        // The client's default router puts a key on partition (key.hashCode() & MAX_VALUE) % 2: "a" on 1, "b" on 0.
        assertTransactionsKeepEachKeysOrder(topic, List.of("a", "b"));
    }

    /**
     * Sends, in each of 3 transactions, for each key its first record and then its second, while
     * an interceptor holds each first record until its second was sent; reads the topic back.
     */
    private static void assertTransactionsKeepEachKeysOrder(String topic, List<String> keys) throws Exception {
        Map<String, CountDownLatch> arrived = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicReference<CountDownLatch> release = new AtomicReference<>();
        ProducerInterceptor holdFirst = new ProducerInterceptor() {
            @Override
            public boolean eligible(Message message) {
                return true;
            }

            @Override
            public Message beforeSend(Producer producer, Message message) {
                String value = new String(message.getData(), StandardCharsets.UTF_8);
                if (value.endsWith("-first")) {
                    arrived.computeIfAbsent(value, v -> new CountDownLatch(1)).countDown();
                    try {
                        release.get().await(500, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return message;
            }

            @Override
            public void onSendAcknowledgement(Producer producer, Message message, MessageId id, Throwable error) {
            }

            @Override
            public void close() {
            }
        };
        AtomicReference<Transaction> open = new AtomicReference<>();
        ProducerSettings settings = new ProducerSettings(true, Duration.ofMillis(1), 1000, 128 * 1024, "NONE", 1000,
                Duration.ofSeconds(30), false);
        PulsarRecordWriter writer = new PulsarRecordWriter(intercepting(client, holdFirst), settings, topic, "order",
                open::get, Duration.ofSeconds(30));
        Map<String, List<String>> sentByKey = new java.util.TreeMap<>();
        try {
            for (int t = 0; t < 3; t++) {
                release.set(new CountDownLatch(1));
                open.set(newTransaction(Duration.ofMinutes(1)));
                List<CompletableFuture<MessageId>> sent = new ArrayList<>();
                for (String key : keys) {
                    for (String which : List.of("first", "second", "third")) {
                        String value = t + "-" + key + "-" + which;
                        sent.add(writer.send(new SourceRecord(SourcePartition.of("p", "0"), SourceOffset.of("seq", 0L),
                                null, key, value.getBytes(StandardCharsets.UTF_8), Map.of(), null)));
                        sentByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                        if (which.equals("first")) {
                            assertThat(arrived.computeIfAbsent(value, v -> new CountDownLatch(1))
                                    .await(30, TimeUnit.SECONDS)).isTrue();
                        }
                    }
                }
                release.get().countDown();
                writer.flush();
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                open.get().commit().get(30, TimeUnit.SECONDS);
            }
        } finally {
            writer.close();
        }

        Map<String, List<String>> readByKey = new java.util.TreeMap<>();
        try (Consumer<byte[]> consumer = client.newConsumer(Schema.BYTES).topic(topic).subscriptionName("check")
                .subscriptionInitialPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest)
                .subscribe()) {
            for (Message<byte[]> m = consumer.receive(5, TimeUnit.SECONDS); m != null;
                    m = consumer.receive((int) NOTHING_MORE.toSeconds(), TimeUnit.SECONDS)) {
                readByKey.computeIfAbsent(m.getKey(), k -> new ArrayList<>())
                        .add(new String(m.getValue(), StandardCharsets.UTF_8));
                consumer.acknowledge(m);
            }
        }
        assertThat(readByKey).as("every record once, each key's in the order sent").isEqualTo(sentByKey);
    }

    /** {@code client}, whose producers all carry {@code interceptor}. */
    private static PulsarClient intercepting(PulsarClient client, ProducerInterceptor interceptor) {
        return (PulsarClient) Proxy.newProxyInstance(PulsarClient.class.getClassLoader(),
                new Class<?>[] {PulsarClient.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("newProducer") && result instanceof ProducerBuilder<?> builder) {
                        builder.intercept(interceptor);
                    }
                    return result;
                });
    }

    private static Transaction newTransaction(Duration timeout) throws Exception {
        return client.newTransaction().withTransactionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build()
                .get(30, TimeUnit.SECONDS);
    }

    private static Producer<String> transactionalProducer(String topic) throws Exception {
        return client.newProducer(Schema.STRING).topic(topic).sendTimeout(0, TimeUnit.SECONDS).create();
    }

    private static Producer<String> fencingProducer(String topic) throws Exception {
        return client.newProducer(Schema.STRING).topic(topic).sendTimeout(0, TimeUnit.SECONDS)
                .accessMode(ProducerAccessMode.ExclusiveWithFencing).create();
    }

    /** Everything a reader gets from the topic's start until it has been quiet for a while. */
    private static List<String> readAll(String topic) throws Exception {
        List<String> values = new ArrayList<>();
        try (Reader<String> reader = client.newReader(Schema.STRING).topic(topic)
                .startMessageId(MessageId.earliest).create()) {
            for (Message<String> m = reader.readNext((int) NOTHING_MORE.toSeconds(), TimeUnit.SECONDS); m != null;
                    m = reader.readNext((int) NOTHING_MORE.toSeconds(), TimeUnit.SECONDS)) {
                values.add(m.getValue());
            }
        }
        return values;
    }

    private static String topic(String name) {
        return "persistent://public/default/eos-" + name + "-" + UUID.randomUUID();
    }
}
