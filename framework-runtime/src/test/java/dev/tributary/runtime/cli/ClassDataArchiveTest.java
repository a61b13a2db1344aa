package dev.tributary.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
    @TempDir
    Path dir;

    private final List<Path> asked = new ArrayList<>();

    /** Stands in for the JVM: writes some bytes where it is told to, as VM.cds dynamic_dump does. */
    private final ClassDataArchive.Dumper writes = file -> {
        asked.add(file);
        Files.write(file, new byte[] {1, 2, 3});
        return "Dynamic dump:";
    };

    @Test
    void writesToAFileOfItsOwnThenRenamesItIntoPlace() throws Exception {
        Path archive = dir.resolve("tributary-1.jsa");

        assertThat(new ClassDataArchive(archive, Duration.ZERO, writes).write()).isTrue();

        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).isNotEqualTo(archive);
        assertThat(asked.get(0).getParent()).isEqualTo(dir);
        assertThat(archive).hasBinaryContent(new byte[] {1, 2, 3});
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(archive);
        }
    }

    @Test
    void leavesAnArchiveAnotherWorkerWroteAlone() throws Exception {
        Path archive = Files.write(dir.resolve("tributary-1.jsa"), new byte[] {9});

        assertThat(new ClassDataArchive(archive, Duration.ZERO, writes).write()).isFalse();

        assertThat(asked).isEmpty();
        assertThat(archive).hasBinaryContent(new byte[] {9});
    }

    @Test
    void aRefusalOrAFailureLeavesNoFileBehind() {
        Path archive = dir.resolve("tributary-1.jsa");
        ClassDataArchive.Dumper refuses = file -> "Dump dynamic should run with -XX:+RecordDynamicDumpInfo";
        ClassDataArchive.Dumper failsHalfWay = file -> {
            Files.write(file, new byte[] {1});
            throw new IllegalStateException("out of disk");
        };

        assertThat(new ClassDataArchive(archive, Duration.ZERO, refuses).write()).isFalse();
        assertThat(new ClassDataArchive(archive, Duration.ZERO, failsHalfWay).write()).isFalse();

        assertThat(dir).isEmptyDirectory();
    }

    /** The real command, in a JVM that was not started to record: refused, reported, nothing written, nothing thrown. */
    @Test
    void theJvmsOwnCommandRefusesWithoutTheRecordingFlag() {
        Path archive = dir.resolve("tributary-1.jsa");

        assertThat(new ClassDataArchive(archive, Duration.ZERO, ClassDataArchive.JVM).write()).isFalse();

        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void writesLaterOnADaemonThreadUnlessCancelledFirst() {
        Path written = dir.resolve("a.jsa");
        new ClassDataArchive(written, Duration.ofMillis(50), writes).writeLater();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(written));

        ClassDataArchive cancelled = new ClassDataArchive(dir.resolve("b.jsa"), Duration.ofMillis(200), writes);
        cancelled.writeLater();
        cancelled.cancel();
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(dir.resolve("b.jsa")).doesNotExist();
        assertThat(asked).hasSize(1);
    }

    @Test
    void isAskedForByTheLaunchersProperties() {
        assertThat(ClassDataArchive.requested(Map.<String, String>of()::get, writes)).isEmpty();

        Optional<ClassDataArchive> asked = ClassDataArchive.requested(
                Map.of(ClassDataArchive.ARCHIVE_PROPERTY, dir.resolve("x.jsa").toString(),
                        ClassDataArchive.DELAY_PROPERTY, "0")::get, writes);
        assertThat(asked).isPresent();
        assertThat(asked.get().write()).isTrue();
        assertThat(dir.resolve("x.jsa")).exists();
    }

    @Test
    void aBadDelayFallsBackToTheDefault() {
        Optional<ClassDataArchive> asked = ClassDataArchive.requested(
                Map.of(ClassDataArchive.ARCHIVE_PROPERTY, dir.resolve("x.jsa").toString(),
                        ClassDataArchive.DELAY_PROPERTY, "soon")::get, writes);

        assertThat(asked).isPresent();
        assertThat(asked.get().delay()).isEqualTo(ClassDataArchive.DEFAULT_DELAY);
    }
}
