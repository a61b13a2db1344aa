package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.worker.Herder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /connectors/{name}/offsets}: read a connector's offsets, and, while it is STOPPED, alter
 * or reset them, with Kafka Connect's shapes:
 * {@code {"offsets":[{"partition":{...},"offset":{...}}]}}, where a null offset removes the
 * partition's offset. A body is checked for shape and size before the herder sees it: at most
 * {@value #MAX_ENTRIES} entries, each partition and offset a non-empty object of at most
 * {@value #MAX_FIELDS} string, number or boolean fields with names of at most
 * {@value #MAX_FIELD_NAME_LENGTH} and strings of at most {@value #MAX_STRING_VALUE_LENGTH} characters.
 */
final class ConnectorOffsetsResource {
    private static final Set<String> BODY_FIELDS = Set.of("offsets");
    private static final Set<String> ENTRY_FIELDS = Set.of("partition", "offset");
    /** The most partitions one request may alter; a Kinesis stream's shards are in the hundreds. */
    static final int MAX_ENTRIES = 10_000;
    /** The most fields of one partition or offset; Kinesis uses two of each. */
    static final int MAX_FIELDS = 16;
    /** The longest field name of a partition or offset. */
    static final int MAX_FIELD_NAME_LENGTH = 128;
    /** The longest string value of a partition or offset: a stream ARN or a sequence number fits with room. */
    static final int MAX_STRING_VALUE_LENGTH = 2048;

    private final Herder herder;

    ConnectorOffsetsResource(Herder herder) {
        this.herder = requireNonNull(herder, "herder is null");
    }

    void register(WorkerHttpServer server, RouteGuard guard) {
        server.route("GET", "/connectors/{name}/offsets", guard.wrap(this::get));
        server.route("PATCH", "/connectors/{name}/offsets", guard.wrap(this::alter));
        server.route("DELETE", "/connectors/{name}/offsets", guard.wrap(this::reset));
    }

    Response get(Request request) {
        return RestJson.json(200, ConnectEntities.offsets(herder.connectorOffsets(request.pathParam("name"))));
    }

    /** {@code PATCH}: 200 with a message; 400 unless STOPPED or when the body is not offsets. */
    Response alter(Request request) {
        String name = request.pathParam("name");
        JsonNode body = RestJson.objectBody(request);
        RestJson.onlyFields(body, BODY_FIELDS);
        JsonNode list = body.get("offsets");
        if (list == null || list.isNull() || (list.isArray() && list.isEmpty())) {
            throw RestException.badRequest("Partitions / offsets need to be provided for an alter offsets request");
        }
        if (!list.isArray()) {
            throw RestException.badRequest("offsets must be an array of {\"partition\":{...},\"offset\":{...}}, not "
                    + RestJson.describe(list));
        }
        if (list.size() > MAX_ENTRIES) {
            throw RestException.badRequest("offsets has " + list.size() + " entries; one request alters at most "
                    + MAX_ENTRIES + " partitions, so send them in several requests");
        }
        Map<SourcePartition, SourceOffset> write = new LinkedHashMap<>();
        List<SourcePartition> remove = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : list) {
            String where = "offsets[" + index++ + "]";
            if (!entry.isObject()) {
                throw RestException.badRequest(where + " must be an object, not " + RestJson.describe(entry));
            }
            RestJson.onlyFields(entry, ENTRY_FIELDS);
            JsonNode partitionNode = entry.get("partition");
            if (partitionNode == null || partitionNode.isNull()) {
                throw RestException.badRequest(where + ".partition is required");
            }
            SourcePartition partition = new SourcePartition(fields(partitionNode, where + ".partition"));
            JsonNode offsetNode = entry.get("offset");
            if (offsetNode == null || offsetNode.isNull()) {
                remove.add(partition);
                write.remove(partition);
            } else {
                write.put(partition, new SourceOffset(fields(offsetNode, where + ".offset")));
                remove.remove(partition);
            }
        }
        herder.alterConnectorOffsets(name, write, remove);
        return RestJson.json(200, Map.of("message", "The offsets for this connector have been altered successfully"));
    }

    /** {@code DELETE}: 200 with a message; 400 unless STOPPED. */
    Response reset(Request request) {
        herder.resetConnectorOffsets(request.pathParam("name"));
        return RestJson.json(200, Map.of("message", "The offsets for this connector have been reset successfully"));
    }

    /**
     * The fields of a partition or an offset: strings, whole numbers, decimals and booleans, the
     * values every offset store keeps exactly.
     */
    private static Map<String, Object> fields(JsonNode node, String where) {
        if (!node.isObject() || node.isEmpty()) {
            throw RestException.badRequest(where + " must be a non-empty object of strings, numbers and booleans, not "
                    + (node.isObject() ? "an empty object" : RestJson.describe(node)));
        }
        if (node.size() > MAX_FIELDS) {
            throw RestException.badRequest(where + " has " + node.size() + " fields; a partition or an offset has at most "
                    + MAX_FIELDS);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            JsonNode value = field.getValue();
            String key = RestJson.shorten(field.getKey());
            if (field.getKey().isEmpty() || field.getKey().length() > MAX_FIELD_NAME_LENGTH) {
                throw RestException.badRequest(where + " has a field name of " + field.getKey().length()
                        + " characters; names are 1 to " + MAX_FIELD_NAME_LENGTH + " characters");
            }
            if (value.isTextual()) {
                if (value.textValue().length() > MAX_STRING_VALUE_LENGTH) {
                    throw RestException.badRequest(where + "." + key + " is a string of " + value.textValue().length()
                            + " characters; values are at most " + MAX_STRING_VALUE_LENGTH);
                }
                fields.put(field.getKey(), value.asText());
            } else if (value.isIntegralNumber()) {
                if (!value.canConvertToLong()) {
                    throw RestException.badRequest(where + "." + key + " is a whole number too large for 64 bits");
                }
                fields.put(field.getKey(), value.asLong());
            } else if (value.isNumber()) {
                if (!Double.isFinite(value.asDouble())) {
                    throw RestException.badRequest(where + "." + key + " is a number too large for a double");
                }
                fields.put(field.getKey(), value.asDouble());
            } else if (value.isBoolean()) {
                fields.put(field.getKey(), value.asBoolean());
            } else {
                throw RestException.badRequest(where + "." + key + " must be a string, a number or a boolean, not "
                        + RestJson.describe(value));
            }
        }
        return fields;
    }
}
