package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.api.offset.OffsetStoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/**
 * The claim that makes a store the writer of one connector's offsets in the pulsar store:
 * {@code {"version":1,"owner":"<store id>","host":"<host name>","claimedAt":"<instant>"}}. The
 * host and time are there for people reading a takeover message.
 *
 * @param owner the id of the store that claimed the connector
 * @param host the host it ran on, or empty when unknown
 * @param claimedAt when it claimed, as ISO-8601 text, or empty when unknown
 */
record OwnerRecord(String owner, String host, String claimedAt) {
    /** The format version this class writes, and the newest it reads. */
    static final int VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    OwnerRecord {
        requireNonNull(owner, "owner is null");
        requireNonNull(host, "host is null");
        requireNonNull(claimedAt, "claimedAt is null");
    }

    /** A claim by {@code storeId}, made now on this host. */
    static OwnerRecord of(String storeId) {
        return new OwnerRecord(storeId, hostName(), Instant.now().toString());
    }

    byte[] encode() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", VERSION);
        node.put("owner", owner);
        node.put("host", host);
        node.put("claimedAt", claimedAt);
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            // Only text fields, written to memory: nothing here can fail but a bug in Jackson.
            throw new OffsetStoreException("could not encode an owner record: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a claim written by this or an older version.
     *
     * @param origin where it comes from, for messages
     * @throws OffsetStoreException when the record is of a newer format version, or, as an
     *     {@link OffsetCodec.DamagedDataException}, when it is damaged
     */
    static OwnerRecord decode(byte[] json, String origin) {
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
        JsonNode owner = root.get("owner");
        if (owner == null || !owner.isTextual() || owner.textValue().isEmpty()) {
            throw damaged(origin, "it has no \"owner\"");
        }
        return new OwnerRecord(owner.textValue(), root.path("host").asText(""), root.path("claimedAt").asText(""));
    }

    /** Says who claimed, for messages: {@code offset store <id> on host <h> at <time>}. */
    String describe() {
        return "offset store " + owner + (host.isEmpty() ? "" : " on host " + host)
                + (claimedAt.isEmpty() ? "" : " at " + claimedAt);
    }

    private static OffsetStoreException damaged(String origin, String problem) {
        return new OffsetCodec.DamagedDataException(origin + " is damaged: " + problem + "; restore it from a backup,"
                + " or delete it so that the connector starts again from its initial positions", problem);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }
}
