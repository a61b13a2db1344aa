package dev.tributary.runtime.metrics;

/** The Prometheus metric types this package emits, spelled in error messages as Prometheus spells them. */
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
