package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TableView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every member's read-through copy of one compacted group topic: the last decoded record of each
 * key, kept up to date by a Pulsar {@link TableView} that reads the topic from its start, and
 * listeners told of each change.
 *
 * <p>A record that does not decode (anyone allowed to produce to the topic can write anything) is
 * skipped with one WARN that names the key and topic and the reason, never the content: the key
 * keeps its last record that decoded. A tombstone removes the key.
 *
 * <p>Threads: reads are thread-safe and never block. Listeners are called on the Pulsar client's
 * listener thread, one record at a time in topic order, and must not block; a listener that
 * throws is logged and the others still run.
 */
public final class GroupTopicView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupTopicView.class);

    /** Told of each change of a key: the new record, or empty when the key was deleted. */
    @FunctionalInterface
    public interface Listener {
        void changed(String key, Optional<GroupRecord> record);
    }

    private final String topic;
    private final GroupRecordCodec codec;
    private final TableView<byte[]> table;
    private final ConcurrentMap<String, GroupRecord> records = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, byte[]> warned = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong skipped = new AtomicLong();

    private GroupTopicView(String topic, GroupRecordCodec codec, TableView<byte[]> table) {
        this.topic = topic;
        this.codec = codec;
        this.table = table;
    }

    /**
     * Opens a view of {@code topic}; it completes once the topic was read to its end, so the view
     * then holds every record published before the call.
     */
    public static CompletableFuture<GroupTopicView> open(PulsarClient client, String topic, GroupRecordCodec codec) {
        requireNonNull(client, "client is null");
        requireNonNull(topic, "topic is null");
        requireNonNull(codec, "codec is null");
        return client.newTableView(Schema.BYTES).topic(topic).createAsync().thenApply(table -> {
            GroupTopicView view = new GroupTopicView(topic, codec, table);
            table.forEachAndListen(view::onRecord);
            return view;
        });
    }

    /** The topic it reads. */
    public String topic() {
        return topic;
    }

    /** The record of {@code key}, if any. */
    public Optional<GroupRecord> get(String key) {
        return Optional.ofNullable(records.get(key));
    }

    /** Every record of kind {@code type}, by key, sorted by key. */
    public <T extends GroupRecord> Map<String, T> all(Class<T> type) {
        Map<String, T> result = new TreeMap<>();
        records.forEach((key, record) -> {
            if (type.isInstance(record)) {
                result.put(key, type.cast(record));
            }
        });
        return result;
    }

    /**
     * Adds a listener, then calls it with every record already in the view, so that it misses
     * nothing (a record that arrives meanwhile may be told twice); later changes follow on the
     * client's listener thread.
     */
    public void listen(Listener listener) {
        requireNonNull(listener, "listener is null");
        listeners.add(listener);
        new TreeMap<>(records).forEach((key, record) -> notify(listener, key, Optional.of(record)));
    }

    /**
     * Reads the topic up to the last record published when called: once it completes, the view
     * holds every record acknowledged to a writer before the call, including this worker's own.
     */
    public CompletableFuture<Void> refresh() {
        return table.refreshAsync();
    }

    /** How many undecodable records were skipped, each counted once. */
    public long skipped() {
        return skipped.get();
    }

    private void onRecord(String key, byte[] raw) {
        if (key == null) {
            return;
        }
        if (raw == null) {
            if (records.remove(key) != null) {
                listeners.forEach(l -> notify(l, key, Optional.empty()));
            }
            return;
        }
        GroupRecord record;
        try {
            record = codec.decode(key, raw);
        } catch (GroupRecordCodec.UndecodableRecordException e) {
            if (warned.put(key, raw) != raw) {
                skipped.incrementAndGet();
                LOG.warn("record '{}' ({} bytes) in topic {} is ignored: {}; only the group's workers should be allowed"
                        + " to produce to it", key, raw.length, topic, e.getMessage());
            }
            return;
        }
        records.put(key, record);
        listeners.forEach(l -> notify(l, key, Optional.of(record)));
    }

    private void notify(Listener listener, String key, Optional<GroupRecord> record) {
        try {
            listener.changed(key, record);
        } catch (RuntimeException e) {
            LOG.error("a listener of topic {} failed on record '{}'", topic, key, e);
        }
    }

    @Override
    public void close() {
        try {
            table.close();
        } catch (IOException e) {
            LOG.debug("closing the view of {} failed", topic, e);
        }
    }
}
