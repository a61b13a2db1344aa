package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class FileConnectorConfigStoreTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("data").resolve(FileConnectorConfigStore.FILE_NAME);
    }

    @Test
    void connectorsAndTargetStatesSurviveReopening() {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            assertThat(store.load()).isEmpty();
            store.put("a", new StoredConnector(Map.of("name", "a", "secret", "p@ss"), TargetState.STARTED));
            store.put("b", new StoredConnector(Map.of("name", "b"), TargetState.PAUSED));
            store.put("c", new StoredConnector(Map.of("name", "c"), TargetState.STOPPED));
            store.put("a", new StoredConnector(Map.of("name", "a", "secret", "new"), TargetState.STOPPED));
            store.remove("b");
            store.remove("unknown");
        }

        try (FileConnectorConfigStore reopened = new FileConnectorConfigStore(file())) {
            assertThat(reopened.load()).containsOnlyKeys("a", "c");
            assertThat(reopened.load().get("a")).isEqualTo(new StoredConnector(Map.of("name", "a", "secret", "new"),
                    TargetState.STOPPED));
            assertThat(reopened.load().get("c").targetState()).isEqualTo(TargetState.STOPPED);
        }
    }

    @Test
    void everyChangeReplacesTheFileWholeAndLeavesNoTemporaryFile() throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            store.put("a", new StoredConnector(Map.of("name", "a"), TargetState.STARTED));
        }
        Files.writeString(file().resolveSibling(FileConnectorConfigStore.FILE_NAME + ".123.tmp"), "half a write");

        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file());
             Stream<Path> files = Files.list(file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("a crash's leftover is deleted on open").containsExactlyInAnyOrder("connectors.json", "connectors.json.lock");
            assertThat(store.load()).containsOnlyKeys("a");
        }
    }

    @Test
    void theFileIsReadableByItsOwnerOnly() throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            store.put("a", new StoredConnector(Map.of("name", "a"), TargetState.STARTED));
        }
        if (Files.getFileStore(file()).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(file()))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void aSecondStoreOnTheSameFileIsRefused() {
        try (FileConnectorConfigStore first = new FileConnectorConfigStore(file())) {
            assertThat(first.file()).isEqualTo(file().toAbsolutePath().normalize());
            assertThatThrownBy(() -> new FileConnectorConfigStore(file()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("in use by another worker");
        }
    }

    @Test
    void aDamagedOrNewerFileIsReportedWithWhatToDo() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{not json");
        assertThatThrownBy(() -> new FileConnectorConfigStore(file()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is damaged").hasMessageContaining("move it away");

        Files.writeString(file(), "{\"version\":2,\"connectors\":[]}");
        assertThatThrownBy(() -> new FileConnectorConfigStore(file()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("newer Tributary");

        Files.writeString(file(), "{\"version\":1,\"connectors\":[{\"name\":\"a\",\"target_state\":\"FLYING\",\"config\":{}}]}");
        assertThatThrownBy(() -> new FileConnectorConfigStore(file()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("target_state");
    }

    @Test
    void eachChangeKeepsTheStateBeforeItAsThePreviousCopyReadableByItsOwnerOnly() throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            store.put("a", connector("a"));
            assertThat(previousCopy()).doesNotExist();
            store.put("b", connector("b"));
            assertThat(FileConnectorConfigStore.decode(Files.readAllBytes(previousCopy()), "prev")).containsOnlyKeys("a");
            store.remove("a");
            assertThat(FileConnectorConfigStore.decode(Files.readAllBytes(previousCopy()), "prev")).containsOnlyKeys("a", "b");
        }
        if (Files.getFileStore(file()).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(previousCopy()))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"version\":1,\"connectors\":[{\"name\":\"a\",\"tar", "\u0000\u0000\u0000\u0000",
            "[]", "{\"version\":1}", "{\"version\":1,\"connectors\":[{\"name\":\"a\",\"target_state\":\"STARTED\"}]}"})
    void aDamagedFileIsRecoveredFromItsPreviousCopyWithAWarningNamingBoth(String damaged) throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            store.put("a", new StoredConnector(Map.of("name", "a", "secret", "p@ssw0rd-value"), TargetState.STARTED));
            store.put("b", connector("b"));
        }
        Files.writeString(file(), damaged);

        List<String> warnings = warningsWhile(() -> {
            try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
                assertThat(store.load()).containsOnlyKeys("a");
                store.put("c", connector("c"));
                // The damaged file is replaced; the good previous copy stays.
                assertThat(FileConnectorConfigStore.decode(Files.readAllBytes(previousCopy()), "prev")).containsOnlyKeys("a");
            }
        });

        assertThat(warnings).singleElement().satisfies(w -> assertThat(w)
                .startsWith("connector file " + file().toAbsolutePath() + " is damaged (")
                .contains("using its previous copy " + previousCopy().toAbsolutePath() + " instead")
                .doesNotContain("p@ssw0rd-value"));
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            assertThat(store.load()).containsOnlyKeys("a", "c");
        }
    }

    @Test
    void aFileMissingBetweenTheTwoRenamesOfAChangeIsRecoveredFromThePreviousCopy() throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            store.put("a", connector("a"));
            store.put("b", connector("b"));
        }
        Files.move(file(), previousCopy(), StandardCopyOption.REPLACE_EXISTING);

        List<String> warnings = warningsWhile(() -> {
            try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
                assertThat(store.load()).containsOnlyKeys("a", "b");
            }
        });

        assertThat(warnings).singleElement().satisfies(w -> assertThat(w)
                .startsWith("connector file " + file().toAbsolutePath() + " is missing; using its previous copy "
                        + previousCopy().toAbsolutePath()));
    }

    @Test
    void aDamagedFileAndADamagedPreviousCopyGiveAnErrorNamingBothAndTheFix() throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            store.put("a", connector("a"));
            store.put("b", connector("b"));
        }
        Files.writeString(file(), "{\"version\":1,\"conn");
        Files.writeString(previousCopy(), "");

        assertThatThrownBy(() -> new FileConnectorConfigStore(file()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("connector file " + file().toAbsolutePath() + " is damaged (it is not JSON) and so is its"
                        + " previous copy " + previousCopy().toAbsolutePath() + " (it is not a JSON object). Restore "
                        + file().toAbsolutePath() + " from a backup, or move both files away to start without stored"
                        + " connectors");

        Files.delete(file());
        assertThatThrownBy(() -> new FileConnectorConfigStore(file()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("connector file " + file().toAbsolutePath() + " is missing and its previous copy "
                        + previousCopy().toAbsolutePath() + " is damaged (it is not a JSON object). Restore "
                        + file().toAbsolutePath() + " from a backup, or move " + previousCopy().toAbsolutePath()
                        + " away to start without stored connectors");
    }

    @Test
    void aFileOfANewerVersionIsNotRolledBackToThePreviousCopy() throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(file())) {
            store.put("a", connector("a"));
            store.put("b", connector("b"));
        }
        Files.writeString(file(), "{\"version\":2,\"connectors\":[]}");

        assertThatThrownBy(() -> new FileConnectorConfigStore(file()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("newer Tributary");
    }

    private Path previousCopy() {
        return file().resolveSibling(FileConnectorConfigStore.FILE_NAME + ".prev");
    }

    private static StoredConnector connector(String name) {
        return new StoredConnector(Map.of("name", name), TargetState.STARTED);
    }

    /** Runs {@code action} and returns the WARN lines the store logged meanwhile. */
    private static List<String> warningsWhile(ThrowingRunnable action) throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(FileConnectorConfigStore.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            action.run();
        } finally {
            logger.detachAppender(logs);
        }
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void toStringShowsKeysButNoValues() {
        assertThat(new StoredConnector(Map.of("password", "hunter2"), TargetState.STARTED).toString())
                .contains("password").doesNotContain("hunter2");
    }
}
