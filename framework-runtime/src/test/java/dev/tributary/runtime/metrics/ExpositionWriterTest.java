package dev.tributary.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionWriterTest {
    @Test
    void escapesBackslashQuoteAndNewlineInLabelValues() {
        assertThat(ExpositionWriter.escapeLabelValue("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
        assertThat(ExpositionWriter.escapeLabelValue("plain ünïcode")).isEqualTo("plain ünïcode");
    }

    @Test
    void escapesBackslashAndNewlineButNotQuotesInHelp() {
        assertThat(ExpositionWriter.escapeHelp("say \"hi\"\\\nbye")).isEqualTo("say \"hi\"\\\\\\nbye");
    }

    @Test
    void formatsValuesAsPrometheusParsesThem() {
        assertThat(ExpositionWriter.formatValue(42)).isEqualTo("42");
        assertThat(ExpositionWriter.formatValue(-3)).isEqualTo("-3");
        assertThat(ExpositionWriter.formatValue(0.001)).isEqualTo("0.001");
        assertThat(ExpositionWriter.formatValue(1.5e-7)).isEqualTo("1.5E-7");
        assertThat(ExpositionWriter.formatValue(Double.NaN)).isEqualTo("NaN");
        assertThat(ExpositionWriter.formatValue(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(ExpositionWriter.formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(ExpositionWriter.formatValue(1e20)).isEqualTo("1.0E20");
    }

    @Test
    void groupsSamplesUnderOneHeaderPerFamilyInFirstSeenOrder() {
        ExpositionWriter out = new ExpositionWriter();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("x", "1");
        out.add("b_total", MetricType.COUNTER, "B.", "b_total", ExpositionWriter.labels(a), 1);
        out.add("a", MetricType.GAUGE, "A.", "a", "", 2);
        out.add("b_total", MetricType.COUNTER, "B.", "b_total", ExpositionWriter.withLabel("", "x", "2"), 3);

        assertThat(out.render()).isEqualTo("""
                # HELP b_total B.
                # TYPE b_total counter
                b_total{x="1"} 1
                b_total{x="2"} 3
                # HELP a A.
                # TYPE a gauge
                a 2
                """);
    }

    @Test
    void refusesOneFamilyWithTwoTypes() {
        ExpositionWriter out = new ExpositionWriter();
        out.add("a", MetricType.GAUGE, "A.", "a", "", 1);

        assertThatThrownBy(() -> out.add("a", MetricType.COUNTER, "A.", "a", "", 1))
                .isInstanceOf(IllegalStateException.class);
    }
}
