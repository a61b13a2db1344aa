package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The offsets of one scope of one connector, as a scoped writer last committed them, with a
 * sequence number per partition that orders writes of one partition across scopes, and a
 * removal mark (an entry without offset) that hides older offsets of other scopes. Immutable.
 *
 * <p>Encoded as {@code {"version":1,"entries":[{"seq":7,"partition":"<partition>","entry":<entry>|null}]}},
 * where {@code partition} is {@link OffsetCodec#encodePartition}'s text and {@code entry} the
 * object {@link OffsetCodec#encodeEntry} writes, or null for a removal.
 *
 * @param entries per partition, its latest write in this scope
 */
record ScopeState(Map<SourcePartition, Entry> entries) {
    static final int VERSION = 1;
    static final ScopeState EMPTY = new ScopeState(Map.of());

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * One partition's latest write in a scope.
     *
     * @param offset its offset, or null when the write removed it
     * @param seq the write's sequence number; of two scopes' entries for a partition, the higher wins
     */
    record Entry(SourceOffset offset, long seq) {
    }

    ScopeState {
        entries = Map.copyOf(requireNonNull(entries, "entries is null"));
    }

    /** The highest sequence number of any entry; 0 when there is none. */
    long maxSeq() {
        return entries.values().stream().mapToLong(Entry::seq).max().orElse(0);
    }

    ScopeState withWritten(Map<SourcePartition, SourceOffset> batch, long seq) {
        Map<SourcePartition, Entry> next = new HashMap<>(entries);
        batch.forEach((partition, offset) -> next.put(partition, new Entry(offset, seq)));
        return new ScopeState(next);
    }

    ScopeState withRemoved(Collection<SourcePartition> partitions, long seq) {
        Map<SourcePartition, Entry> next = new HashMap<>(entries);
        partitions.forEach(partition -> next.put(partition, new Entry(null, seq)));
        return new ScopeState(next);
    }

    byte[] encode(OffsetCodec codec) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode list = root.putArray("entries");
        try {
            for (Map.Entry<SourcePartition, Entry> e : entries.entrySet()) {
                ObjectNode node = list.addObject();
                node.put("seq", e.getValue().seq());
                node.put("partition", codec.encodePartition(e.getKey()));
                if (e.getValue().offset() == null) {
                    node.putNull("entry");
                } else {
                    node.set("entry", MAPPER.readTree(codec.encodeEntry(e.getKey(), e.getValue().offset())));
                }
            }
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            // Our own codec's JSON, in memory: nothing here can fail but a bug.
            throw new OffsetStoreException("could not encode a scope's offsets: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a record written by {@link #encode} of this or an older version.
     *
     * @throws OffsetStoreException when it has a newer format version, or, as an
     *     {@link OffsetCodec.DamagedDataException}, when it is damaged
     */
    static ScopeState decode(byte[] json, String origin, OffsetCodec codec) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw damaged(origin, "it is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw damaged(origin, "it is not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 1) {
            throw damaged(origin, "it has no valid \"version\" field");
        }
        if (version.intValue() > VERSION) {
            throw new OffsetStoreException(origin + " has format version " + version.intValue()
                    + ", newer than this Tributary understands (" + VERSION + "); upgrade Tributary");
        }
        JsonNode list = root.get("entries");
        if (list == null || !list.isArray()) {
            throw damaged(origin, "it has no \"entries\" array");
        }
        Map<SourcePartition, Entry> entries = new HashMap<>();
        for (JsonNode node : list) {
            JsonNode seq = node.get("seq");
            JsonNode partitionText = node.get("partition");
            JsonNode entry = node.get("entry");
            if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || partitionText == null
                    || !partitionText.isTextual() || entry == null) {
                throw damaged(origin, "an entry lacks \"seq\", \"partition\" or \"entry\"");
            }
            Entry decoded;
            SourcePartition partition;
            if (entry.isNull()) {
                partition = codec.decodePartition(partitionText.textValue(), origin);
                decoded = new Entry(null, seq.longValue());
            } else {
                Map.Entry<SourcePartition, SourceOffset> pair;
                try {
                    pair = codec.decodeEntry(MAPPER.writeValueAsBytes(entry), origin);
                } catch (JsonProcessingException e) {
                    throw damaged(origin, "an entry is not JSON");
                }
                partition = pair.getKey();
                decoded = new Entry(pair.getValue(), seq.longValue());
            }
            if (entries.putIfAbsent(partition, decoded) != null) {
                throw damaged(origin, "it repeats partition " + partition);
            }
        }
        return new ScopeState(entries);
    }

    private static OffsetStoreException damaged(String origin, String problem) {
        return new OffsetCodec.DamagedDataException(origin + " is damaged: " + problem + "; restore it from a backup,"
                + " or delete it so that the connector starts again from its initial positions", problem);
    }
}
