package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeJsTest {
    @ParameterizedTest
    @CsvSource({"v20.20.2, 20", "v18.0.0, 18", "16.3.1, 16", "v22, 22", "garbage, 0", "'', 0"})
    void readsTheMajorVersion(String output, int major) {
        assertThat(KinesisMock.NodeJs.majorVersion(output)).isEqualTo(major);
    }
}
