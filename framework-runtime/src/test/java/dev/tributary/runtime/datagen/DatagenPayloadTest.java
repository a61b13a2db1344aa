package dev.tributary.runtime.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DatagenPayloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void isJsonOfExactlyTheSizeWhenTheIdFits() throws Exception {
        for (int size : new int[] {32, 33, 100, 4096}) {
            byte[] value = DatagenPayload.encode("3-17", size);

            assertThat(value).hasSize(size);
            JsonNode json = JSON.readTree(value);
            assertThat(json.get("id").asText()).isEqualTo("3-17");
            assertThat(json.get("pad").asText()).matches("x*");
            assertThat(DatagenPayload.idOf(value)).isEqualTo("3-17");
        }
    }

    @Test
    void theSmallestFramedValueHasNoPadding() {
        byte[] value = DatagenPayload.encode("12-34567890123", 32);

        assertThat(new String(value, StandardCharsets.US_ASCII)).isEqualTo("{\"id\":\"12-34567890123\",\"pad\":\"\"}");
    }

    @Test
    void isTheBareIdAndSpacesWhenTheFrameDoesNotFit() {
        String longest = Integer.MAX_VALUE + "-" + Long.MAX_VALUE;

        byte[] value = DatagenPayload.encode(longest, 32);

        assertThat(value).hasSize(32);
        assertThat(new String(value, StandardCharsets.US_ASCII)).isEqualTo(longest + "  ");
        assertThat(DatagenPayload.idOf(value)).isEqualTo(longest);
        assertThat(DatagenPayload.idOf(DatagenPayload.encode(longest, longest.length()))).isEqualTo(longest);
    }

    @Test
    void idOfRejectsOtherValues() {
        assertThatThrownBy(() -> DatagenPayload.idOf("hello world".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a datagen value");
        assertThatThrownBy(() -> DatagenPayload.idOf(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatagenPayload.idOf("{\"id\":\"x-1\"}".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
