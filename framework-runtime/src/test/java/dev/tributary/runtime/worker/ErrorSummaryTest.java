package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorSummaryTest {
    @Test
    void joinsTheCauseChainOnOneLine() {
        Exception error = new IllegalStateException("send failed", new IOException("connection refused\nat host"));

        assertThat(ErrorSummary.of(error))
                .isEqualTo("IllegalStateException: send failed; caused by IOException: connection refused at host");
    }

    @Test
    void skipsACauseWhoseTextIsAlreadyShown() {
        IOException cause = new IOException("disk full");
        Exception wrapper = new RuntimeException(cause);

        assertThat(ErrorSummary.of(wrapper)).isEqualTo("RuntimeException: java.io.IOException: disk full");
    }
}
