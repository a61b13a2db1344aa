package dev.tributary.kinesis.reader;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offsets a task starts from where the offset store has none, as the connector hands them over in
 * the task config: those imported from a KCL lease table ({@code kclLeaseTable}). The text holds
 * each partition's stream and shard and the offset's fields, typed; stream names, shard ids and the
 * offsets' text values (sequence numbers, start positions) hold no ',', ';', '|' or ':'.
 */
public final class StartOffsets {
    private static final String ENTRY = ";";
    private static final String FIELD = ",";
    private static final String OFFSET_FIELD = "|";
    private static final String PART = ":";

    private StartOffsets() {
    }

    public static String encode(Map<SourcePartition, SourceOffset> offsets) {
        List<String> entries = new ArrayList<>();
        offsets.forEach((partition, offset) -> {
            List<String> fields = new ArrayList<>();
            offset.fields().forEach((key, value) -> fields.add(key + PART + type(value) + PART + value));
            entries.add(partition.getString(KinesisOffsets.STREAM) + FIELD + partition.getString(KinesisOffsets.SHARD)
                    + FIELD + String.join(OFFSET_FIELD, fields));
        });
        return String.join(ENTRY, entries);
    }

    /** The offsets {@link #encode} wrote; empty for null or blank text. */
    public static Map<SourcePartition, SourceOffset> decode(String text) {
        Map<SourcePartition, SourceOffset> offsets = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return offsets;
        }
        for (String entry : text.split(ENTRY)) {
            String[] f = entry.split(FIELD, -1);
            if (f.length != 3 || f[2].isEmpty()) {
                throw new IllegalArgumentException("bad start offset: " + entry);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (String field : f[2].split("\\" + OFFSET_FIELD)) {
                String[] p = field.split(PART, 3);
                if (p.length != 3) {
                    throw new IllegalArgumentException("bad start offset field: " + field);
                }
                fields.put(p[0], switch (p[1]) {
                    case "s" -> p[2];
                    case "l" -> Long.parseLong(p[2]);
                    case "b" -> Boolean.parseBoolean(p[2]);
                    case "d" -> Double.parseDouble(p[2]);
                    default -> throw new IllegalArgumentException("bad start offset field type: " + field);
                });
            }
            offsets.put(KinesisOffsets.partition(f[0], f[1]), new SourceOffset(fields));
        }
        return offsets;
    }

    private static String type(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return "l";
        }
        if (value instanceof Boolean) {
            return "b";
        }
        if (value instanceof Double) {
            return "d";
        }
        return "s";
    }
}
