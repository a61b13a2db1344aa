package dev.tributary.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads request bodies and writes response bodies as JSON. Reading is strict, so that a mistake
 * gets a 400 that says what is wrong rather than a guess: duplicate keys, trailing content, and
 * values of the wrong kind are all refused. Jackson's own limits (nesting depth, string length)
 * bound what a hostile body can cost.
 */
final class RestJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int MAX_ERROR_LENGTH = 200;

    private RestJson() {
    }

    /** A response whose body is {@code node} as JSON. */
    static Response json(int status, Object node) {
        try {
            return new Response(status, Response.JSON, MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            // Trees and maps of strings, numbers and booleans always serialize.
            throw new UncheckedIOException(e);
        }
    }

    /** The body as a JSON object. */
    static JsonNode objectBody(Request request) {
        if (request.bodyLength() == 0) {
            throw RestException.badRequest("The request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(request.body());
        } catch (JsonProcessingException e) {
            throw RestException.badRequest("Request body is not valid JSON: " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw RestException.badRequest("Request body could not be read as JSON");
        }
        if (node == null || !node.isObject()) {
            throw RestException.badRequest("The request body must be a JSON object, not "
                    + (node == null ? "nothing" : describe(node)));
        }
        return node;
    }

    /** Refuses fields of {@code object} other than {@code known}, as Kafka Connect's JSON reader does. */
    static void onlyFields(JsonNode object, Set<String> known) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw RestException.badRequest("Unrecognized field \"" + shorten(name) + "\"; the fields are "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    /**
     * A config object as text: strings as they are, numbers and booleans as written (so that
     * {@code "tasks.max": 2} works as in Kafka Connect), and null only where {@code nullAllowed}.
     */
    static Map<String, String> stringMap(JsonNode object, String what, boolean nullAllowed) {
        if (object == null || !object.isObject()) {
            throw RestException.badRequest(what + " must be a JSON object of string values, not "
                    + (object == null ? "missing" : describe(object)));
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            if (value.isNull()) {
                if (!nullAllowed) {
                    throw RestException.badRequest(what + ": the value of '" + shorten(field.getKey())
                            + "' is null; give a string, or leave the key out");
                }
                result.put(field.getKey(), null);
            } else if (value.isTextual() || value.isNumber() || value.isBoolean()) {
                result.put(field.getKey(), value.asText());
            } else {
                throw RestException.badRequest(what + ": the value of '" + shorten(field.getKey()) + "' must be a string, not "
                        + describe(value));
            }
        }
        return result;
    }

    /** A query parameter that must be {@code true} or {@code false} when given. */
    static boolean booleanParam(Request request, String name) {
        String value = request.queryParam(name).orElse("false");
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw RestException.badRequest("Query parameter " + name + " must be true or false, not '"
                    + shorten(value) + "'");
        };
    }

    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** Long client input is cut, so an error message stays small whatever was sent. */
    static String shorten(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "...";
    }
}
