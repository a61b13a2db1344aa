package dev.tributary.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.runtime.distributed.Member;
import dev.tributary.testing.services.FreePorts;
import dev.tributary.testing.services.WorkerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;

/**
 * The distributed-mode scenarios (issue #13): failover after a SIGKILL, and spreading 100
 * connectors over a group. Both run three worker processes ({@code connect-runtime start}) in one
 * group on the run's Pulsar standalone, each with its own REST port, and watch them from outside:
 * the failover from the records in the topic, the spread through the REST API.
 */
final class GroupScenarios {
    static final int WORKERS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(180);
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(120);
    private static final long POLL_MS = 200;
    private static final int DEFAULT_WORKER_THREADS = 16;
    private static final List<String> WORKER_JVM = List.of("-Xmx512m", "-XX:+UseG1GC");

    private final String pulsarUrl;
    private final String adminUrl;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    GroupScenarios(String pulsarUrl, String adminUrl, Path workDir) {
        this.pulsarUrl = pulsarUrl;
        this.adminUrl = adminUrl;
        this.workDir = workDir;
    }

    /** One kill: which worker, whether it led the group, and how long until its task wrote again elsewhere. */
    record Kill(int round, int task, String victim, boolean victimLed, String newOwner, long toNewRecordMillis,
            long toReceiptMillis) {
    }

    /** All rounds of the failover scenario, and the settings the workers ran with. */
    record Failover(int tasks, double ratePerTask, List<Kill> kills, List<String> failedRounds, Map<String, String> settings) {
        Failover {
            kills = List.copyOf(kills);
            failedRounds = List.copyOf(failedRounds);
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        /** Nearest-rank percentile of the kill-to-new-record times, in milliseconds. */
        long percentile(double p) {
            List<Long> sorted = kills.stream().map(Kill::toNewRecordMillis).sorted().toList();
            if (sorted.isEmpty()) {
                return -1;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.size());
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
        }
    }

    /** The spread scenario: how long from the first create until all ran, balanced, and how they were spread. */
    record Spread(int connectors, int tasksPerConnector, int concurrentCreates, long createsMillis, long toBalancedMillis,
            long createP50Millis, long createMaxMillis, Map<String, Integer> connectorsPerWorker,
            Map<String, Integer> tasksPerWorker, List<String> createErrors, Map<String, String> settings) {
        Spread {
            createErrors = List.copyOf(createErrors);
            connectorsPerWorker = Collections.unmodifiableMap(new TreeMap<>(connectorsPerWorker));
            tasksPerWorker = Collections.unmodifiableMap(new TreeMap<>(tasksPerWorker));
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }
    }

    /**
     * Failover: a datagen connector with two tasks per worker; each round SIGKILLs the worker that
     * runs the round's task, and measures from the kill to the first record of that task written by
     * a different producer. Each task's producer has a name of its own ({@code <connector>-<task>-0-<nanos>}),
     * so the first record under a new producer name is the first record its new owner wrote. The time
     * is the record's publish time (stamped by the new owner's client as it sends) minus the time of
     * the kill, both on this host's clock; the harness's receipt is reported too. Then the killed
     * worker is restarted and the group left to settle (every task running, two per worker) before
     * the next round, until {@code rounds} kills were measured (or three rounds failed).
     */
    Failover failover(int rounds) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String topic = "persistent://public/default/bench-failover-" + run;
        String connector = "failover-" + run;
        int tasks = 2 * WORKERS;
        double rate = 100;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("group.membership.check.interval.ms", "2000 (default)");
        settings.put("group.connection.check.interval.ms", "1000 (default)");
        settings.put("Pulsar client keep-alive and operation timeout", "defaults (30 s each): a killed process's "
                + "connection closes at once, so they do not enter");
        settings.put("broker", "standalone defaults (`keepAliveIntervalSeconds` 30, "
                + "`activeConsumerFailoverDelayTimeMillis` 1000)");
        settings.put("worker JVMs", String.join(" ", WORKER_JVM));
        List<Kill> kills = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (Group group = Group.start("failover", run, this, Map.of());
                PulsarClient client = PulsarClient.builder().serviceUrl(pulsarUrl).build();
                ProducerWatch watch = new ProducerWatch(client, topic)) {
            HttpResponse<String> created = send("PUT", group.url(0) + "/connectors/" + connector + "/config",
                    JSON.writeValueAsString(Map.of("connector.class", "datagen", "tasks.max", Integer.toString(tasks),
                            "topic", topic, "count", "0", "rate", Double.toString(rate * tasks),
                            "record.size", "100")));
            if (created.statusCode() != 201) {
                throw new IOException("creating " + connector + " answered " + created.statusCode() + ": " + created.body());
            }
            for (int round = 1; kills.size() < rounds; round++) {
                int task = (round - 1) % tasks;
                try {
                    kills.add(failoverRound(group, watch, connector, tasks, round, task));
                } catch (IOException e) {
                    Scenarios.log("failover round %d: %s", round, e.getMessage());
                    failed.add("round " + round + " (task " + task + "): " + e.getMessage());
                    if (failed.size() >= 3) {
                        failed.add("stopped after three failed rounds");
                        break;
                    }
                }
            }
        }
        return new Failover(tasks, rate, kills, failed, settings);
    }

