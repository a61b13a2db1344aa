package dev.tributary.testing.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A service run as a child process of the test JVM, with its output in a log file.
 *
 * <p>Its pid is written to a file beside the log, so that a later run can stop a process that
 * an earlier, killed test JVM left behind.
 */
public final class ServiceProcess {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Path pidFile;

    private ServiceProcess(String name, Process process, Path logFile, Path pidFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.pidFile = pidFile;
    }

    /**
     * Starts {@code command} in {@code workDir}, appending its output to {@code logFile}. A
     * process left behind by an earlier run in the same work directory is stopped first.
     */
    public static ServiceProcess start(
            String name, List<String> command, Map<String, String> env, Path workDir, Path logFile) {
        Path pidFile = workDir.resolve(name.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase() + ".pid");
        stopLeftover(pidFile);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String startedAt = process.info().startInstant().map(Instant::toString).orElse("");
            Files.writeString(pidFile, process.pid() + " " + startedAt, StandardCharsets.UTF_8);
            return new ServiceProcess(name, process, logFile, pidFile);
        } catch (IOException e) {
            throw new ServiceStartException(name + " could not be started (" + command.get(0) + ": "
                    + e.getMessage() + "); see " + logFile);
        }
    }

    /**
     * Polls {@code healthy} until it returns true. Fails in one line, naming the log file, if
     * the process exits first or the timeout passes.
     */
    public void awaitHealthy(Duration timeout, BooleanSupplier healthy) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new ServiceStartException(name + " exited with code " + process.exitValue()
                        + " before it became healthy; see " + logFile);
            }
            if (healthy.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new ServiceStartException(name + " did not become healthy within "
                        + timeout.toSeconds() + " s; see " + logFile);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new ServiceStartException(name + " start was interrupted; see " + logFile);
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Asks the process to stop, and kills it and its children if it has not within 10 s. */
    public void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // a stale pid file is checked against the start time before it is acted on
        }
    }

    /** Kills the process named in {@code pidFile} if it is still the one that wrote the file. */
    static void stopLeftover(Path pidFile) {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            String[] parts = Files.readString(pidFile, StandardCharsets.UTF_8).trim().split(" ", 2);
            long pid = Long.parseLong(parts[0]);
            String startedAt = parts.length > 1 ? parts[1] : "";
            Optional<ProcessHandle> leftover = ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().startInstant().map(Instant::toString).orElse("-").equals(startedAt));
            leftover.ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
                h.onExit().join();
            });
            Files.delete(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // an unreadable pid file names no process we could safely stop
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
