package dev.tributary.runtime.metrics;

/** The Prometheus metric types this package emits, spelled as the {@code # TYPE} line wants. */
enum MetricType {
    COUNTER("counter"),
    GAUGE("gauge"),
    SUMMARY("summary");

    private final String text;

    MetricType(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }
}