    private Kill failoverRound(Group group, ProducerWatch watch, String connector, int tasks, int round, int task)
            throws Exception {
        Map<Integer, String> owners = awaitBalanced(group, connector, tasks);
        long settled = System.currentTimeMillis();
        // The watch must have seen the task's current producer write after the group settled.
        long deadline = settled + SETTLE_LIMIT.toMillis();
        while (watch.lastPublish(task) <= settled) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("task " + task + " wrote nothing for " + SETTLE_LIMIT.toSeconds()
                        + " s after the group settled");
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
        String victimId = owners.get(task);
        int victim = group.indexOf(victimId);
        boolean led = victimId.equals(group.leader().orElse(""));
        long killedAt = System.currentTimeMillis();
        group.kill(victim);
        ProducerWatch.Change change = watch.awaitChange(task, killedAt, FAILOVER_LIMIT);
        if (change == null) {
            group.restart(victim);
            throw new IOException("task " + task + " wrote nothing under a new producer within "
                    + FAILOVER_LIMIT.toSeconds() + " s of the kill of " + victimId);
        }
        String newOwner = newOwner(group.url((victim + 1) % WORKERS), connector, task, victimId);
        Kill kill = new Kill(round, task, victimId, led, newOwner, change.publishMillis() - killedAt,
                change.receivedMillis() - killedAt);
        Scenarios.log("failover round %d: killed %s (%s), task %d wrote again %d ms later (received at %d ms), now on %s",
                round, victimId, led ? "the leader" : "not the leader", task, kill.toNewRecordMillis(),
                kill.toReceiptMillis(), newOwner);
        group.restart(victim);
        return kill;
    }

