package dev.tributary.kinesis.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.docs.ConfigReference;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/configuration.md equal to what the config schemas say. This module's tests see
 * every built-in schema: the worker's, the runtime's, datagen, the offset stores and Kinesis.
 * To regenerate after changing a schema, run:
 * {@code ./mvnw -pl connector-kinesis -am test -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dtributary.docs.regenerate=true}
 */
class ConfigurationReferenceTest {
    @Test
    void configurationReferenceMatchesTheSchemas() throws Exception {
        Path file = Paths.get(System.getProperty("tributary.docs.file", "../docs/configuration.md"));
        String expected = ConfigReference.render(ConfigReference.sections(PluginRegistry.discover(List.of())));
        if (Boolean.getBoolean("tributary.docs.regenerate")) {
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }

        assertThat(Files.exists(file)).as("%s exists", file).isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as("docs/configuration.md is out of date; regenerate it with: ./mvnw -pl connector-kinesis -am test "
                        + "-Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false "
                        + "-Dtributary.docs.regenerate=true")
                .isEqualTo(expected);
    }
}
