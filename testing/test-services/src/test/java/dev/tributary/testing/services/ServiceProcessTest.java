package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {
    @TempDir
    Path dir;

    @Test
    void failsInOneLineNamingTheLogWhenTheProcessDiesBeforeItIsHealthy() {
        ServiceProcess process = ServiceProcess.start("dying service",
                List.of("bash", "-c", "echo boom; exit 3"), Map.of(), dir, dir.resolve("dying.log"));

        assertThatThrownBy(() -> process.awaitHealthy(Duration.ofSeconds(30), () -> false))
                .isInstanceOf(ServiceStartException.class)
                .hasMessage("dying service exited with code 3 before it became healthy; see " + dir.resolve("dying.log"));
        assertThat(dir.resolve("dying.log")).content().contains("boom");
    }

    @Test
    void failsInOneLineAndStopsTheProcessWhenItIsNeverHealthy() {
        ServiceProcess process = ServiceProcess.start("slow service",
                List.of("sleep", "60"), Map.of(), dir, dir.resolve("slow.log"));

        assertThatThrownBy(() -> process.awaitHealthy(Duration.ofMillis(300), () -> false))
                .isInstanceOf(ServiceStartException.class)
                .hasMessageContaining("slow service did not become healthy within 0 s; see ")
                .hasMessageNotContaining("\n");
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void returnsOnceHealthyAndStopRemovesThePidFile() {
        ServiceProcess process = ServiceProcess.start("sleeper",
                List.of("sleep", "60"), Map.of(), dir, dir.resolve("sleeper.log"));

        process.awaitHealthy(Duration.ofSeconds(5), () -> true);
        assertThat(dir.resolve("sleeper.pid")).exists();
        process.stop();

        assertThat(process.isAlive()).isFalse();
        assertThat(dir.resolve("sleeper.pid")).doesNotExist();
    }

    @Test
    void aLaterStartStopsTheProcessThatAKilledRunLeftBehind() throws Exception {
        ServiceProcess first = ServiceProcess.start("leftover",
                List.of("sleep", "60"), Map.of(), dir, dir.resolve("leftover.log"));
        long leftoverPid = Long.parseLong(Files.readString(dir.resolve("leftover.pid")).split(" ")[0]);

        // A new start in the same place reads the pid file, as after a test JVM killed with SIGKILL.
        ServiceProcess second = ServiceProcess.start("leftover",
                List.of("sleep", "60"), Map.of(), dir, dir.resolve("leftover.log"));
        try {
            assertThat(first.isAlive()).isFalse();
            assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(second.isAlive()).isTrue();
        } finally {
            second.stop();
        }
    }

    @Test
    void aStalePidFileNamingAnotherProcessIsIgnored() throws Exception {
        long self = ProcessHandle.current().pid();
        Files.writeString(dir.resolve("stale.pid"), self + " 1970-01-01T00:00:00Z");

        ServiceProcess.stopLeftover(dir.resolve("stale.pid"));

        assertThat(ProcessHandle.current().isAlive()).isTrue();
        assertThat(dir.resolve("stale.pid")).doesNotExist();
    }

    @Test
    void aMissingCommandFailsInOneLine() {
        assertThatThrownBy(() -> ServiceProcess.start("ghost",
                List.of("/nonexistent/ghost-binary"), Map.of(), dir, dir.resolve("ghost.log")))
                .isInstanceOf(ServiceStartException.class)
                .hasMessageStartingWith("ghost could not be started (/nonexistent/ghost-binary: ")
                .hasMessageNotContaining("\n");
    }
}
