package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void aSecretIsMaskedWhereItStandsAloneNotInsideALongerWord() {
        assertThat(Redaction.redact("ConnectException: password x rejected", "x"))
                .isEqualTo("ConnectException: password [hidden] rejected");
        assertThat(Redaction.redact("jdbc:postgresql://u:pw@db/x?password=pw&pwd=pwpw", "pw"))
                .isEqualTo("jdbc:postgresql://u:[hidden]@db/x?password=[hidden]&pwd=pwpw");
        assertThat(Redaction.redact(null, "x")).isEqualTo("null");
        assertThat(Redaction.redact("nothing", "", null)).isEqualTo("nothing");
    }
}
