package dev.tributary.runtime.metrics;

import java.util.ArrayList;
import java.util.List;

/** Reads parts of a scrape back, for assertions. */
final class Scrapes {
    private Scrapes() {
    }

    /** The lines of one family, from its HELP line up to the next family's, each ending in a line feed. */
    static String family(String scrape, String name) {
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("# HELP ")) {
                inside = line.startsWith("# HELP " + name + " ");
            }
            if (inside) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The value of the sample written exactly as {@code series}, such as {@code a_total{x="y"}}. */
    static double value(String scrape, String series) {
        List<String> matches = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                matches.add(line.substring(series.length() + 1));
            }
        }
        if (matches.size() != 1) {
            throw new AssertionError("expected one sample " + series + ", found " + matches.size() + " in:\n" + scrape);
        }
        String text = matches.get(0);
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
