package dev.tributary.testing.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * A real Pulsar standalone broker, from the official server distribution that the build unpacks,
 * started once per test JVM on free ports with its own data directory and log.
 *
 * <p>The generated config keeps topics that have no producer or consumer (the standalone default
 * deletes them after about 60 s, with their messages) and bounds the broker's caches.
 */
public final class PulsarStandalone implements StoppableService {
    private static final String NAME = "Pulsar standalone";
    private static final String NAME_WITH_WORKER = "Pulsar standalone with Functions worker";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String MEMORY = "-Xms256m -Xmx1g -XX:MaxDirectMemorySize=512m";

    private final List<String> command;
    private final Map<String, String> env;
    private final Path work;
    private final int brokerPort;
    private final int webPort;
    private final Path home;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile ServiceProcess process;

    private PulsarStandalone(List<String> command, Map<String, String> env, Path work, int brokerPort, int webPort, Path home) {
        this.command = command;
        this.env = env;
        this.work = work;
        this.brokerPort = brokerPort;
        this.webPort = webPort;
        this.home = home;
    }

    /** The broker for this JVM, started on first call. Fails in one line if it cannot start. */
    public static PulsarStandalone get() {
        return SharedServices.get(NAME, () -> start("pulsar", Map.of(), false));
    }

    /**
     * A second shared broker for this JVM, started on first call, that runs the standalone's
     * embedded Functions worker (process runtime), for tests of {@code pulsar-admin sources create}
     * and friends. Only those tests use it; {@link #get()} keeps starting the lighter broker without
     * the worker, so other tests are neither slowed nor changed.
     */
    public static PulsarStandalone withFunctionsWorker() {
        return SharedServices.get(NAME_WITH_WORKER, () -> start("pulsar-functions", Map.of(), true));
    }

    /**
     * The broker with transactions on ({@code transactionCoordinatorEnabled=true}) for this JVM,
     * with message deduplication on as well ({@code brokerDeduplicationEnabled=true}), which
     * Pulsar's docs ask for exactly-once: without it a producer's resend after a broker restart
     * can be stored twice. Started on first
     * call and shared by every test that needs transactions, so that the others keep the plain
     * broker and its shorter start.
     */
    public static PulsarStandalone withTransactions() {
        return SharedServices.get(NAME + " with transactions",
                () -> awaitTransactionCoordinator(
                        start("pulsar-transactions", Map.of("transactionCoordinatorEnabled", "true",
                                "brokerDeduplicationEnabled", "true"), false)));
    }

    /**
     * Returns {@code pulsar} once its transaction coordinator takes clients. A fresh standalone
     * answers its health check before it has created the coordinator's system namespace, and a
     * transactional client built in that window fails with "Namespace not found" (seen on a clean
     * clone's CI run), so this builds one until it succeeds, for at most two minutes.
     */
    private static PulsarStandalone awaitTransactionCoordinator(PulsarStandalone pulsar) {
        long begin = System.nanoTime();
        long deadline = begin + Duration.ofMinutes(2).toNanos();
        while (true) {
            try (PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl())
                    .enableTransaction(true).build()) {
                SharedServices.log("%s transaction coordinator ready after %.1f s", NAME, SharedServices.seconds(begin));
                return pulsar;
            } catch (PulsarClientException e) {
                if (System.nanoTime() > deadline) {
                    throw new ServiceStartException("the transaction coordinator of the Pulsar standalone at "
                            + pulsar.serviceUrl() + " did not take a client within 2 minutes: " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ServiceStartException("interrupted while waiting for the transaction coordinator",
                            interrupted);
                }
            }
        }
    }

    /**
     * A broker of the caller's own, apart from the shared one, for a test that needs broker
     * settings the others must not see, such as a small {@code maxMessageSize}. The caller stops it.
     *
     * With {@code transactionCoordinatorEnabled=true} among the settings, it returns once the
     * transaction coordinator takes clients, as {@link #withTransactions()} does.
     *
     * @param name names its work directory, {@code target/services/pulsar-<name>}
     * @param brokerSettings keys of {@code standalone.conf} to set, over the test defaults
     */
    public static PulsarStandalone startDedicated(String name, Map<String, String> brokerSettings) {
        return startDedicated(name, brokerSettings, MEMORY);
    }

