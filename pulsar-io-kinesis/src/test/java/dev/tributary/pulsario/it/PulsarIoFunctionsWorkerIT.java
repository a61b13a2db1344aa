package dev.tributary.pulsario.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The archive on the standalone's own Functions worker (process runtime), deployed and operated
 * with {@code pulsar-admin sources}, as its users run Pulsar IO's Kinesis source: create with
 * parallelism 2, restart, scale to 3, and an instance process killed with SIGKILL that the worker
 * restarts, all while records keep arriving. Nothing may be lost and every key keeps its order;
 * duplicates are allowed (at least once).
 */
class PulsarIoFunctionsWorkerIT {
    private static final int KEYS = 20;
    private static final Pattern NUM_RUNNING = Pattern.compile("\"numRunning\"\\s*:\\s*(\\d+)");
    private static final Pattern NUM_RESTARTS = Pattern.compile("\"numRestarts\"\\s*:\\s*(\\d+)");
    private static final Duration ADMIN_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void createRestartScaleAndKillLoseNothing() throws Exception {
        PulsarStandalone pulsar = PulsarStandalone.withFunctionsWorker();
        KinesisMock kinesis = KinesisMock.get();
        String name = "pio-fw-" + System.nanoTime();
        String topic = "persistent://public/default/" + name;
        kinesis.createStream(name, 2);
        Path work = Files.createDirectories(Paths.get("target", "pulsar-io-it", name)).toAbsolutePath();
        Path config = work.resolve("kinesis-source.yaml");
        Files.writeString(config, PulsarIoLocalRunIT.seedConfig(topic, name, kinesis).replace("parallelism: 1",
                "parallelism: 2").replace("name: kinesis-source", "name: " + name));

        DeliveryAccounting accounting = new DeliveryAccounting();
        Admin admin = new Admin(pulsar, work);
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic);
                Writer writer = new Writer(kinesis, name, accounting)) {
            admin.run("sources", "create", "--archive", System.getProperty("tributary.test.nar"),
                    "--source-config-file", config.toString(), "--tenant", "public", "--namespace", "default",
                    "--name", name, "--ram", Long.toString(256L << 20));
            try {
                awaitRunning(admin, name, 2);
                writer.start();
                awaitDeliveries(reader, 500);

                admin.run("sources", "restart", "--tenant", "public", "--namespace", "default", "--name", name);
                awaitRunning(admin, name, 2);
                awaitDeliveries(reader, reader.messages().size() + 300);

                admin.run("sources", "update", "--tenant", "public", "--namespace", "default", "--name", name,
                        "--parallelism", "3");
                awaitRunning(admin, name, 3);
                awaitDeliveries(reader, reader.messages().size() + 300);

                ProcessHandle instance = instanceProcesses(name).stream().findFirst()
                        .orElseThrow(() -> new AssertionError("no instance process of " + name + " found"));
                instance.destroyForcibly();
                assertThat(instance.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
                await("the worker restarts the killed instance").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> instanceProcesses(name).size() == 3 && numRunning(admin, name) == 3);
                awaitDeliveries(reader, reader.messages().size() + 300);

                writer.stopAndCheck();
                await("every written record on " + topic).atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            reader.readUntil(m -> false, Duration.ofSeconds(2));
                            return accounting.check(reader.messages(), PulsarIoFunctionsWorkerIT::delivered)
                                    .lost().isEmpty();
                        });
                DeliveryAccounting.Report report = accounting.check(reader.messages(),
                        PulsarIoFunctionsWorkerIT::delivered);
                assertThat(report.exact()).as("%s; worker log %s", report, pulsar.logFile()).isTrue();
            } finally {
                admin.run("sources", "delete", "--tenant", "public", "--namespace", "default", "--name", name);
            }
        }
    }

    @Test
    void badConfigFailsOpenNamingTheFieldInTheInstanceLog() throws Exception {
        PulsarStandalone pulsar = PulsarStandalone.withFunctionsWorker();
        KinesisMock kinesis = KinesisMock.get();
        String name = "pio-fw-bad-" + System.nanoTime();
        String topic = "persistent://public/default/" + name;
        Path work = Files.createDirectories(Paths.get("target", "pulsar-io-it", name)).toAbsolutePath();
        Path config = work.resolve("kinesis-source.yaml");
        // tasks.max is Pulsar IO's parallelism; the adapter refuses it at open with the field's name.
        Files.writeString(config, PulsarIoLocalRunIT.seedConfig(topic, name, kinesis)
                .replace("name: kinesis-source", "name: " + name) + "    tasks.max: \"4\"\n");
        Admin admin = new Admin(pulsar, work);
        admin.run("sources", "create", "--archive", System.getProperty("tributary.test.nar"),
                "--source-config-file", config.toString(), "--tenant", "public", "--namespace", "default",
                "--name", name, "--ram", Long.toString(256L << 20));
        try {
            // The process runtime keeps the instance's own log under the worker's log directory: the
            // reason open failed is there. Status shows the instance not running.
            Path instanceLog = pulsar.home().getFileSystem().getPath(pulsar.logFile().getParent().toString(),
                    "functions/logs/functions/public/default", name, name + "-0.log");
            await("the instance log names the bad field").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> Files.exists(instanceLog) && Files.readString(instanceLog)
                            .contains("configs.tasks.max: is set by Pulsar IO; use the source's parallelism"));
            // Pulsar restarts the failing instance, and its status says "running" while the new process
            // starts: one status call may catch that moment, so wait for a status between two restarts.
            String[] status = new String[1];
            await("sources status shows the instance not running, restarted").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        status[0] = admin.run("sources", "status", "--tenant", "public", "--namespace", "default",
                                "--name", name);
                        Matcher restarts = NUM_RESTARTS.matcher(status[0]);
                        return numRunning(status[0]) == 0 && restarts.find() && Integer.parseInt(restarts.group(1)) >= 1;
                    });
            System.out.println("sources status of a source with a bad config: " + status[0]);
            assertThat(status[0]).doesNotContain(kinesis.credentials().resolveCredentials().secretAccessKey());
        } finally {
            admin.run("sources", "delete", "--tenant", "public", "--namespace", "default", "--name", name);
        }
    }

    private static DeliveryAccounting.Delivered delivered(org.apache.pulsar.client.api.Message<byte[]> message) {
        return new DeliveryAccounting.Delivered(new String(message.getValue(), StandardCharsets.UTF_8), message.getKey());
    }

    private static void awaitRunning(Admin admin, String name, int instances) {
        await(instances + " running instances of " + name).atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> numRunning(admin, name) == instances);
    }

    private static int numRunning(Admin admin, String name) throws Exception {
        return numRunning(admin.run("sources", "status", "--tenant", "public", "--namespace", "default", "--name", name));
    }

    private static int numRunning(String status) {
        Matcher m = NUM_RUNNING.matcher(status);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static void awaitDeliveries(PulsarTopicReader reader, int count) throws Exception {
        List<?> read = reader.readUntil(m -> m.size() >= count, Duration.ofMinutes(2));
        assertThat(read).as("records delivered so far").hasSizeGreaterThanOrEqualTo(count);
    }

    /** The instance JVMs the process runtime started for this source, found by their command line. */
    private static List<ProcessHandle> instanceProcesses(String name) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("JavaInstanceMain")
                        && c.contains("/public/default/" + name + "/")).orElse(false))
                .toList();
    }

    /** {@code pulsar-admin} against the broker's web port; a failed command fails the test with its output. */
    private record Admin(PulsarStandalone pulsar, Path work) {
        String run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("bash", pulsar.home().resolve("bin/pulsar-admin").toString(),
                    "--admin-url", pulsar.adminUrl()));
            command.addAll(List.of(args));
            Path out = Files.createTempFile(work, "admin-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("PULSAR_LOG_DIR", work.resolve("logs").toString());
            Process process = builder.start();
            if (!process.waitFor(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("pulsar-admin " + String.join(" ", args) + " did not finish in " + ADMIN_TIMEOUT);
            }
            String output = Files.readString(out);
            Files.delete(out);
            if (process.exitValue() != 0) {
                throw new AssertionError("pulsar-admin " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        }
    }

    /** Keeps putting records with unique ids, registering each with the accounting before it is sent. */
    private static final class Writer implements AutoCloseable {
        private final KinesisMock kinesis;
        private final String stream;
        private final DeliveryAccounting accounting;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread = new Thread(this::write, "kinesis-writer");

        Writer(KinesisMock kinesis, String stream, DeliveryAccounting accounting) {
            this.kinesis = kinesis;
            this.stream = stream;
            this.accounting = accounting;
        }

        void start() {
            thread.start();
        }

        private void write() {
            int next = 0;
            try {
                while (running.get()) {
                    List<PutRecordsRequestEntry> batch = new ArrayList<>();
                    for (int i = 0; i < 50; i++, next++) {
                        String id = "r-" + next;
                        String key = "key-" + (next % KEYS);
                        accounting.written(id, key);
                        batch.add(PutRecordsRequestEntry.builder().partitionKey(key)
                                .data(SdkBytes.fromUtf8String(id)).build());
                    }
                    kinesis.putRecords(stream, batch);
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }

        /** Stops writing; fails if a put failed, since the accounting would then list records never sent. */
        void stopAndCheck() throws InterruptedException {
            close();
            assertThat(Optional.ofNullable(failure.get())).as("the writer's failure").isEmpty();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.MINUTES.toMillis(1));
        }
    }
}
