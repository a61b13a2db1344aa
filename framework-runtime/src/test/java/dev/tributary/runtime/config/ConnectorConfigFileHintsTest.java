package dev.tributary.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ConnectorValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that leaves out connector.class or topic is told how to give them, in its own layout or with --set. */
class ConnectorConfigFileHintsTest {
    private static final ConnectorValidator VALIDATOR = new ConnectorValidator(PluginRegistry.discover(List.of()));
    private static final List<String> INSTALLED = List.of("kinesis", "datagen");

    @TempDir
    Path dir;

    @Test
    void aPulsarIoConfigWithoutClassNameOrTopicNameIsToldOfBothAndOfSet() throws Exception {
        Path file = write("kinesis-source.yaml", """
                configs:
                  awsRegion: us-east-1
                  awsKinesisStreamName: my-stream
                """);

        List<String> lines = explained(file);

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("connector.class: is required")
                .endsWith("; a Pulsar IO config names it in className, which this file lacks: add className, or run"
                        + " with --set connector.class=kinesis (or the connector's class name)"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("topic: is required")
                .contains("add topicName, or run with --set topic=persistent://public/default/my-topic"));
    }

    @Test
    void aFlatFileIsToldToAddTheKeyOrSetItAndWhichConnectorsAreInstalled() throws Exception {
        Path file = write("kinesis-source.json", """
                {"awsRegion": "us-east-1", "awsKinesisStreamName": "my-stream", "topic": "t"}
                """);

        List<String> lines = explained(file);

        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("connector.class: is required")
                .endsWith("; add connector.class to the file, or run with --set connector.class=<connector>"
                        + " (an alias or a class name; installed: datagen, kinesis)"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).startsWith("topic:"));
    }

    @Test
    void otherLinesAndCompleteFilesAreLeftAsTheyAre() throws Exception {
        Path file = write("demo.properties", "connector.class=datagen\ntopic=t\nrate=-1\n");
        ConnectorConfigFile read = ConnectorConfigFiles.read(file, Map.of());
        List<String> lines = VALIDATOR.validate(read.config()).errorLines();

        assertThat(lines).isNotEmpty();
        assertThat(read.explain(lines, INSTALLED)).isEqualTo(lines);
    }

    private List<String> explained(Path file) {
        ConnectorConfigFile read = ConnectorConfigFiles.read(file, Map.of());
        return read.explain(VALIDATOR.validate(read.config()).errorLines(), INSTALLED);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