    /**
     * As {@link #startDedicated(String, Map)}, with the broker JVM's memory options instead of the
     * test defaults ({@value #MEMORY}): for a broker whose cache must hold more than the default
     * direct memory allows.
     *
     * @param memory the broker JVM's heap and direct memory options ({@code PULSAR_MEM})
     */
    public static PulsarStandalone startDedicated(String name, Map<String, String> brokerSettings, String memory) {
        long begin = System.nanoTime();
        PulsarStandalone pulsar = start("pulsar-" + name, Map.copyOf(brokerSettings), false, memory);
        if ("true".equals(brokerSettings.get("transactionCoordinatorEnabled"))) {
            pulsar = awaitTransactionCoordinator(pulsar);
        }
        SharedServices.log("%s %s ready in %.1f s with %s: %s", NAME, name, SharedServices.seconds(begin),
                brokerSettings, pulsar.describe());
        return pulsar;
    }

    /** The binary protocol URL, for {@code PulsarClient.builder().serviceUrl(...)}. */
    public String serviceUrl() {
        return "pulsar://127.0.0.1:" + brokerPort;
    }

    /** The admin REST URL, for {@code PulsarAdmin.builder().serviceHttpUrl(...)} and plain HTTP. */
    public String adminUrl() {
        return "http://127.0.0.1:" + webPort;
    }

    public Path logFile() {
        return process.logFile();
    }

    public Path home() {
        return home;
    }

    @Override
    public String describe() {
        return serviceUrl() + ", admin " + adminUrl() + ", log " + logFile();
    }

    @Override
    public void stop() {
        process.stop();
    }

