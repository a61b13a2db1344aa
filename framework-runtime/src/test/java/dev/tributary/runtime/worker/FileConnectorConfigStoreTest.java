package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void toStringShowsKeysButNoValues() {
        assertThat(new StoredConnector(Map.of("password", "hunter2"), TargetState.STARTED).toString())
                .contains("password").doesNotContain("hunter2");
    }
}
