package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Password;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.api.offset.StagedOffsetWrite;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TableView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every connector's offsets in one compacted Pulsar topic, read through a {@link TableView}
 * and shared by every worker that names the same topic.
 *
 * <p>Records, all keyed, so that compaction keeps the latest of each key:
 * <ul>
 *   <li>{@code owner/<connector>}: who writes the connector's offsets now, as
 *       {@code {"version":1,"owner":"<store id>","host":...,"claimedAt":...}} (see {@link OwnerRecord});</li>
 *   <li>{@code offsets/<store id>/<connector>}: the connector's whole offset map as its owner last
 *       committed it, an {@link OffsetCodec} state document that names that connector alone; a
 *       record with a null value (a tombstone) once it has no offsets.</li>
 * </ul>
 * A connector's committed offsets are those of the {@code offsets/} record of its current owner.
 *
 * <p>Scopes ({@link #openWriter}): each scope of a connector has records of its own, claimed and
 * fenced like a connector, but by each writer (not each store):
 * <ul>
 *   <li>{@code scope-owner/<scope>/<connector>}: the writer that owns the scope now, an
 *       {@link OwnerRecord} naming the writer's id ({@code <scope>} is URL-encoded, so it holds no
 *       {@code /});</li>
 *   <li>{@code scope-offsets/<writer id>/<scope>/<connector>}: the scope's offsets as that writer
 *       last committed them, a {@link ScopeState}: per partition an offset, or a removal mark,
 *       with a sequence number; written directly, or inside the caller's Pulsar transaction
 *       ({@link ScopedOffsetWriter#stage}, for exactly-once delivery);</li>
 *   <li>{@code scope-claim/<scope>/<connector>}: the id of the writer claiming the scope now, a
 *       mark that the claim reads back before it reads the scope's offsets, so that it waits for
 *       every transaction still open on the topic (see {@code awaitOwnClaimMark}).</li>
 * </ul>
 * Opening a writer writes its claim mark and reads the topic until the mark shows, carries the
 * scope's offsets over from its previous owner under the new writer's id, then writes the owner record, then a tombstone for
 * the previous owner's record, which compaction then drops. Readers follow the
 * owner record, so an older writer's later records are never read. Each write of an older writer
 * reads the topic to its end after its record was acknowledged; when the owner record names
 * another writer then, the write fails saying the writer was fenced.
 *
 * <p>Merge, and what "later" means: a connector's offsets are the connector-wide offsets (the
 * scope {@value OffsetStore#CONNECTOR_WIDE_SCOPE}, in their old records), overlaid with each
 * partition's entry of the highest sequence number among the scopes' current records; a removal
 * mark that wins hides the partition. A write's sequence number is one more than the highest
 * this store has read for the connector, and a writer's claim reads the topic to its end first,
 * so every write of a scope is later than every record that was in the topic when its writer
 * claimed it: when a partition moves from scope A to scope B after A's task stopped, B's writes
 * win over A's older records, even though A's record still lists the partition. The numbers are
 * in the records, so every reader merges alike, also after compaction. Equal numbers (two scopes
 * writing one partition at once, without having read each other) are broken by the scope name,
 * the greater winning. A removal mark stays in the scope's record, carried over by each new
 * writer of the scope, until the scope writes the partition again.
 *
 * <p>Cost: each scoped write also reads the topic to its end (one more round trip to the broker),
 * and reads and writes scan the TableView's keys for the connector's scopes.
 *
 * <p>Atomicity: one commit is one message, which the broker stores whole or not at all, so a
 * reader (this store, another worker, or the TableView after a crash) sees a batch entirely or
 * not at all. The topic is not transactional, so a batch cannot be spread over one message per
 * partition: compaction keeps only the latest value of each key, and a crash part-way through
 * such a batch would have replaced some partitions' committed offsets with uncommitted ones.
 *
 * <p>Fencing, per connector: a store claims a connector on its first write to it, by writing
 * the connector's offsets under its own store id and then the {@code owner/} record that names
 * it. The claim that comes last in the topic wins. A stale writer (an old worker that has not
 * noticed it was replaced) can only ever write under its own id, which readers ignore once
 * another store owns the connector, so it can never overwrite the new owner's offsets. When this
 * store reads a later claim by another store, its own writes to that connector fail with a
 * message that says so. A claim starts from the previous owner's last offsets; a write that the
 * previous owner made between that read and the claim is dropped, which repeats records but
 * never loses one, since every committed offset is of records that Pulsar has acknowledged.
 *
 * <p>Threads: thread-safe. Writes to one connector are serialized; writes to different
 * connectors run concurrently over one producer. Reads of a connector this store owns come from
 * its own last acknowledged commit, so a write is visible to the next read at once; other
 * connectors are read from the TableView.
 *
 * <p>Errors: {@link OffsetStoreException}, naming the topic, the connector and the fix. A write
 * that fails leaves this store's view as it was. A write that timed out may still have landed;
 * it holds acknowledged records' offsets only, so that is as if it had succeeded. The Pulsar
 * client reconnects by itself after a broker restart; writes made meanwhile wait for it up to
 * {@code operation.timeout}.
 */
public final class PulsarOffsetStore implements OffsetStore {
    private static final Logger LOG = LoggerFactory.getLogger(PulsarOffsetStore.class);
    static final String OWNER_PREFIX = "owner/";
    static final String OFFSETS_PREFIX = "offsets/";
    static final String SCOPE_OWNER_PREFIX = "scope-owner/";
    static final String SCOPE_OFFSETS_PREFIX = "scope-offsets/";
    static final String SCOPE_CLAIM_PREFIX = "scope-claim/";
    /** How long a claim waits for open transactions on the topic to end; above any sane transaction timeout. */
    static final Duration CLAIM_WAIT = Duration.ofMinutes(5);

    /**
     * Where and how to connect.
     *
     * @param authParams the authentication plugin's parameters; masked in {@link #toString()}
     */
    record Settings(String serviceUrl, String topic, String adminUrl, String authPlugin, Password authParams,
            Duration operationTimeout, long compactionThreshold) {
        Settings {
            requireNonNull(serviceUrl, "serviceUrl is null");
            requireNonNull(topic, "topic is null");
            requireNonNull(adminUrl, "adminUrl is null");
            requireNonNull(authPlugin, "authPlugin is null");
            authParams = authParams == null ? new Password("") : authParams;
            requireNonNull(operationTimeout, "operationTimeout is null");
        }
    }

    /** Runs before each message is sent; tests make it throw, to fail a change part-way through. */
    @FunctionalInterface
    interface PublishHook {
        void beforePublish(String key) throws PulsarClientException;
    }

    /** A connector this store has claimed, or is claiming. */
    private static final class Owned {
        /** Its offsets as last acknowledged; null while the claim is not yet acknowledged. */
        volatile ConnectorOffsets offsets;
        /** Whether the TableView has shown this store's claim, after which another claim is newer. */
        volatile boolean claimSeen;
        /** Who took the connector over, once another store has; null while this store owns it. */
        volatile String takenOverBy;
    }

    private final String storeId = UUID.randomUUID().toString();
    private final Settings settings;
    private final OffsetCodec codec;
    private final PublishHook hook;
    private final PulsarClient client;
    /** Whether {@link #close()} closes the client: false for a client the host lent the store. */
    private final boolean ownsClient;
    private final Producer<byte[]> producer;
    private final TableView<byte[]> view;
    private final ConcurrentMap<String, Owned> owned = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> connectorLocks = new ConcurrentHashMap<>();
    private final OffsetTopicDecoder decoder;
    /** Per scope owner key, the latest writer this store opened for that scope. */
    private final ConcurrentMap<String, ScopeWriter> writers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PulsarOffsetStore(Settings settings, OffsetCodec codec, PublishHook hook, PulsarClient client,
            boolean ownsClient, Producer<byte[]> producer, TableView<byte[]> view) {
        this.settings = settings;
        this.codec = codec;
        this.hook = hook;
        this.client = client;
        this.ownsClient = ownsClient;
        this.producer = producer;
        this.view = view;
        this.decoder = new OffsetTopicDecoder(settings.topic(), codec);
        view.listen(this::onRecord);
    }

    /**
     * Connects, creates the topic when {@code admin.url} is set and it is missing, and reads the
     * topic to its end.
     *
     * @throws OffsetStoreException when the broker cannot be reached or the topic cannot be read
     */
    static PulsarOffsetStore open(Settings settings, OffsetCodec codec) {
        return open(settings, codec, key -> { });
    }

    static PulsarOffsetStore open(Settings settings, OffsetCodec codec, PublishHook hook) {
        requireNonNull(settings, "settings is null");
        return open(settings, codec, hook, connect(settings), true);
    }

    /**
     * Opens the store over a client that its host owns, such as the one a Pulsar Functions
     * instance gives its source: the store never closes that client. {@code settings.serviceUrl()}
     * only names the cluster in messages.
     */
    static PulsarOffsetStore openWith(PulsarClient client, Settings settings, OffsetCodec codec) {
        requireNonNull(client, "client is null");
        return open(settings, codec, key -> { }, client, false);
    }

    private static PulsarOffsetStore open(Settings settings, OffsetCodec codec, PublishHook hook, PulsarClient client,
            boolean ownsClient) {
        requireNonNull(settings, "settings is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(hook, "hook is null");
        Producer<byte[]> producer = null;
        try {
            if (!settings.adminUrl().isBlank()) {
                new PulsarTopicAdmin(settings).createIfMissing();
            }
            long timeoutMillis = settings.operationTimeout().toMillis();
            producer = client.newProducer(Schema.BYTES)
                    .topic(settings.topic())
                    // One commit is one message, stored whole or not at all; a shared batch would gain nothing.
                    .enableBatching(false)
                    // A large connector's map is repetitive JSON, which LZ4 shrinks well below the broker's message limit.
                    .compressionType(CompressionType.LZ4)
                    .sendTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis), TimeUnit.MILLISECONDS)
                    .blockIfQueueFull(true)
                    .create();
            TableView<byte[]> view = client.newTableView(Schema.BYTES).topic(settings.topic()).create();
            return new PulsarOffsetStore(settings, codec, hook, client, ownsClient, producer, view);
        } catch (PulsarClientException e) {
            closeQuietly(producer, ownsClient ? client : null);
            throw new OffsetStoreException("could not open offset topic " + settings.topic() + " on "
                    + settings.serviceUrl() + " (" + describe(e, settings) + "); check offset.pulsar.service.url,"
                    + " offset.pulsar.auth.plugin and offset.pulsar.auth.params, and that the broker is up", e);
        } catch (RuntimeException e) {
            closeQuietly(producer, ownsClient ? client : null);
            throw e;
        }
    }

    private static PulsarClient connect(Settings settings) {
        long timeoutMillis = settings.operationTimeout().toMillis();
        try {
            ClientBuilder builder = PulsarClient.builder()
                    .serviceUrl(settings.serviceUrl())
                    .operationTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis), TimeUnit.MILLISECONDS)
                    .connectionTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis), TimeUnit.MILLISECONDS);
            if (!settings.authPlugin().isBlank()) {
                builder.authentication(settings.authPlugin(), settings.authParams().value());
            }
            return builder.build();
        } catch (PulsarClientException e) {
            throw new OffsetStoreException("could not create a Pulsar client for " + settings.serviceUrl() + " ("
                    + describe(e, settings) + "); check offset.pulsar.service.url and offset.pulsar.auth.plugin", e);
        }
    }

    /** This store's id, which names it in the records it writes. */
    String storeId() {
        return storeId;
    }

    /** The topic that holds the offsets. */
    public String topic() {
        return settings.topic();
    }

    static String ownerKey(String connector) {
        return OWNER_PREFIX + connector;
    }

    static String offsetsKey(String storeId, String connector) {
        return OFFSETS_PREFIX + storeId + "/" + connector;
    }

    static String scopeOwnerKey(String connector, String scope) {
        return SCOPE_OWNER_PREFIX + URLEncoder.encode(scope, StandardCharsets.UTF_8) + "/" + connector;
    }

    static String scopeClaimKey(String connector, String scope) {
        return SCOPE_CLAIM_PREFIX + URLEncoder.encode(scope, StandardCharsets.UTF_8) + "/" + connector;
    }

    static String scopeOffsetsKey(String writerId, String connector, String scope) {
        return SCOPE_OFFSETS_PREFIX + writerId + "/" + URLEncoder.encode(scope, StandardCharsets.UTF_8) + "/"
                + connector;
    }

    @Override
    public Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> wanted = List.copyOf(requireNonNull(partitions, "partitions is null"));
        ensureOpen();
        return merged(connector).select(wanted);
    }

    @Override
    public Map<SourcePartition, SourceOffset> readAll(String connector) {
        requireNonNull(connector, "connector is null");
        ensureOpen();
        return merged(connector).offsets();
    }

    /** This store's topic: a staged write sent there in a transaction commits with it. */
    @Override
    public Optional<String> transactionalTopic() {
        return Optional.of(settings.topic());
    }

    /** True: a writer's claim fences every earlier writer of its scope, in any process. */
    @Override
    public boolean fencesScopes() {
        return true;
    }

    @Override
    public ScopedOffsetWriter openWriter(String connector, String scope) {
        requireNonNull(connector, "connector is null");
        ScopedOffsetWriter.checkScope(scope);
        ensureOpen();
        String ownerKey = scopeOwnerKey(connector, scope);
        synchronized (connectorLocks.computeIfAbsent(ownerKey, c -> new Object())) {
            String writerId = UUID.randomUUID().toString();
            awaitOwnClaimMark(connector, scope, writerId);
            OwnerRecord previous = decoder.owner(ownerKey, view.get(ownerKey));
            ScopeState base = ScopeState.EMPTY;
            if (previous != null) {
                String key = scopeOffsetsKey(previous.owner(), connector, scope);
                base = decoder.scope(key, view.get(key));
            }
            ScopeWriter writer = new ScopeWriter(writerId, connector, scope, base);
            if (!base.entries().isEmpty()) {
                publish(connector, writer.offsetsKey, base.encode(codec));
            }
            publish(connector, ownerKey, OwnerRecord.of(writer.writerId).encode());
            if (previous != null) {
                dropReplacedRecord(connector, scopeOffsetsKey(previous.owner(), connector, scope));
            }
            ScopeWriter replaced = writers.put(ownerKey, writer);
            if (replaced != null) {
                replaced.fencedBy = "a newer writer of the same store";
            }
            LOG.info("offset store {} now writes scope '{}' of connector '{}' in {} (writer {})", storeId, scope,
                    connector, settings.topic(), writer.writerId);
            return writer;
        }
    }

    /**
     * Writes a claim mark for the scope and waits until this store's view shows it. A reader of the
     * topic gets nothing past the first message of a transaction that is still open, so once the
     * mark shows, every transaction that had written to the topic before it has ended: a previous
     * writer's last transactional commit (see {@link ScopedOffsetWriter#stage}) is then either in the
     * view or gone for good, and the claim carries over the right offsets. Without transactions on
     * the topic the mark shows after one refresh. The wait ends after {@link #CLAIM_WAIT} (the
     * broker aborts an open transaction after its timeout, so the mark shows by then), on close,
     * or when the thread is interrupted.
     */
    private void awaitOwnClaimMark(String connector, String scope, String writerId) {
        String key = scopeClaimKey(connector, scope);
        byte[] mark = writerId.getBytes(StandardCharsets.UTF_8);
        publish(connector, key, mark);
        long began = System.nanoTime();
        long nextNote = began + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            refresh(connector, "claiming scope '" + scope + "'");
            if (Arrays.equals(mark, view.get(key))) {
                return;
            }
            long now = System.nanoTime();
            if (now - began > CLAIM_WAIT.toNanos()) {
                throw new OffsetStoreException("could not claim scope '" + scope + "' of connector '" + connector
                        + "': topic " + settings.topic() + " did not show the claim within " + CLAIM_WAIT.toSeconds()
                        + " s, which happens while an open transaction holds back its readers (the broker aborts it"
                        + " after its transaction timeout); the offsets committed before still hold; try again");
            }
            if (now > nextNote) {
                LOG.info("claiming scope '{}' of connector '{}' waits for an open transaction on {} to end ({} s so far)",
                        scope, connector, settings.topic(), TimeUnit.NANOSECONDS.toSeconds(now - began));
                nextNote = now + TimeUnit.SECONDS.toNanos(10);
            }
            ensureOpen();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OffsetStoreException("claiming scope '" + scope + "' of connector '" + connector
                        + "' was interrupted; no writer was fenced", e);
            }
        }
    }

    /**
     * Tombstones the replaced writer's record, which no reader follows any more, so that compaction
     * drops it instead of keeping one record per restart of a scope. It comes after the new owner
     * record in the topic, so a reader that sees it has already switched. A failure costs only space.
     */
    private void dropReplacedRecord(String connector, String key) {
        try {
            publish(connector, key, null);
        } catch (OffsetStoreException e) {
            LOG.warn("could not drop the replaced record {} from {}; compaction keeps it until a later claim of the"
                    + " scope drops it: {}", key, settings.topic(), e.getMessage());
        }
    }

    /** The connector-wide offsets overlaid with the winning entry of each partition among its scopes. */
    private ConnectorOffsets merged(String connector) {
        Map<String, ScopeState> scopes = scopesOf(connector);
        if (scopes.isEmpty()) {
            return current(connector);
        }
        Map<SourcePartition, ScopeState.Entry> winners = new HashMap<>();
        Map<SourcePartition, String> winnerScope = new HashMap<>();
        scopes.forEach((scopeKey, state) -> state.entries().forEach((partition, entry) -> {
            ScopeState.Entry best = winners.get(partition);
            if (best == null || entry.seq() > best.seq()
                    || (entry.seq() == best.seq() && scopeKey.compareTo(winnerScope.get(partition)) > 0)) {
                winners.put(partition, entry);
                winnerScope.put(partition, scopeKey);
            }
        }));
        Map<SourcePartition, SourceOffset> result = new HashMap<>(current(connector).offsets());
        winners.forEach((partition, entry) -> {
            if (entry.offset() == null) {
                result.remove(partition);
            } else {
                result.put(partition, entry.offset());
            }
        });
        return new ConnectorOffsets(result);
    }

    /**
     * The current state of each scope of {@code connector}, by its owner key: this store's own
     * unfenced writers' last commits, and the other scopes' records of their current owners.
     */
    private Map<String, ScopeState> scopesOf(String connector) {
        Map<String, ScopeState> scopes = new HashMap<>();
        String suffix = "/" + connector;
        for (Map.Entry<String, byte[]> record : view.entrySet()) {
            String key = record.getKey();
            if (!key.startsWith(SCOPE_OWNER_PREFIX) || !key.endsWith(suffix)
                    || key.indexOf('/', SCOPE_OWNER_PREFIX.length()) != key.length() - suffix.length()) {
                continue;
            }
            OwnerRecord owner = decoder.owner(key, record.getValue());
            if (owner == null) {
                continue;
            }
            String encodedScope = key.substring(SCOPE_OWNER_PREFIX.length(), key.length() - suffix.length());
            String offsetsKey = SCOPE_OFFSETS_PREFIX + owner.owner() + "/" + encodedScope + suffix;
            scopes.put(key, decoder.scope(offsetsKey, view.get(offsetsKey)));
        }
        writers.forEach((key, writer) -> {
            if (writer.connector.equals(connector) && writer.fencedBy == null && !writer.closed) {
                scopes.put(key, writer.state);
            }
        });
        return scopes;
    }

    private void refresh(String connector, String doing) {
        try {
            view.refresh();
        } catch (PulsarClientException e) {
            throw new OffsetStoreException("could not read offset topic " + settings.topic() + " to its end while "
                    + doing + " of connector '" + connector + "' (" + describe(e, settings)
                    + "); the offsets committed before still hold; try again", e);
        }
    }

    /** A scope's writer: its claim is the owner record naming {@link #writerId}. */
    private final class ScopeWriter implements ScopedOffsetWriter {
        final String writerId;
        final String connector;
        final String scope;
        final String ownerKey;
        final String offsetsKey;
        /** The scope's offsets as last acknowledged; guarded by this for writes. */
        volatile ScopeState state;
        /** Who took the scope over, once known; null while this writer owns it. */
        volatile String fencedBy;
        volatile boolean closed;
        private long clock;

        ScopeWriter(String writerId, String connector, String scope, ScopeState state) {
            this.writerId = writerId;
            this.connector = connector;
            this.scope = scope;
            this.ownerKey = scopeOwnerKey(connector, scope);
            this.offsetsKey = scopeOffsetsKey(writerId, connector, scope);
            this.state = state;
            this.clock = state.maxSeq();
        }

        @Override
        public String connector() {
            return connector;
        }

        @Override
        public String scope() {
            return scope;
        }

        @Override
        public synchronized void write(Map<SourcePartition, SourceOffset> offsets) {
            Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(offsets, "offsets is null"));
            ensureUsable();
            if (!copy.isEmpty()) {
                commit(state.withWritten(copy, nextSeq()));
            }
        }

        @Override
        public synchronized void remove(Collection<SourcePartition> partitions) {
            List<SourcePartition> copy = List.copyOf(requireNonNull(partitions, "partitions is null"));
            ensureUsable();
            if (!copy.isEmpty()) {
                commit(state.withRemoved(copy, nextSeq()));
            }
        }

        /**
         * The next state of the scope as one message under this writer's key, for the caller's
         * transaction. Readers follow the owner record, so a transaction of this writer that
         * commits after a newer writer claimed the scope changes nothing they see.
         */
        @Override
        public synchronized StagedOffsetWrite stage(Map<SourcePartition, SourceOffset> offsets) {
            Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(offsets, "offsets is null"));
            ensureUsable();
            ScopeState next = copy.isEmpty() ? state : state.withWritten(copy, nextSeq());
            byte[] value = next.encode(codec);
            return new StagedOffsetWrite() {
                @Override
                public String key() {
                    return offsetsKey;
                }

                @Override
                public byte[] value() {
                    return value;
                }

                @Override
                public void committed() {
                    synchronized (ScopeWriter.this) {
                        if (next.maxSeq() >= state.maxSeq()) {
                            state = next;
                        }
                    }
                }
            };
        }

        @Override
        public void close() {
            closed = true;
            writers.remove(ownerKey, this);
        }

        /** One more than the highest sequence number read for the connector, so this write is later. */
        private long nextSeq() {
            for (ScopeState other : scopesOf(connector).values()) {
                clock = Math.max(clock, other.maxSeq());
            }
            return ++clock;
        }

        private void commit(ScopeState next) {
            publish(connector, offsetsKey, next.encode(codec));
            // Read to the end, past this record: a claim before it in the topic means readers ignore it.
            refresh(connector, "confirming a write of scope '" + scope + "'");
            OwnerRecord owner = decoder.owner(ownerKey, view.get(ownerKey));
            if (owner != null && !owner.owner().equals(writerId)) {
                fencedBy = owner.describe();
                throw fenced();
            }
            state = next;
        }

        private void ensureUsable() {
            PulsarOffsetStore.this.ensureOpen();
            if (closed) {
                throw new OffsetStoreException("the offset writer of connector '" + connector + "', scope '" + scope
                        + "' is closed; open a new one with openWriter");
            }
            if (fencedBy != null) {
                throw fenced();
            }
        }

        private OffsetStoreException fenced() {
            return new OffsetWriterFencedException("scope '" + scope + "' of connector '" + connector + "' in topic "
                    + settings.topic() + " was taken over by " + fencedBy + ", so this writer is fenced (replaced)"
                    + " and may no longer write its offsets; stop this copy of the task, the new writer runs it now");
        }
    }

    @Override
    public void write(String connector, Map<SourcePartition, SourceOffset> batch) {
        requireNonNull(connector, "connector is null");
        // Copied before anything changes, so a batch that fails while being read changes nothing.
        Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(batch, "batch is null"));
        ensureOpen();
        if (!copy.isEmpty()) {
            change(connector, current -> current.withWritten(copy));
        }
    }

    @Override
    public void remove(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> gone = List.copyOf(requireNonNull(partitions, "partitions is null"));
        ensureOpen();
        change(connector, current -> current.withRemoved(gone));
    }

    @Override
    public Set<String> connectors() {
        ensureOpen();
        Set<String> found = new HashSet<>();
        owned.forEach((connector, mine) -> {
            ConnectorOffsets offsets = mine.offsets;
            if (offsets != null && mine.takenOverBy == null && !offsets.isEmpty()) {
                found.add(connector);
            }
        });
        for (Map.Entry<String, byte[]> record : view.entrySet()) {
            if (!record.getKey().startsWith(OWNER_PREFIX)) {
                continue;
            }
            String connector = record.getKey().substring(OWNER_PREFIX.length());
            if (ownsNow(connector)) {
                continue;
            }
            OwnerRecord owner;
            try {
                owner = decoder.owner(record.getKey(), record.getValue());
            } catch (OffsetStoreException e) {
                // A newer Tributary's record: reading that connector says so; the others are listed.
                decoder.warnLeftOut(record.getKey(), record.getValue(), e);
                continue;
            }
            // Offsets are never written empty (a tombstone takes their place), so a record means offsets.
            if (owner != null && view.containsKey(offsetsKey(owner.owner(), connector))) {
                found.add(connector);
            }
        }
        for (String key : view.keySet()) {
            int slash = key.startsWith(SCOPE_OWNER_PREFIX) ? key.indexOf('/', SCOPE_OWNER_PREFIX.length()) : -1;
            if (slash < 0 || found.contains(key.substring(slash + 1))) {
                continue;
            }
            String connector = key.substring(slash + 1);
            try {
                if (!merged(connector).isEmpty()) {
                    found.add(connector);
                }
            } catch (OffsetStoreException e) {
                decoder.warnLeftOut(key, view.get(key), e);
            }
        }
        writers.values().forEach(writer -> {
            if (!found.contains(writer.connector) && !merged(writer.connector).isEmpty()) {
                found.add(writer.connector);
            }
        });
        return Set.copyOf(found);
    }

    /**
     * Closes the view, the producer and the client, unless the client was lent ({@link #openWith}).
     * Offsets already written stay in the topic. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            view.close();
        } catch (Exception e) {
            LOG.debug("closing the TableView of {} failed: {}", settings.topic(), e.toString());
        }
        closeQuietly(producer, ownsClient ? client : null);
    }

    private ConnectorOffsets current(String connector) {
        Owned mine = owned.get(connector);
        if (mine != null && mine.takenOverBy == null) {
            ConnectorOffsets offsets = mine.offsets;
            if (offsets != null) {
                return offsets;
            }
        }
        return fromView(connector);
    }

    private boolean ownsNow(String connector) {
        Owned mine = owned.get(connector);
        return mine != null && mine.offsets != null && mine.takenOverBy == null;
    }

    /** The connector's offsets as the TableView holds them: those of its current owner. */
    private ConnectorOffsets fromView(String connector) {
        String ownerKey = ownerKey(connector);
        OwnerRecord owner = decoder.owner(ownerKey, view.get(ownerKey));
        if (owner == null) {
            return ConnectorOffsets.NONE;
        }
        String key = offsetsKey(owner.owner(), connector);
        return decoder.offsets(connector, key, view.get(key));
    }

    private void change(String connector, UnaryOperator<ConnectorOffsets> change) {
        synchronized (connectorLocks.computeIfAbsent(connector, c -> new Object())) {
            ensureOpen();
            Owned mine = owned.get(connector);
            if (mine != null && mine.takenOverBy != null) {
                throw takenOver(connector, mine.takenOverBy);
            }
            if (mine != null && mine.offsets != null) {
                ConnectorOffsets before = mine.offsets;
                ConnectorOffsets after = change.apply(before);
                if (after != before) {
                    publish(connector, offsetsKey(storeId, connector), encode(connector, after));
                    mine.offsets = after;
                }
                return;
            }
            claim(connector, change);
        }
    }

    /**
     * Takes the connector over, with its current owner's offsets changed as asked: first the
     * offsets under this store's id, which no reader looks at yet, then the owner record, which
     * makes readers switch to them in one step. A failure between the two leaves the previous
     * owner's offsets in force.
     */
    private void claim(String connector, UnaryOperator<ConnectorOffsets> change) {
        try {
            // The base must hold the current owner's last commit, not what this store's view had reached.
            view.refresh();
        } catch (PulsarClientException e) {
            throw new OffsetStoreException("could not read offset topic " + settings.topic() + " to its end before"
                    + " writing the offsets of connector '" + connector + "' (" + describe(e, settings)
                    + "); the offsets committed before still hold, and the worker retries", e);
        }
        ConnectorOffsets before = fromView(connector);
        ConnectorOffsets after = change.apply(before);
        if (after == before) {
            return;
        }
        Owned mine = new Owned();
        // Registered before the claim is sent, so the listener cannot miss the claim's own record.
        owned.put(connector, mine);
        try {
            publish(connector, offsetsKey(storeId, connector), encode(connector, after));
            publish(connector, ownerKey(connector), OwnerRecord.of(storeId).encode());
        } catch (RuntimeException e) {
            owned.remove(connector, mine);
            throw e;
        }
        mine.offsets = after;
        LOG.info("offset store {} now writes the offsets of connector '{}' in {}", storeId, connector,
                settings.topic());
    }

    private byte[] encode(String connector, ConnectorOffsets offsets) {
        // A tombstone, so that compaction drops the record once the connector has no offsets.
        return offsets.isEmpty() ? null : codec.encodeState(Map.of(connector, offsets.offsets()));
    }

    private void publish(String connector, String key, byte[] value) {
        try {
            hook.beforePublish(key);
            producer.newMessage().key(key).value(value).send();
        } catch (PulsarClientException e) {
            if (closed) {
                throw closedError();
            }
            throw new OffsetStoreException("could not write the offsets of connector '" + connector + "' to topic "
                    + settings.topic() + " (" + describe(e, settings) + "); the offsets committed before still hold,"
                    + " and the worker retries", e);
        }
    }

    /** Notices another store's claim on a connector that this store owns. Runs on the client's thread. */
    private void onRecord(String key, byte[] value) {
        if (!key.startsWith(OWNER_PREFIX) || value == null) {
            return;
        }
        Owned mine = owned.get(key.substring(OWNER_PREFIX.length()));
        if (mine == null || mine.takenOverBy != null) {
            return;
        }
        OwnerRecord claim;
        try {
            claim = OwnerRecord.decode(value, decoder.origin(key));
        } catch (OffsetStoreException e) {
            // A claim that does not decode fences no one; reads of the connector skip it, or report a newer version.
            return;
        }
        if (claim.owner().equals(storeId)) {
            mine.claimSeen = true;
        } else if (mine.claimSeen) {
            // A claim after this store's own: the connector now belongs to that store.
            mine.takenOverBy = claim.describe();
            LOG.warn("connector '{}': its offsets in {} were taken over by {}; this worker no longer commits them",
                    key.substring(OWNER_PREFIX.length()), settings.topic(), mine.takenOverBy);
        }
    }

    private OffsetStoreException takenOver(String connector, String by) {
        return new OffsetStoreException("the offsets of connector '" + connector + "' in topic " + settings.topic()
                + " were taken over by " + by + ", so this worker is fenced and may no longer write them; stop"
                + " this worker's copy of the connector (the other worker runs it now), or restart this worker to"
                + " take the connector back");
    }

    private void ensureOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private static OffsetStoreException closedError() {
        return new OffsetStoreException("the pulsar offset store is closed; this is a bug in the worker, which uses"
                + " a store only until it closes it");
    }

    /** The client's own words, on one line, with the authentication parameters taken out. */
    static String describe(PulsarClientException e, Settings settings) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return Redaction.redact(e.getClass().getSimpleName() + ": " + message, settings.authParams().value());
    }

    private static void closeQuietly(Producer<byte[]> producer, PulsarClient client) {
        if (producer != null) {
            try {
                producer.close();
            } catch (PulsarClientException e) {
                LOG.debug("closing the offset producer failed: {}", e.toString());
            }
        }
        if (client == null) {
            return;
        }
        // Not awaited: with the producer and reader closed nothing is pending, and the client's
        // thread pools take a fixed two seconds of quiet time to wind down.
        client.closeAsync().whenComplete((done, e) -> {
            if (e != null) {
                LOG.debug("closing the Pulsar client of the offset store failed: {}", e.toString());
            }
        });
    }
}
