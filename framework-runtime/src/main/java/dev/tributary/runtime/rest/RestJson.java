package dev.tributary.runtime.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.worker.CallerText;
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
    /** The deepest nesting a body may have; Kafka Connect's bodies nest three levels. */
    static final int MAX_NESTING_DEPTH = 32;
    /** The longest string a body may hold: room for a config value (65536) with escapes. */
    static final int MAX_STRING_LENGTH = 200_000;
    /** The longest field name; config keys are at most 256 characters, and a longer key gets a clear 400 from the config check. */
    static final int MAX_NAME_LENGTH = 10_000;
    /** The most digits of a number. */
    static final int MAX_NUMBER_LENGTH = 100;

    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .build())
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
        } catch (StreamConstraintsException e) {
            throw RestException.badRequest("Request body is too large to read" + at(e) + ": " + exceeded(e));
        } catch (JsonProcessingException e) {
            // Jackson's own message names its classes and quotes the body; the position is what helps.
            throw RestException.badRequest("Request body is not valid JSON" + at(e)
                    + "; send one JSON object, with each field name once");
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

    /** Which of the limits a body passed, in words; Jackson's message names its own classes. */
    private static String exceeded(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("nesting")) {
            return "it nests deeper than " + MAX_NESTING_DEPTH + " levels";
        }
        if (message.contains("string value")) {
            return "it holds a string longer than " + MAX_STRING_LENGTH + " characters";
        }
        if (message.contains("name")) {
            return "it holds a field name longer than " + MAX_NAME_LENGTH + " characters";
        }
        if (message.contains("number")) {
            return "it holds a number longer than " + MAX_NUMBER_LENGTH + " digits";
        }
        return "it nests deeper than " + MAX_NESTING_DEPTH + " levels, or holds a string longer than "
                + MAX_STRING_LENGTH + " characters, a field name longer than " + MAX_NAME_LENGTH
                + " or a number longer than " + MAX_NUMBER_LENGTH + " digits";
    }

    /** " at line L, column C" where Jackson knows the position, else nothing. */
    private static String at(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
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

    /**
     * Client input as an error message may echo it: cut after 200 characters, so a message stays
     * small whatever was sent, and with control characters written as backslash-u escapes, so
     * that it stays one line that a terminal or a log shows as it is.
     */
    static String shorten(String text) {
        return text == null ? "" : CallerText.shown(text, MAX_ERROR_LENGTH);
    }
}
