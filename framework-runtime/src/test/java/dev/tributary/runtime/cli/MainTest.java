package dev.tributary.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's answers to bad input: exit code 2, one readable line per bad field, no stack trace. */
class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void invalidWorkerConfigExitsTwoWithOneLinePerField() throws Exception {
        Path worker = write("worker.properties", """
                pulsar.service.url=localhost:6650
                worker.threads=0
                offset.flush.interval.ms=soon
                pulsar.auth.params=token:TOPSECRET
                lisener=x
                """);

        int code = run("start", worker.toString());

        assertThat(code).isEqualTo(2);
        assertThat(errLines()).containsExactly(
                "Invalid worker config " + worker + ":",
                "  - pulsar.service.url: 'localhost:6650' must be a pulsar:// or pulsar+ssl:// URL",
                "  - offset.flush.interval.ms: 'soon' is not a whole number from 10 to 9223372036854775807",
                "  - worker.threads: '0' must be from 1 to 1024",
                "  - lisener: is not a known key; did you mean listeners?");
        assertNoStackTraceOrSecret();
    }

    @Test
    void invalidConnectorConfigsReportEveryFieldOfEveryFile() throws Exception {
        Path worker = write("worker.properties", "offset.store=memory\n");
        Path first = write("first.properties", """
                name=bad name!
                connector.class=datagen
                tasks.max=zero
                topic=t
                rate=-5
                recordsize=10
                """);
        Path second = write("second.properties", """
                name=ok
                connector.class=nosuchconnector
                topic=t
                """);

        int code = run("start", worker.toString(), first.toString(), second.toString());

        assertThat(code).isEqualTo(2);
        String errors = err.toString(StandardCharsets.UTF_8);
        assertThat(errors).contains("Invalid connector config " + first + ":",
                "  - name: 'bad name!' ",
                "  - tasks.max: 'zero' is not a whole number from 1 to 1024",
                "  - rate: '-5' must be at least 0",
                "  - recordsize: is not a known key; did you mean record.size?",
                "Invalid connector config " + second + ":",
                "  - connector.class: 'nosuchconnector' is not installed; installed: datagen");
        assertThat(errors.lines().filter(l -> l.startsWith("  - ")).count()).isEqualTo(5);
        assertNoStackTraceOrSecret();
    }

    @Test
    void validateAcceptsAGoodConfig() throws Exception {
        Path connector = write("datagen.properties", "name=demo\nconnector.class=datagen\ntopic=t\n");

        assertThat(run("validate", connector.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK: demo");
    }

    @Test
    void validateReadsTheInstallationsWorkerConfigWhenNoneIsGiven() throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/worker.properties"), "plugin.path=missing-plugins\n");
        Path connector = write("datagen.properties", "name=demo\nconnector.class=datagen\ntopic=t\n");
        String before = System.getProperty("tributary.home");
        System.setProperty("tributary.home", dir.toString());
        try {
            // The installation's plugin.path names a folder that does not exist, which proves it was read.
            assertThat(run("validate", connector.toString())).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("plugin.path: " + dir.resolve("missing-plugins"));
        } finally {
            if (before == null) {
                System.clearProperty("tributary.home");
            } else {
                System.setProperty("tributary.home", before);
            }
        }
    }

    @Test
    void unknownCommandsAndMissingArgumentsAreUsageErrors() {
        assertThat(run("launch")).isEqualTo(2);
        assertThat(run("start")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: unknown command 'launch'",
                "error: start needs a worker config file");
        assertNoStackTraceOrSecret();
    }

    @Test
    void helpAndVersionAndPluginsWork() {
        assertThat(run("--help")).isZero();
        assertThat(run("start", "--help")).isZero();
        assertThat(run("version")).isZero();
        assertThat(run("plugins", "list")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: connect-runtime", "tributary ",
                "datagen", "memory", "file");
    }

    @Test
    void aPulsarIoFileWithoutClassNameIsToldToSetConnectorClass() throws Exception {
        Path file = write("kinesis-source.yaml", "configs:\n  awsRegion: us-east-1\n");

        assertThat(run("validate", file.toString())).isEqualTo(2);

        assertThat(errLines()).anySatisfy(line -> assertThat(line).startsWith("  - connector.class: is required")
                .contains("add className, or run with --set connector.class="));
    }

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()).run(args, false);
    }

    private java.util.List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private void assertNoStackTraceOrSecret() {
        String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(all).doesNotContain("\tat ", "Exception", "TOPSECRET");
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
