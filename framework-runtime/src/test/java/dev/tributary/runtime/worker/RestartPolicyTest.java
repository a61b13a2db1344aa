package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    @Test
    void backoffDoublesUpToTheMaximum() {
        RestartPolicy policy = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 5);

        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.backoff(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(60)).isEqualTo(Duration.ofSeconds(10));
    }
}
