package dev.tributary.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate --worker} rejects what {@code start} rejects, with the same lines, short of connecting. */
class MainWorkerCheckTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void validateRejectsAWorkerConfigThatStartRejectsWithTheSameLines() throws Exception {
        Path worker = write("worker.properties", """
                offset.store=nosuchstore
                listeners=ftp://127.0.0.1:8083
                pulsar.auth.plugin=org.example.NoSuchAuthentication
                pulsar.auth.params=token:TOPSECRET
                """);
        Path connector = write("datagen.properties", "name=demo\nconnector.class=datagen\ntopic=t\n");

        int validated = run("validate", "--worker", worker.toString(), connector.toString());
        List<String> validateErrors = errLines();
        err.reset();
        int started = run("start", worker.toString(), connector.toString());

        assertThat(validated).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("OK:");
        assertThat(validateErrors).first().isEqualTo("Invalid worker config " + worker + ":");
        assertThat(validateErrors).anySatisfy(line -> assertThat(line).startsWith("  - offset.store: 'nosuchstore'"))
                .anySatisfy(line -> assertThat(line).startsWith("  - listeners: "))
                .anySatisfy(line -> assertThat(line).startsWith("  - pulsar.auth.plugin: cannot load the authentication plugin 'org.example.NoSuchAuthentication'"));
        assertThat(started).isEqualTo(2);
        assertThat(errLines()).isEqualTo(validateErrors);
        assertThat(out.toString(StandardCharsets.UTF_8) + err).doesNotContain("TOPSECRET", "\tat ", "Exception");
    }

    @Test
    void validateRejectsAMissingCredentialsFileAndABadStoreKey() throws Exception {
        Path worker = write("worker.properties", """
                offset.store=pulsar
                offset.pulsar.operation.timeout=1ms
                rest.auth.basic.file=%s
                """.formatted(dir.resolve("no-such-users.properties")));
        Path connector = write("datagen.properties", "name=demo\nconnector.class=datagen\ntopic=t\n");

        assertThat(run("validate", "--worker", worker.toString(), connector.toString())).isEqualTo(2);

        assertThat(errLines()).anySatisfy(line -> assertThat(line).startsWith("  - offset.pulsar.operation.timeout: "))
                .anySatisfy(line -> assertThat(line).startsWith("  - rest.auth.basic.file: "));
    }

    @Test
    void validateAcceptsThePulsarStoreWithoutItsOwnServiceUrl() throws Exception {
        Path worker = write("worker.properties", """
                pulsar.service.url=pulsar://127.0.0.1:1
                offset.store=pulsar
                """);
        Path connector = write("datagen.properties", "name=demo\nconnector.class=datagen\ntopic=t\n");

        assertThat(run("validate", "--worker", worker.toString(), connector.toString())).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK: demo");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()).run(args, false);
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