    /**
     * Stops the broker and deletes what it stored (its bookie's journal and entry logs and its
     * metadata), keeping its config and logs: for a caller, such as the benchmark, whose broker
     * writes tens of GB that nothing reads once it has stopped.
     */
    public void stopAndDeleteData() {
        stop();
        try {
            if (Files.exists(work.resolve("data"))) {
                SharedServices.deleteRecursively(work.resolve("data"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the Pulsar standalone's data in " + work.resolve("data"), e);
        }
    }

    private static PulsarStandalone start(String workName, Map<String, String> brokerSettings,
            boolean functionsWorker) {
        return start(workName, brokerSettings, functionsWorker, MEMORY);
    }

    private static PulsarStandalone start(String workName, Map<String, String> brokerSettings,
            boolean functionsWorker, String memory) {
        Path home = SharedServices.locate("tributary.pulsar.home", "pulsar/apache-pulsar-4.0.8")
                .filter(p -> Files.isRegularFile(p.resolve("bin/pulsar")))
                .orElseThrow(() -> new ServiceStartException("Pulsar distribution not found: run the build"
                        + " (./mvnw verify) so that it unpacks org.apache.pulsar:pulsar-server-distribution,"
                        + " or set -Dtributary.pulsar.home to an unpacked apache-pulsar folder"));
        Path work = SharedServices.freshWorkDir(workName);
        List<Integer> ports = FreePorts.allocate(3);
        int brokerPort = ports.get(0);
        int webPort = ports.get(1);
        int bookiePort = ports.get(2);
        Path config = writeConfig(home, work, brokerPort, webPort, brokerSettings);
        Path log = work.resolve("pulsar.log");

        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PULSAR_MEM", memory);
        env.put("PULSAR_GC", "-XX:+UseG1GC");
        env.put("PULSAR_LOG_DIR", work.resolve("logs").toString());
        env.put("PULSAR_STANDALONE_CONF", config.toString());
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/pulsar").toString(), "standalone"));
        if (functionsWorker) {
            command.addAll(List.of("--functions-worker-conf", writeWorkerConfig(home, work).toString()));
        } else {
            command.add("-nfw");
        }
        command.addAll(List.of("-nss",
                "--config", config.toString(),
                "--bookkeeper-dir", work.resolve("data/bookkeeper").toString(),
                "--metadata-dir", work.resolve("data/metadata").toString(),
                "--bookkeeper-port", Integer.toString(bookiePort)));
        PulsarStandalone pulsar = new PulsarStandalone(command, env, work, brokerPort, webPort, home);
        pulsar.launch();
        return pulsar;
    }

    private void launch() {
        process = ServiceProcess.start(NAME, command, env, work, work.resolve("pulsar.log"));
        process.awaitHealthy(START_TIMEOUT, this::isHealthy);
    }

    /**
     * Stops the broker and starts it again on the same ports with the same data, as an operator's
     * restart would: clients see their connections drop and must reconnect by themselves.
     * Returns once the broker is healthy again.
     */
    public synchronized void restart() {
        long begin = System.nanoTime();
        process.stop();
        launch();
        SharedServices.log("Pulsar standalone restarted in %.1f s", SharedServices.seconds(begin));
    }

    /** The broker's health check now and how long it took, for the diagnosis after a failed test. */
    @Override
    public String condition() {
        long begin = System.nanoTime();
        String answer;
        try {
            HttpResponse<String> response = http.send(healthCheck(), HttpResponse.BodyHandlers.ofString());
            answer = "HTTP " + response.statusCode();
        } catch (IOException e) {
            answer = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = "interrupted";
        }
        return String.format(java.util.Locale.ROOT, "health check %s in %.1f s (log %s)", answer,
                SharedServices.seconds(begin), logFile());
    }

    /** The broker's own health check: it produces and consumes on an internal topic. */
    private HttpRequest healthCheck() {
        return HttpRequest.newBuilder(URI.create(adminUrl() + "/admin/v2/brokers/health"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
    }

    /** Whether {@link #healthCheck()} answers OK. */
    private boolean isHealthy() {
        try {
            HttpResponse<String> response = http.send(healthCheck(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("ok");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The distribution's {@code functions_worker.yml} with every path the worker writes made
     * absolute inside this broker's work directory, so that parallel builds never share them.
     */
    private static Path writeWorkerConfig(Path home, Path work) {
        try {
            String template = Files.readString(home.resolve("conf/functions_worker.yml"), StandardCharsets.UTF_8);
            String yaml = template
                    .replaceAll("(?m)^downloadDirectory:.*$", "downloadDirectory: " + work.resolve("functions/download"))
                    .replaceAll("(?m)^connectorsDirectory:.*$", "connectorsDirectory: " + work.resolve("functions/connectors"))
                    .replaceAll("(?m)^functionsDirectory:.*$", "functionsDirectory: " + work.resolve("functions/functions"))
                    // Finds and restarts a dead instance process within 15 s instead of 30 s. Not lower: an
                    // instance process stops itself when no health check came for three of these intervals,
                    // and on a busy 2-core machine a starting instance missed them at 5 s and looped.
                    .replaceAll("(?m)^instanceLivenessCheckFreqMs:.*$", "instanceLivenessCheckFreqMs: 15000")
                    .replaceAll("(?m)^    logDirectory:.*$", "    logDirectory: " + work.resolve("functions/logs"))
                    // Archives unpack here rather than in the shared /tmp; a killed instance leaves nothing outside.
                    + "\nnarExtractionDirectory: " + work.resolve("functions/nar") + "\n";
            Files.createDirectories(work.resolve("functions/connectors"));
            Files.createDirectories(work.resolve("functions/functions"));
            Path config = work.resolve("functions_worker.yml");
            Files.writeString(config, yaml, StandardCharsets.UTF_8);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the Functions worker test config in " + work, e);
        }
    }

    private static Path writeConfig(Path home, Path work, int brokerPort, int webPort,
            Map<String, String> brokerSettings) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("bindAddress", "127.0.0.1");
        overrides.put("advertisedAddress", "127.0.0.1");
        overrides.put("brokerServicePort", Integer.toString(brokerPort));
        overrides.put("webServicePort", Integer.toString(webPort));
        // Tests read topics after pauses; the default deletes idle topics and their messages.
        overrides.put("brokerDeleteInactiveTopicsEnabled", "false");
        // Bounded memory: the broker shares two cores and the heap with the tests.
        overrides.put("managedLedgerCacheSizeMB", "64");
        overrides.put("dbStorage_writeCacheMaxSizeMb", "32");
        overrides.put("dbStorage_readAheadCacheMaxSizeMb", "32");
        overrides.put("dbStorage_rocksDB_blockCacheSize", "33554432");
        overrides.putAll(brokerSettings);
        try {
            String template = Files.readString(home.resolve("conf/standalone.conf"), StandardCharsets.UTF_8);
            Path config = work.resolve("standalone.conf");
            Files.writeString(config, PropertiesText.withOverrides(template, overrides), StandardCharsets.UTF_8);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the Pulsar test config in " + work, e);
        }
    }
}
