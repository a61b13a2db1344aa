package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertiesTextTest {
    @Test
    void replacesExistingKeysInPlaceAndKeepsComments() {
        String text = "# broker port\nbrokerServicePort=6650\nwebServicePort = 8080\nother=x\n";

        String result = PropertiesText.withOverrides(text, Map.of("brokerServicePort", "1234", "webServicePort", "5678"));

        assertThat(result).isEqualTo("# broker port\nbrokerServicePort=1234\nwebServicePort=5678\nother=x\n");
    }

    @Test
    void appendsMissingKeysInTheOrderGiven() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("b", "2");
        overrides.put("a", "1");

        String result = PropertiesText.withOverrides("x=0", overrides);

        assertThat(result).isEqualTo("x=0\n# Added for tests\nb=2\na=1\n");
    }

    @Test
    void dropsLaterDuplicatesOfAnOverriddenKey() {
        String result = PropertiesText.withOverrides("port=1\nport=2\n", Map.of("port", "9"));

        assertThat(result).isEqualTo("port=9\n");
    }

    @Test
    void leavesCommentedOutKeysAlone() {
        String result = PropertiesText.withOverrides("#port=1\n", Map.of("port", "9"));

        assertThat(result).isEqualTo("#port=1\n# Added for tests\nport=9\n");
    }
}
