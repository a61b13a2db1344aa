package dev.tributary.kinesis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonStringObjectTest {

    @Test
    void readsMembersInOrderWithEscapes() {
        Map<String, String> members = JsonStringObject.parse(
                " {\n\t\"a\" : \"x\\\"y\\\\z\\/\" ,\"b\":\"\\u00e9\\n\\t\\r\\b\\f\",\"\\ud83d\\ude00\":\"\"}\r\n");

        assertThat(members).containsExactly(
                Map.entry("a", "x\"y\\z/"),
                Map.entry("b", "é\n\t\r\b\f"),
                Map.entry("😀", ""));
    }

    @Test
    void readsAnEmptyObject() {
        assertThat(JsonStringObject.parse("{ }")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "|it does not start with '{' at the end",
        "[]|it does not start with '{' at character 1",
        "{|expected a key in double quotes at the end",
        "{\"k\"|expected ':' at the end",
        "{\"k\":true}|expected a value in double quotes (every value must be a JSON string) at character 6",
        "{\"k\":\"v\",}|expected a key in double quotes at character 10",
        "{\"k\":\"\\u12\"}|a \\u escape needs four hex digits at character 11",
        "{\"k\":\"a\tb\"}|a string holds a line break or another control character; escape it at character 8",
        "{\"k\":\"v\"}x|there is more text after the closing '}' at character 10"})
    void saysWhereItIsWrongWithoutQuotingIt(String text, String problem) {
        assertThatThrownBy(() -> JsonStringObject.parse(text == null ? "" : text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("is not a valid JSON object: " + problem);
    }
}
