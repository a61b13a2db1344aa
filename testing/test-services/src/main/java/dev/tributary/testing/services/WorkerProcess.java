package dev.tributary.testing.services;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Tributary worker run as its own JVM with {@code connect-runtime start}, on the test's class
 * path, so that a test can SIGKILL it. Its output goes to a log file.
 */
public final class WorkerProcess {
    private final Process process;
    private final Path log;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static WorkerProcess start(Path workerConfig, List<Path> connectorConfigs, Map<String, String> env, Path log)
            throws IOException {
        return start(workerConfig, connectorConfigs, env, List.of("-Xmx256m"), log);
    }

    /** As {@link #start(Path, List, Map, Path)}, with {@code jvmOptions} (such as a smaller {@code -Xmx}) instead of {@code -Xmx256m}. */
    public static WorkerProcess start(Path workerConfig, List<Path> connectorConfigs, Map<String, String> env,
            List<String> jvmOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.tributary.runtime.cli.Main", "start", workerConfig.toString()));
        connectorConfigs.forEach(p -> command.add(p.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new WorkerProcess(builder.start(), log);
    }

    /**
     * Kills each of {@code workers} that still runs; with {@code showLogs} (a test that did not pass),
     * prints the last {@code tailChars} characters of each one's output, since the test's temporary
     * directory, where the logs are, goes with the test.
     */
    public static void killAll(List<WorkerProcess> workers, boolean showLogs, int tailChars)
            throws IOException, InterruptedException {
        for (WorkerProcess worker : workers) {
            if (worker.isAlive()) {
                worker.kill();
            }
            if (showLogs) {
                String log = worker.output();
                System.out.println("---- worker log ----\n" + log.substring(Math.max(0, log.length() - tailChars)));
            }
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the clean shutdown; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the worker did not stop within 60 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    /** The worker's process id, for tools such as {@code jcmd}. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
