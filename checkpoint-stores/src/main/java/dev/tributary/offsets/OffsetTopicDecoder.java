package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the records of the pulsar store's topic, which anyone allowed to produce to it can
 * write, so that one undecodable record never breaks another key and never fences a store.
 *
 * <p>A record that does not decode (not JSON, cut short, not in the format) is skipped: in its
 * place stands the last record of the same key that this decoder did decode, or nothing when it
 * decoded none. An offsets record that names another connector counts as undecodable. Each such
 * record is logged once, as a WARN that names the key, the topic and the record's size, never its
 * content, which may be anything. A record of a newer format version is
 * not skipped but refused, for its connector alone, since a newer Tributary wrote it.
 *
 * <p>Threads: thread-safe; the store calls it from its callers' threads and from the client's
 * listener thread.
 */
final class OffsetTopicDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetTopicDecoder.class);

    private record Decoded<T>(byte[] raw, T value) {
    }

    private final String topic;
    private final OffsetCodec codec;
    /** Per key, the last record that decoded, with the raw bytes it came from (the view hands out the same array). */
    private final ConcurrentMap<String, Decoded<OwnerRecord>> owners = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Decoded<ConnectorOffsets>> offsets = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Decoded<ScopeState>> scopes = new ConcurrentHashMap<>();
    /** Per key, the undecodable record last warned about, so each is logged once. */
    private final ConcurrentMap<String, byte[]> warned = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();

    OffsetTopicDecoder(String topic, OffsetCodec codec) {
        this.topic = requireNonNull(topic, "topic is null");
        this.codec = requireNonNull(codec, "codec is null");
    }

    /**
     * The claim in the owner record {@code raw} of {@code key}; when it does not decode, the last
     * claim of that key that did, or null.
     *
     * @param raw the record's value, or null when the key has none
     * @throws OffsetStoreException when the record has a newer format version
     */
    OwnerRecord owner(String key, byte[] raw) {
        if (raw == null) {
            return null;
        }
        Decoded<OwnerRecord> last = owners.get(key);
        if (last != null && last.raw() == raw) {
            return last.value();
        }
        try {
            OwnerRecord claim = OwnerRecord.decode(raw, origin(key));
            owners.put(key, new Decoded<>(raw, claim));
            return claim;
        } catch (OffsetCodec.DamagedDataException e) {
            skip(key, raw, "owner");
            return last == null ? null : last.value();
        }
    }

    /**
     * The offsets of {@code connector} in the offsets record {@code raw} of {@code key}; when it
     * does not decode, or names another connector, the last offsets of that key that did, or none.
     *
     * @param raw the record's value, or null when the key has none
     * @throws OffsetStoreException when the record has a newer format version
     */
    ConnectorOffsets offsets(String connector, String key, byte[] raw) {
        if (raw == null) {
            return ConnectorOffsets.NONE;
        }
        Decoded<ConnectorOffsets> last = offsets.get(key);
        if (last != null && last.raw() == raw) {
            return last.value();
        }
        Map<String, Map<SourcePartition, SourceOffset>> state;
        try {
            state = codec.decodeState(raw, origin(key));
        } catch (OffsetCodec.DamagedDataException e) {
            skip(key, raw, "offsets");
            return last == null ? ConnectorOffsets.NONE : last.value();
        }
        if (!state.keySet().stream().allMatch(connector::equals)) {
            skip(key, raw, "offsets");
            return last == null ? ConnectorOffsets.NONE : last.value();
        }
        ConnectorOffsets decoded = new ConnectorOffsets(state.getOrDefault(connector, Map.of()));
        offsets.put(key, new Decoded<>(raw, decoded));
        return decoded;
    }

    /**
     * The scope's offsets in the scoped offsets record {@code raw} of {@code key}; when it does not
     * decode, the last of that key that did, or none.
     *
     * @param raw the record's value, or null when the key has none
     * @throws OffsetStoreException when the record has a newer format version
     */
    ScopeState scope(String key, byte[] raw) {
        if (raw == null) {
            return ScopeState.EMPTY;
        }
        Decoded<ScopeState> last = scopes.get(key);
        if (last != null && last.raw() == raw) {
            return last.value();
        }
        try {
            ScopeState decoded = ScopeState.decode(raw, origin(key), codec);
            scopes.put(key, new Decoded<>(raw, decoded));
            return decoded;
        } catch (OffsetCodec.DamagedDataException e) {
            skip(key, raw, "scoped offsets");
            return last == null ? ScopeState.EMPTY : last.value();
        }
    }

    /**
     * Logs, once per record, that a record of a newer format version was left out of a listing;
     * reading its connector refuses it with {@code refusal}'s message.
     */
    void warnLeftOut(String key, byte[] raw, OffsetStoreException refusal) {
        if (warned.put(key, raw) != raw) {
            LOG.warn("{}; its connector is left out of the list of connectors with offsets", refusal.getMessage());
        }
    }

    /** How many undecodable records were skipped, counting each once. */
    long skipped() {
        return skipped.get();
    }

    String origin(String key) {
        return "offset record '" + key + "' in topic " + topic;
    }

    private void skip(String key, byte[] raw, String kind) {
        if (warned.put(key, raw) == raw) {
            return;
        }
        skipped.incrementAndGet();
        // Neither the record nor the decoder's words, which may quote it: the record may hold anything.
        LOG.warn("{} ({} bytes) does not decode as an {} record, so it is ignored; only the workers should be allowed"
                + " to produce to this topic (see docs/offset-stores.md)", origin(key), raw.length, kind);
    }
}