    /** The worker that REST status names for {@code task} once it runs on another than {@code victim}; "?" if none within 30 s. */
    private String newOwner(String url, String connector, int task, String victim) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                String owner = owners(url, connector).get(task);
                if (owner != null && !owner.equals(victim)) {
                    return owner;
                }
            } catch (Exception e) {
                // asked again below
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
        return "?";
    }

    /**
     * Spread: {@code connectors} datagen connectors of one task each are created through the REST
     * API of the three workers in turn, {@code concurrent} requests at a time; measured from the
     * first request until {@code GET /connectors?expand=status} shows every connector and every
     * task RUNNING, with connector instances and tasks each balanced over the three workers.
     */
    Spread spread(int connectors, int concurrent) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        // docs/distributed.md sizes worker.threads at tasks / (workers - 1), so that two workers can run them all.
        int threads = (int) Math.ceil(connectors / (double) (WORKERS - 1));
        Map<String, String> workerSettings = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        if (threads > DEFAULT_WORKER_THREADS) {
            workerSettings.put("worker.threads", Integer.toString(threads));
            settings.put("worker.threads", threads + " (the default " + DEFAULT_WORKER_THREADS + " is below the "
                    + (connectors + WORKERS - 1) / WORKERS + " tasks each worker runs; docs/distributed.md sizes it at "
                    + "tasks / (workers - 1))");
        } else {
            settings.put("worker.threads", DEFAULT_WORKER_THREADS + " (default)");
        }
        settings.put("group.membership.check.interval.ms", "2000 (default)");
        settings.put("connector", "datagen, tasks.max=1, rate=10 records/s, 100 B records, a topic each");
        settings.put("worker JVMs", String.join(" ", WORKER_JVM));
        try (Group group = Group.start("spread", run, this, workerSettings)) {
            ExecutorService pool = Executors.newFixedThreadPool(concurrent);
            try {
                long began = System.currentTimeMillis();
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                List<Long> createMillis = new ArrayList<>();
                for (int i = 0; i < connectors; i++) {
                    String url = group.url(i % WORKERS) + "/connectors/spread-" + run + "-" + i + "/config";
                    String body = JSON.writeValueAsString(Map.of("connector.class", "datagen", "tasks.max", "1",
                            "topic", "persistent://public/default/bench-spread-" + run + "-" + i, "rate", "10",
                            "record.size", "100", "count", "0"));
                    answers.add(pool.submit(() -> {
                        long sent = System.nanoTime();
                        HttpResponse<String> response = send("PUT", url, body);
                        synchronized (createMillis) {
                            createMillis.add((System.nanoTime() - sent) / 1_000_000);
                        }
                        return response;
                    }));
                }
                // A create that answers an error is reported, not retried: the wait below then shows whether
                // the connector was stored anyway (it fails if not).
                List<String> createErrors = new ArrayList<>();
                for (int i = 0; i < connectors; i++) {
                    HttpResponse<String> response = answers.get(i).get(5, TimeUnit.MINUTES);
                    if (response.statusCode() != 201) {
                        String error = "spread-" + run + "-" + i + " (sent to " + group.url(i % WORKERS) + "): "
                                + response.statusCode() + " " + response.body();
                        Scenarios.log("spread: a create answered %s", error);
                        createErrors.add(error);
                    }
                }
                long created = System.currentTimeMillis();
                Scenarios.log("spread: %d creates answered in %d ms, %d of them with an error", connectors,
                        created - began, createErrors.size());
                long deadline = began + 5 * 60_000L;
                while (true) {
                    Optional<Map<String, Map<String, Integer>>> spread = balancedSpread(group.url(0), run, connectors);
                    long now = System.currentTimeMillis();
                    if (spread.isPresent()) {
                        Scenarios.log("spread: all %d connectors running, balanced, %d ms after the first create: %s",
                                connectors, now - began, spread.get());
                        List<Long> sorted;
                        synchronized (createMillis) {
                            sorted = createMillis.stream().sorted().toList();
                        }
                        return new Spread(connectors, 1, concurrent, created - began, now - began,
                                sorted.get((sorted.size() + 1) / 2 - 1), sorted.get(sorted.size() - 1),
                                spread.get().get("connectors"), spread.get().get("tasks"), createErrors, settings);
                    }
                    if (now > deadline) {
                        throw new IOException("the " + connectors + " connectors were not all running and balanced "
                                + "5 min after the first create; worker logs in " + group.dir());
                    }
                    TimeUnit.MILLISECONDS.sleep(POLL_MS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Per worker, how many connector instances and tasks it runs, once all run and both are balanced. */
    private Optional<Map<String, Map<String, Integer>>> balancedSpread(String url, String run, int connectors)
            throws Exception {
        HttpResponse<String> response = get(url + "/connectors?expand=status");
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        JsonNode all = JSON.readTree(response.body());
        Map<String, Integer> connectorCounts = new TreeMap<>();
        Map<String, Integer> taskCounts = new TreeMap<>();
        int seen = 0;
        for (var entry : all.properties()) {
            if (!entry.getKey().startsWith("spread-" + run + "-")) {
                continue;
            }
            seen++;
            JsonNode status = entry.getValue().path("status");
            if (!"RUNNING".equals(status.path("connector").path("state").asText())
                    || status.path("tasks").size() != 1) {
                return Optional.empty();
            }
            connectorCounts.merge(status.path("connector").path("worker_id").asText(), 1, Integer::sum);
            for (JsonNode t : status.path("tasks")) {
                if (!"RUNNING".equals(t.path("state").asText())) {
                    return Optional.empty();
                }
                taskCounts.merge(t.path("worker_id").asText(), 1, Integer::sum);
            }
        }
        if (seen != connectors || !balanced(connectorCounts) || !balanced(taskCounts)) {
            return Optional.empty();
        }
        return Optional.of(Map.of("connectors", connectorCounts, "tasks", taskCounts));
    }

    private static boolean balanced(Map<String, Integer> counts) {
        return counts.size() == WORKERS
                && Collections.max(counts.values()) - Collections.min(counts.values()) <= 1;
    }

    /** Waits until the connector and its tasks all run, {@code tasks / 3} on each worker; returns task → worker id. */
    private Map<Integer, String> awaitBalanced(Group group, String connector, int tasks) throws Exception {
        long deadline = System.currentTimeMillis() + SETTLE_LIMIT.toMillis();
        Map<Integer, String> owners = Map.of();
        while (System.currentTimeMillis() < deadline) {
            try {
                owners = owners(group.url(0), connector);
                Map<String, Integer> perWorker = new TreeMap<>();
                owners.values().forEach(w -> perWorker.merge(w, 1, Integer::sum));
                if (owners.size() == tasks && perWorker.size() == WORKERS
                        && perWorker.values().stream().allMatch(n -> n == tasks / WORKERS)) {
                    return owners;
                }
            } catch (IOException e) {
                // A worker just restarted may not answer yet.
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
        throw new IOException("the group did not settle within " + SETTLE_LIMIT.toSeconds() + " s: tasks on " + owners);
    }

    /** Task → worker id of the tasks that run; a task in any other state is left out. */
    private Map<Integer, String> owners(String url, String connector) throws Exception {
        HttpResponse<String> response = get(url + "/connectors/" + connector + "/status");
        if (response.statusCode() != 200) {
            throw new IOException("status answered " + response.statusCode());
        }
        Map<Integer, String> owners = new TreeMap<>();
        for (JsonNode t : JSON.readTree(response.body()).path("tasks")) {
            if ("RUNNING".equals(t.path("state").asText())) {
                owners.put(t.path("id").asInt(), t.path("worker_id").asText());
            }
        }
        return owners;
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Three worker processes in one group, each with a fixed REST port so that a restart keeps its worker id. */
    private static final class Group implements AutoCloseable {
        private final GroupScenarios owner;
        private final String groupId;
        private final Path dir;
        private final List<Integer> ports;
        private final List<Path> configs = new ArrayList<>();
        private final List<WorkerProcess> workers = new ArrayList<>();

        private Group(GroupScenarios owner, String groupId, Path dir, List<Integer> ports) {
            this.owner = owner;
            this.groupId = groupId;
            this.dir = dir;
            this.ports = ports;
        }

        static Group start(String scenario, String run, GroupScenarios owner, Map<String, String> extra) throws Exception {
            Path dir = Files.createDirectories(owner.workDir.resolve(scenario + "-" + run));
            Group group = new Group(owner, "bench-" + scenario + "-" + run, dir, FreePorts.allocate(WORKERS));
            try {
                for (int i = 0; i < WORKERS; i++) {
                    StringBuilder text = new StringBuilder()
                            .append("pulsar.service.url=").append(owner.pulsarUrl).append('\n')
                            .append("group.id=").append(group.groupId).append('\n')
                            .append("group.admin.url=").append(owner.adminUrl).append('\n')
                            .append("listeners=http://127.0.0.1:").append(group.ports.get(i)).append('\n')
                            .append("data.dir=").append(dir.resolve("data-" + i)).append('\n');
                    extra.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
                    Path config = dir.resolve("worker-" + i + ".properties");
                    Files.writeString(config, text, StandardCharsets.UTF_8);
                    group.configs.add(config);
                    group.workers.add(null);
                    group.launch(i);
                }
                for (int i = 0; i < WORKERS; i++) {
                    group.awaitRest(i);
                }
                return group;
            } catch (Exception e) {
                group.close();
                throw e;
            }
        }

        private void launch(int i) throws IOException {
            workers.set(i, WorkerProcess.start(configs.get(i), List.of(), Map.of(), WORKER_JVM,
                    dir.resolve("worker-" + i + ".log")));
        }

        private void awaitRest(int i) throws Exception {
            long deadline = System.currentTimeMillis() + SETTLE_LIMIT.toMillis();
            while (System.currentTimeMillis() < deadline) {
                if (!workers.get(i).isAlive()) {
                    throw new IOException("worker " + i + " stopped on its own; see " + dir.resolve("worker-" + i + ".log"));
                }
                try {
                    if (owner.get(url(i) + "/connectors").statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MS);
            }
            throw new IOException("worker " + i + " did not answer REST within " + SETTLE_LIMIT.toSeconds() + " s");
        }

        String url(int i) {
            return "http://127.0.0.1:" + ports.get(i);
        }

        Path dir() {
            return dir;
        }

        /** The worker whose id ({@code host:port}, as REST status names it) is {@code workerId}. */
        int indexOf(String workerId) {
            for (int i = 0; i < WORKERS; i++) {
                if (workerId.endsWith(":" + ports.get(i))) {
                    return i;
                }
            }
            throw new IllegalStateException("no worker of this group is " + workerId);
        }

        /**
         * The worker id of the leader: the active consumer of the coordination topic's failover
         * subscription, from the broker's topic stats; empty when the broker does not say.
         */
        Optional<String> leader() {
            try {
                String stats = owner.adminUrl + "/admin/v2/persistent/public/tributary-" + groupId + "/coordination/stats";
                JsonNode active = JSON.readTree(owner.get(stats).body()).path("subscriptions").path("members")
                        .path("activeConsumerName");
                if (active.isTextual()) {
                    return Member.fromConsumerName(active.asText()).map(Member::workerId);
                }
            } catch (Exception e) {
                Scenarios.log("the leader could not be read from the broker: %s", e);
            }
            return Optional.empty();
        }

        void kill(int i) throws InterruptedException {
            workers.get(i).kill();
        }

        void restart(int i) throws Exception {
            launch(i);
            awaitRest(i);
        }

        @Override
        public void close() {
            for (WorkerProcess worker : workers) {
                if (worker != null && worker.isAlive()) {
                    try {
                        worker.terminate();
                    } catch (Throwable e) {
                        Scenarios.log("a worker did not stop cleanly: %s", e);
                    }
                }
            }
        }
    }

    /**
     * Reads the failover topic from the start and keeps, per datagen task ({@code datagen.task}),
     * every change of the producer that writes it: the producer's name, and the publish time and
     * receipt time of its first record.
     */
    private static final class ProducerWatch implements AutoCloseable {
        record Change(String producer, long publishMillis, long receivedMillis) {
        }

        private final Reader<byte[]> reader;
        private final Thread thread;
        private final Map<Integer, List<Change>> changes = new TreeMap<>();
        private final Map<Integer, String> current = new TreeMap<>();
        private final Map<Integer, Long> lastPublish = new TreeMap<>();
        private volatile boolean closed;

        ProducerWatch(PulsarClient client, String topic) throws IOException {
            reader = client.newReader().topic(topic).startMessageId(MessageId.earliest).create();
            thread = new Thread(this::read, "failover-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            while (!closed) {
                try {
                    Message<byte[]> m = reader.readNext(200, TimeUnit.MILLISECONDS);
                    if (m != null) {
                        seen(m, System.currentTimeMillis());
                    }
                } catch (Exception e) {
                    if (!closed) {
                        Scenarios.log("failover watch: %s", e);
                    }
                }
            }
        }

        private synchronized void seen(Message<byte[]> m, long received) {
            String taskText = m.getProperty("datagen.task");
            if (taskText == null) {
                return;
            }
            int task = Integer.parseInt(taskText);
            String producer = m.getProducerName();
            if (!producer.equals(current.put(task, producer))) {
                changes.computeIfAbsent(task, t -> new ArrayList<>()).add(new Change(producer, m.getPublishTime(), received));
            }
            lastPublish.merge(task, m.getPublishTime(), Math::max);
            notifyAll();
        }

        synchronized long lastPublish(int task) {
            return lastPublish.getOrDefault(task, 0L);
        }

        /** The first change of {@code task}'s producer to a record published at or after {@code since}, or null. */
        synchronized Change awaitChange(int task, long since, Duration limit) throws InterruptedException {
            long deadline = System.currentTimeMillis() + limit.toMillis();
            Predicate<Change> after = c -> c.publishMillis() >= since;
            while (true) {
                Optional<Change> found = changes.getOrDefault(task, List.of()).stream().filter(after).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                wait(left);
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reader.close();
        }
    }
}
