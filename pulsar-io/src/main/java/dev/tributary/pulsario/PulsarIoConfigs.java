package dev.tributary.pulsario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the {@code configs} object that Pulsar IO passes to {@code Source.open} into the text
 * values Tributary's config schemas read, the way the runtime reads the same file: numbers and
 * booleans as written, lists joined with commas, nested objects as compact JSON, null as absent.
 *
 * <p>Pulsar hands the values over already parsed, and on some paths through JSON without types:
 * an integer such as {@code receiveQueueSize: 2000} may arrive as the double {@code 2000.0}. A
 * double with no fraction is therefore written as the integer it is, so that an integer field
 * reads it as the user wrote it.
 */
final class PulsarIoConfigs {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private PulsarIoConfigs() {
    }

    /** The configs as text, in their order; a null map is empty. */
    static Map<String, String> toText(Map<String, Object> configs) {
        Map<String, String> text = new LinkedHashMap<>();
        if (configs == null) {
            return text;
        }
        configs.forEach((key, value) -> {
            String rendered = text(value);
            if (key != null && rendered != null) {
                text.put(key, rendered);
            }
        });
        return text;
    }

    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                return Long.toString((long) d);
            }
            return Double.isFinite(d) ? BigDecimal.valueOf(d).toPlainString() : value.toString();
        }
        if (value instanceof BigDecimal b) {
            return b.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Collection<?> items) {
            List<String> parts = new ArrayList<>();
            for (Object item : items) {
                String part = item instanceof Map<?, ?> || item instanceof Collection<?> ? json(item) : text(item);
                if (part != null) {
                    parts.add(part);
                }
            }
            return String.join(",", parts);
        }
        if (value instanceof Map<?, ?>) {
            return json(value);
        }
        return value.toString();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Values parsed from YAML or JSON are maps, lists and scalars, which always serialize.
            throw new IllegalStateException("a config value could not be written as JSON", e);
        }
    }
}
