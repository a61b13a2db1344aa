package dev.tributary.runtime.cli.offsets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of {@code connect-runtime offsets export} and {@code import}: the offset state
 * document, format version 1, that the checkpoint stores' {@code OffsetCodec} writes and the
 * {@code file} store keeps, so that an offset file can be imported as it is:
 * <pre>{@code
 * {"version":1,"connectors":{"orders":[{"partition":{"shard":"shardId-000000000000","stream":"orders"},
 *   "offset":{"sequenceNumber":"4959...","subSequenceNumber":0}}]}}
 * }</pre>
 * A field's value is a JSON string, a boolean, a whole number (a Long), a number with a fraction
 * or an exponent (a Double), or {@code {"double":"NaN"}}, {@code {"double":"Infinity"}} or
 * {@code {"double":"-Infinity"}}.
 *
 * <p>The runtime cannot use {@code OffsetCodec} itself: stores are plugins, loaded apart from the
 * runtime. The runtime's tests check that both read each other's documents.
 */
public final class OffsetStateJson {
    /** The format version written, and the newest read. */
    public static final int VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // A key given twice means the file was edited or damaged; neither value can be trusted.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private OffsetStateJson() {
    }

    /** Each connector's offsets as an indented document, connectors in name order. */
    public static byte[] encode(Map<String, Map<SourcePartition, SourceOffset>> offsetsByConnector) {
        requireNonNull(offsetsByConnector, "offsetsByConnector is null");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            // Indented, so that people can read and diff an export.
            generator.useDefaultPrettyPrinter();
            generator.writeStartObject();
            generator.writeNumberField("version", VERSION);
            generator.writeObjectFieldStart("connectors");
            for (Map.Entry<String, Map<SourcePartition, SourceOffset>> connector
                    : new TreeMap<>(offsetsByConnector).entrySet()) {
                if (connector.getValue().isEmpty()) {
                    continue;
                }
                generator.writeArrayFieldStart(connector.getKey());
                for (Map.Entry<SourcePartition, SourceOffset> entry : connector.getValue().entrySet()) {
                    generator.writeStartObject();
                    generator.writeFieldName("partition");
                    writeFields(generator, entry.getKey().fields());
                    generator.writeFieldName("offset");
                    writeFields(generator, entry.getValue().fields());
                    generator.writeEndObject();
                }
                generator.writeEndArray();
            }
            generator.writeEndObject();
            generator.writeEndObject();
            generator.writeRaw('\n');
        } catch (IOException e) {
            // Written to memory, from values that all have a JSON form: only a bug in Jackson gets here.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeFields(JsonGenerator generator, Map<String, Object> fields) throws IOException {
        generator.writeStartObject();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            generator.writeFieldName(field.getKey());
            Object value = field.getValue();
            if (value instanceof String text) {
                generator.writeString(text);
            } else if (value instanceof Long number) {
                generator.writeNumber(number);
            } else if (value instanceof Double number && Double.isFinite(number)) {
                // Always written with a fraction or an exponent, so it reads back as a Double.
                generator.writeNumber(number);
            } else if (value instanceof Double number) {
                generator.writeStartObject();
                generator.writeStringField("double", number.toString());
                generator.writeEndObject();
            } else if (value instanceof Boolean flag) {
                generator.writeBoolean(flag);
            } else {
                throw new IllegalArgumentException("field '" + field.getKey() + "' holds a "
                        + value.getClass().getName() + ", which partitions and offsets never hold");
            }
        }
        generator.writeEndObject();
    }

    /**
     * Reads a document of this or an older format version.
     *
     * @param origin where it comes from, for messages, such as the file's path
     * @throws IllegalArgumentException naming {@code origin} and the problem, when the document
     *         is damaged or of a newer version
     */
    public static Map<String, Map<SourcePartition, SourceOffset>> decode(byte[] json, String origin) {
        requireNonNull(json, "json is null");
        requireNonNull(origin, "origin is null");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw damaged(origin, "it is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (e.getLocation() == null ? "" : ", at line " + e.getLocation().getLineNr()) + ")");
        } catch (IOException e) {
            throw damaged(origin, "it cannot be read (" + e.getMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw damaged(origin, "it is empty");
        }
        if (!root.isObject()) {
            throw damaged(origin, "it is not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 1) {
            throw damaged(origin, "it has no valid \"version\" field");
        }
        if (version.intValue() > VERSION) {
            throw new IllegalArgumentException(origin + " has format version " + version.intValue()
                    + ", newer than this Tributary understands (" + VERSION + "); import it with a newer Tributary");
        }
        JsonNode connectors = root.get("connectors");
        if (connectors == null || !connectors.isObject()) {
            throw damaged(origin, "it has no \"connectors\" object");
        }
        Map<String, Map<SourcePartition, SourceOffset>> state = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> connector : connectors.properties()) {
            String name = connector.getKey();
            if (!connector.getValue().isArray()) {
                throw damaged(origin, "connector \"" + name + "\" is not a JSON array of entries");
            }
            Map<SourcePartition, SourceOffset> offsets = new LinkedHashMap<>();
            int number = 0;
            for (JsonNode entry : connector.getValue()) {
                number++;
                String where = "connector \"" + name + "\", entry " + number;
                if (!entry.isObject()) {
                    throw damaged(origin, where + " is not a JSON object");
                }
                SourcePartition partition = new SourcePartition(fields(entry.get("partition"), where + ", partition",
                        origin));
                SourceOffset offset = new SourceOffset(fields(entry.get("offset"), where + ", offset", origin));
                if (offsets.putIfAbsent(partition, offset) != null) {
                    throw damaged(origin, where + " repeats partition " + partition);
                }
            }
            if (!offsets.isEmpty()) {
                state.put(name, Map.copyOf(offsets));
            }
        }
        return state;
    }

    private static Map<String, Object> fields(JsonNode node, String what, String origin) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw damaged(origin, what + " is missing or not a JSON object with fields");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            fields.put(field.getKey(), value(field.getValue(), what + " field \"" + field.getKey() + "\"", origin));
        }
        return fields;
    }

    private static Object value(JsonNode node, String what, String origin) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                return node.longValue();
            }
            throw damaged(origin, what + " is a whole number too large for a Long");
        }
        if (node.isFloatingPointNumber() && Double.isFinite(node.doubleValue())) {
            return node.doubleValue();
        }
        JsonNode special = node.get("double");
        if (node.isObject() && node.size() == 1 && special != null && special.isTextual()) {
            switch (special.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw damaged(origin, what + " is not a string, a number or a boolean");
    }

    private static IllegalArgumentException damaged(String origin, String problem) {
        return new IllegalArgumentException(origin + " is not a valid offsets export: " + problem);
    }
}
