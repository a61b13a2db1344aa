package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects samples and renders them in the Prometheus text exposition format 0.0.4. Samples are
 * grouped by family, so that each family's {@code # HELP} and {@code # TYPE} lines appear once,
 * before all its samples, however the samples were added. Families appear in the order they
 * were first added. Not thread-safe: one writer serves one scrape.
 */
final class ExpositionWriter {
    private final Map<String, Family> families = new LinkedHashMap<>();

    /**
     * Adds one sample.
     *
     * @param family the family name, as in the {@code # TYPE} line
     * @param sampleName the sample name: the family name, or it plus {@code _count} or {@code _sum}
     * @param labels labels already rendered by {@link #labels}, without braces; empty for none
     * @throws IllegalStateException when the family was added before with another type or help
     */
    void add(String family, MetricType type, String help, String sampleName, String labels, double value) {
        Family existing = families.computeIfAbsent(family, name -> new Family(type, help));
        if (existing.type != type || !existing.help.equals(help)) {
            throw new IllegalStateException("Metric family " + family + " is emitted with two types or help texts");
        }
        StringBuilder line = existing.samples.append(sampleName);
        if (!labels.isEmpty()) {
            line.append('{').append(labels).append('}');
        }
        line.append(' ').append(formatValue(value)).append('\n');
    }

    String render() {
        StringBuilder out = new StringBuilder();
        families.forEach((name, family) -> out
                .append("# HELP ").append(name).append(' ').append(escapeHelp(family.help)).append('\n')
                .append("# TYPE ").append(name).append(' ').append(family.type.text()).append('\n')
                .append(family.samples));
        return out.toString();
    }

    /** Renders label pairs as {@code a="x",b="y"}, escaping the values. */
    static String labels(Map<String, String> labels) {
        StringBuilder out = new StringBuilder();
        labels.forEach((name, value) -> appendLabel(out, name, value));
        return out.toString();
    }

    /** Appends one more label pair to labels rendered by {@link #labels}. */
    static String withLabel(String labels, String name, String value) {
        StringBuilder out = new StringBuilder(labels);
        appendLabel(out, name, value);
        return out.toString();
    }

    private static void appendLabel(StringBuilder out, String name, String value) {
        if (out.length() > 0) {
            out.append(',');
        }
        out.append(name).append("=\"").append(escapeLabelValue(value)).append('"');
    }

    /** Escapes a label value: backslash, double quote and line feed, as the format requires. */
    static String escapeLabelValue(String value) {
        requireNonNull(value, "value is null");
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Escapes help text: backslash and line feed (a quote needs no escape there). */
    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /**
     * Formats a sample value as Go's ParseFloat reads it: whole numbers without a fraction (so
     * counters read naturally), others in Java's shortest round-trip form, and NaN and the
     * infinities in the spelling the format defines.
     */
    static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static final class Family {
        final MetricType type;
        final String help;
        final StringBuilder samples = new StringBuilder();

        Family(MetricType type, String help) {
            this.type = type;
            this.help = help;
        }
    }
}
