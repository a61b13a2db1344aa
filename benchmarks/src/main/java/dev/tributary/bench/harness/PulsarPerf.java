package dev.tributary.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pulsar's own load generator, {@code pulsar-perf produce}, from the same server distribution as
 * the broker: the ceiling of this machine for producing to that broker, with no Kinesis at all.
 * It runs with the same batching and pending-message settings as the subjects' producers.
 */
final class PulsarPerf {
    private static final Pattern AGGREGATE = Pattern.compile(
            "Aggregated throughput stats --- (\\d+) records sent --- ([\\d.]+) msg/s --- ([\\d.]+) Mbit/s");

    /**
     * @param messagesPerSecond its throughput
     * @param cpuSeconds CPU time of the pulsar-perf JVM over the whole run, start-up included
     * @param seconds the run's duration
     */
    record Result(double messagesPerSecond, double megabytesPerSecond, double cpuSeconds, double seconds, long messages) {
    }

    private PulsarPerf() {
    }

    static Result produce(Path pulsarHome, String pulsarUrl, String adminUrl, int messageBytes, Duration duration,
            Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("pulsar-perf-" + messageBytes + ".log");
        String topic = "persistent://public/default/pulsar-perf-" + messageBytes + "-" + System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", pulsarHome.resolve("bin/pulsar-perf").toString(),
                "produce", "-u", pulsarUrl, "-s", Integer.toString(messageBytes), "-r", "10000000",
                "-n", "1", "-b", "5", "-bm", "1000", "-bb", "131072", "-o", "1000", "-time", Long.toString(duration.toSeconds()),
                topic))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("PULSAR_MEM", "-Xmx" + Subject.HEAP);
        builder.environment().put("PULSAR_LOG_DIR", dir.toString());
        long start = System.nanoTime();
        Process process = builder.start();
        double cpu = 0;
        while (!process.waitFor(250, TimeUnit.MILLISECONDS)) {
            cpu = Math.max(cpu, cpuSeconds(process.toHandle()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        new TopicCounter(adminUrl, topic).delete();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = AGGREGATE.matcher(output);
        if (process.exitValue() != 0 || !m.find()) {
            throw new IOException("pulsar-perf produce did not report its throughput (exit " + process.exitValue()
                    + "); see " + log);
        }
        long messages = Long.parseLong(m.group(1));
        double rate = Double.parseDouble(m.group(2));
        return new Result(rate, rate * messageBytes / 1e6, cpu, seconds, messages);
    }

    private static double cpuSeconds(ProcessHandle handle) {
        double total = handle.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        for (ProcessHandle child : handle.descendants().toList()) {
            total += child.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        }
        return total;
    }
}
