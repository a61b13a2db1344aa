package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes committed offsets as versioned JSON and decodes them back to equal values: a
 * {@code Long} stays a {@code Long}, a {@code Double} stays a {@code Double} (NaN, the infinities
 * and {@code -0.0} included), and Strings and Booleans come back as they went in.
 *
 * <p>Two shapes share one set of value rules. A <em>state</em> holds every connector's offsets,
 * for a store that keeps them in one document, as the file store does:
 * <pre>{@code
 * {"version":1,"connectors":{"orders":[
 *   {"partition":{"shard":"shardId-000000000000","stream":"orders"},
 *    "offset":{"sequenceNumber":"49590338271490256608559692538361571095921575989136588898","subSequenceNumber":0}}]}}
 * }</pre>
 * An <em>entry</em> holds one partition's offset, for a store that keeps a record per partition:
 * {@code {"version":1,"partition":{...},"offset":{...}}}. Within both, a field's value is a JSON
 * string, {@code true} or {@code false}, a whole number (read back as a Long), a number with a
 * fraction or an exponent (read back as a Double), or, for the Doubles JSON has no number for,
 * {@code {"double":"NaN"}}, {@code {"double":"Infinity"}} or {@code {"double":"-Infinity"}}.
 *
 * <p>Versions: readers ignore fields they do not know, so an addition that older readers may
 * safely ignore keeps the version. Any other change raises {@link #VERSION}, and this class then
 * keeps reading every older version.
 *
 * <p>Threads: immutable and thread-safe; one instance may serve every store.
 *
 * <p>Errors: decoding data that is damaged, or that a newer Tributary wrote, throws
 * {@link OffsetStoreException} with a message that names the data's origin, the problem and the fix.
 */
public final class OffsetCodec {
    /** The format version this codec writes, and the newest it reads. */
    public static final int VERSION = 1;

    private static final String VERSION_FIELD = "version";
    private static final String CONNECTORS_FIELD = "connectors";
    private static final String PARTITION_FIELD = "partition";
    private static final String OFFSET_FIELD = "offset";
    private static final String DOUBLE_FIELD = "double";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // A key given twice means the data was edited or damaged; neither value can be trusted.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Encodes every connector's offsets as one state document. Connectors are written in name
     * order, and a connector with no offsets is left out.
     *
     * @param offsetsByConnector each connector's offsets
     * @return UTF-8 JSON
     */
    public byte[] encodeState(Map<String, Map<SourcePartition, SourceOffset>> offsetsByConnector) {
        requireNonNull(offsetsByConnector, "offsetsByConnector is null");
        return write(generator -> {
            generator.writeStartObject();
            generator.writeNumberField(VERSION_FIELD, VERSION);
            generator.writeObjectFieldStart(CONNECTORS_FIELD);
            for (Map.Entry<String, Map<SourcePartition, SourceOffset>> connector
                    : new TreeMap<>(offsetsByConnector).entrySet()) {
                if (connector.getValue().isEmpty()) {
                    continue;
                }
                generator.writeArrayFieldStart(connector.getKey());
                for (Map.Entry<SourcePartition, SourceOffset> entry : connector.getValue().entrySet()) {
                    generator.writeStartObject();
                    writeEntryFields(generator, entry.getKey(), entry.getValue());
                    generator.writeEndObject();
                }
                generator.writeEndArray();
            }
            generator.writeEndObject();
            generator.writeEndObject();
        });
    }

    /**
     * Decodes a state document written by {@link #encodeState} of this or an older version.
     *
     * @param json the document, as UTF-8 JSON
     * @param origin where it comes from, for messages, such as {@code "offset file /data/offsets.json"}
     * @return each connector that has offsets, with its offsets; immutable
     * @throws OffsetStoreException when the document is damaged or has a newer format version
     */
    public Map<String, Map<SourcePartition, SourceOffset>> decodeState(byte[] json, String origin) {
        requireNonNull(json, "json is null");
        Reading reading = new Reading(requireNonNull(origin, "origin is null"));
        JsonNode root = reading.versioned(json);
        JsonNode connectors = root.get(CONNECTORS_FIELD);
        if (connectors == null) {
            throw reading.damaged("it has no \"" + CONNECTORS_FIELD + "\" field");
        }
        if (!connectors.isObject()) {
            throw reading.damaged("its \"" + CONNECTORS_FIELD + "\" is not a JSON object");
        }
        Map<String, Map<SourcePartition, SourceOffset>> state = new HashMap<>();
        for (Map.Entry<String, JsonNode> connector : connectors.properties()) {
            String name = connector.getKey();
            if (!connector.getValue().isArray()) {
                throw reading.damaged("connector \"" + name + "\" is not a JSON array of entries");
            }
            Map<SourcePartition, SourceOffset> offsets = new HashMap<>();
            int number = 0;
            for (JsonNode entry : connector.getValue()) {
                number++;
                String where = "connector \"" + name + "\", entry " + number;
                Map.Entry<SourcePartition, SourceOffset> decoded = reading.entry(entry, where);
                if (offsets.putIfAbsent(decoded.getKey(), decoded.getValue()) != null) {
                    throw reading.damaged(where + " repeats partition " + decoded.getKey());
                }
            }
            if (!offsets.isEmpty()) {
                state.put(name, Map.copyOf(offsets));
            }
        }
        return Map.copyOf(state);
    }

    /** Encodes one partition's offset as an entry, for a store that keeps a record per partition. */
    public byte[] encodeEntry(SourcePartition partition, SourceOffset offset) {
        requireNonNull(partition, "partition is null");
        requireNonNull(offset, "offset is null");
        return write(generator -> {
            generator.writeStartObject();
            generator.writeNumberField(VERSION_FIELD, VERSION);
            writeEntryFields(generator, partition, offset);
            generator.writeEndObject();
        });
    }

    /**
     * Decodes an entry written by {@link #encodeEntry} of this or an older version.
     *
     * @param origin where it comes from, for messages, such as {@code "offset record 12:3:0 of connector orders"}
     * @throws OffsetStoreException when the entry is damaged or has a newer format version
     */
    public Map.Entry<SourcePartition, SourceOffset> decodeEntry(byte[] json, String origin) {
        requireNonNull(json, "json is null");
        Reading reading = new Reading(requireNonNull(origin, "origin is null"));
        return reading.entry(reading.versioned(json), null);
    }

    /**
     * Encodes a partition's fields as compact JSON text. Equal partitions give equal text, so it
     * serves as a key, for example of a compacted topic or a table row. It carries no version.
     */
    public String encodePartition(SourcePartition partition) {
        requireNonNull(partition, "partition is null");
        return new String(write(generator -> writeFields(generator, partition.fields())), StandardCharsets.UTF_8);
    }

    /**
     * Decodes text written by {@link #encodePartition}.
     *
     * @throws OffsetStoreException when the text is not a partition
     */
    public SourcePartition decodePartition(String json, String origin) {
        requireNonNull(json, "json is null");
        Reading reading = new Reading(requireNonNull(origin, "origin is null"));
        return new SourcePartition(reading.fields(reading.parse(json.getBytes(StandardCharsets.UTF_8)), "partition"));
    }

    private static void writeEntryFields(JsonGenerator generator, SourcePartition partition, SourceOffset offset)
            throws IOException {
        generator.writeFieldName(PARTITION_FIELD);
        writeFields(generator, partition.fields());
        generator.writeFieldName(OFFSET_FIELD);
        writeFields(generator, offset.fields());
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
                // Written as Double.toString does, always with a fraction or an exponent, so it reads back as a Double.
                generator.writeNumber(number);
            } else if (value instanceof Double number) {
                // JSON has no number for NaN or the infinities.
                generator.writeStartObject();
                generator.writeStringField(DOUBLE_FIELD, number.toString());
                generator.writeEndObject();
            } else if (value instanceof Boolean flag) {
                generator.writeBoolean(flag);
            } else {
                throw new IllegalArgumentException("field '" + field.getKey() + "' has a value of type "
                        + value.getClass().getName() + ", which SourcePartition and SourceOffset never hold");
            }
        }
        generator.writeEndObject();
    }

    private interface JsonWriting {
        void writeTo(JsonGenerator generator) throws IOException;
    }

    private static byte[] write(JsonWriting writing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            writing.writeTo(generator);
        } catch (IOException e) {
            // The output is in memory and every value has a JSON form, so only a bug in Jackson gets here.
            throw new OffsetStoreException("could not encode offsets as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * The data is damaged (cut short, not JSON, or not in this format), as opposed to written by a
     * newer Tributary; a store may then fall back to an older copy it keeps.
     */
    static final class DamagedDataException extends OffsetStoreException {
        private static final long serialVersionUID = 1L;

        private final String problem;

        DamagedDataException(String message, String problem) {
            super(message);
            this.problem = problem;
        }

        /** What is wrong, without the origin or the fix, such as {@code it is empty}. */
        String problem() {
            return problem;
        }
    }

    /** One decoding, with the origin that every message names. */
    private record Reading(String origin) {
        JsonNode parse(byte[] json) {
            JsonNode root;
            try {
                root = MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw damaged(describe(e));
            } catch (IOException e) {
                throw damaged(e.getMessage());
            }
            if (root == null || root.isMissingNode()) {
                throw damaged("it is empty");
            }
            return root;
        }

        JsonNode versioned(byte[] json) {
            JsonNode root = parse(json);
            if (!root.isObject()) {
                throw damaged("it is " + kind(root) + ", not a JSON object");
            }
            JsonNode version = root.get(VERSION_FIELD);
            if (version == null) {
                throw damaged("it has no \"" + VERSION_FIELD + "\" field");
            }
            if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 1) {
                throw damaged("its \"" + VERSION_FIELD + "\" is " + version + ", not a format version");
            }
            if (version.intValue() > VERSION) {
                throw new OffsetStoreException(origin + " has format version " + version.intValue()
                        + ", newer than this Tributary understands (" + VERSION
                        + "); upgrade Tributary or restore it from a backup");
            }
            return root;
        }

        /** Reads an entry; {@code where} places it in the document, or is null for a document that is one entry. */
        Map.Entry<SourcePartition, SourceOffset> entry(JsonNode node, String where) {
            if (!node.isObject()) {
                throw damaged((where == null ? "it" : where) + " is " + kind(node) + ", not a JSON object");
            }
            String prefix = where == null ? "" : where + ", ";
            SourcePartition partition = new SourcePartition(fields(node.get(PARTITION_FIELD), prefix + PARTITION_FIELD));
            SourceOffset offset = new SourceOffset(fields(node.get(OFFSET_FIELD), prefix + OFFSET_FIELD));
            return Map.entry(partition, offset);
        }

        Map<String, Object> fields(JsonNode node, String what) {
            if (node == null) {
                throw damaged(what + " is missing");
            }
            if (!node.isObject()) {
                throw damaged(what + " is " + kind(node) + ", not a JSON object");
            }
            if (node.isEmpty()) {
                throw damaged(what + " has no fields");
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                fields.put(field.getKey(), value(field.getValue(), what + " field \"" + field.getKey() + "\""));
            }
            return fields;
        }

        Object value(JsonNode node, String what) {
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
                throw damaged(what + " is " + node + ", a whole number too large for a Long");
            }
            if (node.isFloatingPointNumber()) {
                double number = node.doubleValue();
                if (Double.isFinite(number)) {
                    return number;
                }
                throw damaged(what + " is a number too large for a Double");
            }
            JsonNode special = node.get(DOUBLE_FIELD);
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
            throw damaged(what + " is " + kind(node) + ", not a string, a number or a boolean");
        }

        OffsetStoreException damaged(String problem) {
            return new DamagedDataException(origin + " is damaged: " + problem
                    + "; restore it from a backup, or delete it so that the connectors start again from their"
                    + " initial positions", problem);
        }

        private static String describe(JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String at = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            if (e instanceof JsonEOFException) {
                return "its JSON ends early" + at + ", as if the data were cut short";
            }
            if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
                return "more follows its JSON value" + at;
            }
            // Jackson's own words, without the source description it adds to some of them.
            String message = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("")
                    .replaceAll(" ?\\(?\\[Source: [^\\]]*\\]\\)?", "");
            return "it is not valid JSON (" + message + ")" + at;
        }

        private static String kind(JsonNode node) {
            return switch (node.getNodeType()) {
                case ARRAY -> "an array";
                case OBJECT -> "an object";
                case NULL -> "null";
                default -> node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
            };
        }
    }
}
