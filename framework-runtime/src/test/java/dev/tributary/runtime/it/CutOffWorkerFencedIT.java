package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.JdbcOffsetStoreProvider;
import dev.tributary.testing.services.DatagenAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.FreePorts;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TcpFaultProxy;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerHttp;
import dev.tributary.testing.services.WorkerProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker cut off from Pulsar (issue #13): its task moves to the other worker, and its offset
 * commit after the cut is refused by the offset store, proven from the store's own rows.
 *
 * <p>Three worker processes in one group, all with {@code offset.store=jdbc} on the machine's
 * PostgreSQL. Two survivors reach Pulsar directly and join first, so the first of them leads; they
 * share a PostgreSQL {@code application_name}, so "the survivor" below is whichever takes the task. The victim reaches
 * Pulsar only through a {@link TcpFaultProxy}; the proxy does not stand between it and PostgreSQL,
 * so the victim is a zombie that can still reach the store: exactly the case that fencing is for.
 *
 * <p>Why the refused commit is really attempted after the successor started, every run: the victim
 * has {@code offset.flush.interval.ms} far beyond the test, so every offset it acknowledged is
 * still uncommitted at the cut and its only commit is the one it makes when it stops the task; and
 * its {@code group.connection.check.interval.ms} is {@value #VICTIM_CHECK_MS} ms, so it cannot look
 * at its connection, and so cannot stop the task, before {@value #VICTIM_CHECK_MS} ms after it
 * joined the group, which is after its first connection through the proxy (the test notes the
 * last moment the proxy had accepted none). The cut RSTs the victim's connections, the broker drops its member at once, and
 * the survivor claims the task's scope within seconds. The test sees that claim in the store's
 * scopes table and asserts that it saw it before the victim's first connection check could run,
 * so the order claim-then-commit is checked, not hoped for (a machine too slow for that bound fails
 * the test, it never passes it by luck). The cut is never healed: the victim stops the task on its
 * own, at its connection check, and commits: that commit must be refused.
 *
 * <p>Proof from the store: before any worker starts, the test adds triggers to the store's tables
 * that copy every claim ({@code <table>_scopes}) and every offset write ({@code <table>_scoped},
 * and the connector-wide {@code <table>}) into an audit table, with the writer's PostgreSQL
 * {@code application_name} (each worker's {@code offset.jdbc.url} names it) and, for a write, the
 * scope's epoch inside the writing transaction. A trigger runs inside the write's transaction, so
 * the audit holds exactly the writes that committed. The test asserts that the victim claimed the
 * scope once, the survivor claimed it later with a higher epoch, and no write of the victim landed
 * at or after that epoch; that the survivor's writes did land (the audit sees them); and that the
 * victim did try: its log names the refused commit of that scope (and no "will retry": a fenced
 * writer can never commit, so the worker drops those offsets instead). The topic is accounted with the
 * delivery checker: nothing lost (the victim's uncommitted records are written again by the
 * successor, as duplicates).
 */
@ExtendWith(TestServices.class)
class CutOffWorkerFencedIT {
    private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String CONNECTOR = "fence-gen";
    private static final int TASKS = 3;
    private static final int COUNT = 4_000;
    private static final long VICTIM_CHECK_MS = 60_000;
    private static final String SURVIVOR_APP = "tributary-survivor";
    private static final String VICTIM_APP = "tributary-victim";
    private static final ObjectMapper JSON = new ObjectMapper();

    // Kept when a test fails: its failure message points at the worker logs in it.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final WorkerHttp http = new WorkerHttp();
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final String table = "fence_it_" + Long.toHexString(System.nanoTime());
    private boolean passed;

    /** One row of the audit the triggers write: a claim of a scope, or a write of a partition's offset. */
    private record Audited(long id, String app, String kind, String scope, long epoch, long seq, String partition) {
    }

    @AfterEach
    void stopWorkersAndDropTables() throws Exception {
        WorkerProcess.killAll(workers, !passed, 8000);
        try (Connection db = postgres(); Statement statement = db.createStatement()) {
            for (String suffix : List.of("", "_scopes", "_scoped", "_schema_version", "_audit")) {
                statement.execute("DROP TABLE IF EXISTS " + table + suffix + " CASCADE");
            }
            statement.execute("DROP SEQUENCE IF EXISTS " + table + "_seq");
            statement.execute("DROP FUNCTION IF EXISTS " + table + "_audit_row() CASCADE");
        }
    }

    @Test
    void aCutOffWorkersTaskMovesAndItsLateCommitIsRefusedByTheStore(PulsarStandalone pulsar) throws Exception {
        String run = Long.toString(System.nanoTime());
        String topic = "persistent://public/default/fence-it-" + run;
        URI broker = URI.create(pulsar.serviceUrl());
        try (OffsetStore direct = new JdbcOffsetStoreProvider().open(
                Map.of("url", POSTGRES_URL, "user", "postgres", "table", table), dir);
             TcpFaultProxy proxy = TcpFaultProxy.start(broker.getHost(), broker.getPort());
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            // The store created its tables; the audit must be in place before any worker claims a scope.
            installAudit();
            List<Integer> ports = FreePorts.allocate(3);
            String survivorUrl = "http://127.0.0.1:" + ports.get(0);
            String victimId = "127.0.0.1:" + ports.get(2);
            String group = "fence-" + run;

            workers.add(WorkerProcess.start(write("survivor.properties", workerConfig(group, pulsar.serviceUrl(),
                    pulsar.adminUrl(), ports.get(0), "survivor", SURVIVOR_APP) + "offset.flush.interval.ms=300\n"),
                    List.of(), Map.of(), dir.resolve("survivor.log")));
            awaitRest(survivorUrl);
            // A second survivor, as the first in all but its port: the victim's task may move to either.
            workers.add(WorkerProcess.start(write("survivor-2.properties", workerConfig(group, pulsar.serviceUrl(),
                    pulsar.adminUrl(), ports.get(1), "survivor-2", SURVIVOR_APP) + "offset.flush.interval.ms=300\n"),
                    List.of(), Map.of(), dir.resolve("survivor-2.log")));
            awaitRest("http://127.0.0.1:" + ports.get(1));
            // Joined last, so the first survivor's consumer stays the active one: it leads throughout.
            WorkerProcess victim = WorkerProcess.start(write("victim.properties", workerConfig(group,
                    "pulsar://127.0.0.1:" + proxy.port(), pulsar.adminUrl(), ports.get(2), "victim", VICTIM_APP)
                    + "offset.flush.interval.ms=600000\n"
                    + "group.connection.check.interval.ms=" + VICTIM_CHECK_MS + "\n"
                    + "task.shutdown.timeout.ms=3000\n"), List.of(), Map.of(), dir.resolve("victim.log"));
            workers.add(victim);
            // The victim schedules its connection checks once it joined, which needs a connection through the proxy:
            // the last moment the proxy had accepted none is a lower bound of when its checks were scheduled.
            AtomicLong victimUnconnected = new AtomicLong();
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                long now = System.nanoTime();
                if (proxy.accepted() > 0) {
                    return true;
                }
                victimUnconnected.set(now);
                return false;
            });
            awaitRest("http://" + victimId);

            HttpResponse<String> created = http.send("PUT", survivorUrl + "/connectors/" + CONNECTOR + "/config",
                    JSON.writeValueAsString(Map.of("connector.class", "datagen", "tasks.max", Integer.toString(TASKS),
                            "topic", topic, "count", Integer.toString(COUNT), "rate", "200", "record.size", "100")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            AtomicInteger victimTask = new AtomicInteger(-1);
            Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
                JsonNode status = JSON.readTree(http.get(survivorUrl + "/connectors/" + CONNECTOR + "/status").body());
                assertThat(status.path("tasks")).hasSize(TASKS);
                Set<String> taskWorkers = new HashSet<>();
                for (JsonNode task : status.path("tasks")) {
                    assertThat(task.path("state").asText()).isEqualTo("RUNNING");
                    taskWorkers.add(task.path("worker_id").asText());
                    if (task.path("worker_id").asText().equals(victimId)) {
                        victimTask.set(task.path("id").asInt());
                    }
                }
                assertThat(taskWorkers).as("one task on each worker").hasSize(TASKS);
            });
            String scope = "task-" + victimTask.get();

            // The victim's task has records acknowledged by Pulsar, none of them committed: cut it off mid-stream.
            String victimTaskName = Integer.toString(victimTask.get());
            reader.readUntil(m -> fromTask(m, victimTaskName) >= 200, Duration.ofSeconds(60));
            int victimDelivered = fromTask(reader.messages(), victimTaskName);
            assertThat(victimDelivered).as("the victim's task delivered records before the cut").isGreaterThanOrEqualTo(200);
            proxy.cut(TcpFaultProxy.Outage.REFUSE);
            long cutAt = System.nanoTime();

            // The successor claims the scope: its claim is in the store's scopes table, with a higher epoch.
            AtomicLong claimSeenAt = new AtomicLong();
            Awaitility.await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(claims(scope)).extracting(Audited::app).containsSubsequence(VICTIM_APP, SURVIVOR_APP);
                claimSeenAt.set(System.nanoTime());
            });
            long claimAfterStart = (claimSeenAt.get() - victimUnconnected.get()) / 1_000_000;
            assertThat(claimAfterStart)
                    .as("the successor's claim was seen before the victim's first connection check could run, so the"
                            + " victim's stop-time commit comes after it")
                    .isLessThan(VICTIM_CHECK_MS);
            assertThat(victim.output()).as("the victim had not noticed the cut yet").doesNotContain("lost its connection");

            // The victim notices at its connection check, stops the task, and its commit is refused.
            String refused = awaitLine(victim, line -> line.contains("the offset store refused the commit of scope "
                    + scope + " "), Duration.ofSeconds(120));
            assertThat(victim.output()).contains("lost its connection to Pulsar")
                    .as("a refused commit is not a failure to retry").doesNotContain("will retry");

            reader.readUntil(m -> distinctIds(m).size() >= COUNT, Duration.ofSeconds(120));
            List<Message<byte[]>> messages = reader.readToEnd(Duration.ofSeconds(30));
            Report report = DatagenAccounting.expected(COUNT, TASKS).check(messages, DatagenAccounting::delivered);

            // From the store: every claim and every committed write, in the order they landed.
            List<Audited> audit = audit();
            List<Audited> scopeClaims = claims(scope);
            Audited successorClaim = scopeClaims.get(scopeClaims.size() - 1);
            Audited victimClaim = scopeClaims.stream().filter(c -> c.app().equals(VICTIM_APP)).reduce((a, b) -> b)
                    .orElseThrow();
            List<Audited> victimWrites = audit.stream().filter(a -> a.app().equals(VICTIM_APP) && !a.kind().equals("claim"))
                    .toList();
            List<Audited> successorWrites = audit.stream()
                    .filter(a -> a.app().equals(SURVIVOR_APP) && a.kind().equals("write") && a.scope().equals(scope))
                    .toList();
            Map<SourcePartition, SourceOffset> stored = direct.readAll(CONNECTOR);
            System.out.println("CutOffWorkerFencedIT: " + report + "; victim task " + victimTask.get() + " delivered "
                    + victimDelivered + " before the cut; successor's claim seen " + claimAfterStart
                    + " ms after the victim's first connection (" + (claimSeenAt.get() - cutAt) / 1_000_000 + " ms after the cut);"
                    + " claims of " + scope + ": " + scopeClaims + "; victim writes that landed: " + victimWrites.size()
                    + "; successor writes of " + scope + ": " + successorWrites.size() + "; offsets in the store: "
                    + stored + "; refused: " + refused.strip() + "; proxy " + proxy);

            assertThat(successorClaim.app()).as("the last claim of %s is the successor's: %s", scope, scopeClaims)
                    .isEqualTo(SURVIVOR_APP);
            assertThat(victimClaim.id()).as("the victim never claimed %s again after the cut", scope)
                    .isLessThan(successorClaim.id());
            assertThat(successorClaim.epoch()).isGreaterThan(victimClaim.epoch());
            assertThat(victimWrites).as("no write of the victim landed at or after the successor's claim")
                    .allSatisfy(w -> {
                        assertThat(w.epoch()).isLessThan(successorClaim.epoch());
                        assertThat(w.id()).isLessThan(successorClaim.id());
                    });
            assertThat(successorWrites).as("the audit sees the successor's writes of the scope, at its epoch")
                    .isNotEmpty().allSatisfy(w -> assertThat(w.epoch()).isEqualTo(successorClaim.epoch()));
            assertThat(report.lost()).as("nothing lost: %s; logs in %s", report, dir).isEmpty();
            assertThat(report.exact()).as("every id in Pulsar, in order per task: %s", report).isTrue();
        }
        passed = true;
    }

    private String workerConfig(String group, String serviceUrl, String adminUrl, int port, String name, String app) {
        return "pulsar.service.url=" + serviceUrl + "\n"
                + "group.id=" + group + "\n"
                + "group.admin.url=" + adminUrl + "\n"
                + "group.membership.check.interval.ms=500\n"
                + "listeners=http://127.0.0.1:" + port + "\n"
                + "data.dir=" + dir.resolve("data-" + name) + "\n"
                + "offset.store=jdbc\n"
                + "offset.jdbc.url=" + POSTGRES_URL + "?ApplicationName=" + app + "\n"
                + "offset.jdbc.user=postgres\n"
                + "offset.jdbc.table=" + table + "\n"
                + "offset.jdbc.pool.size=2\n";
    }

    /** Triggers that copy every claim and every committed offset write into {@code <table>_audit}. */
    private void installAudit() throws SQLException {
        try (Connection db = postgres(); Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE " + table + "_audit (id bigserial PRIMARY KEY, app text NOT NULL,"
                    + " kind text NOT NULL, scope text, epoch bigint, seq bigint, partition_key text,"
                    + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
            // TG_ARGV[0] names the table; a scoped write records its scope's epoch as its own transaction sees it.
            statement.execute("CREATE FUNCTION " + table + "_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN"
                    + " IF TG_ARGV[0] = 'claim' THEN"
                    + "   INSERT INTO " + table + "_audit (app, kind, scope, epoch)"
                    + "   VALUES (current_setting('application_name'), 'claim', NEW.scope, NEW.epoch);"
                    + " ELSIF TG_ARGV[0] = 'write' THEN"
                    + "   INSERT INTO " + table + "_audit (app, kind, scope, epoch, seq, partition_key)"
                    + "   VALUES (current_setting('application_name'), 'write', NEW.scope, (SELECT s.epoch FROM "
                    + table + "_scopes s WHERE s.connector = NEW.connector AND s.scope = NEW.scope), NEW.seq,"
                    + " NEW.partition_key);"
                    + " ELSE"
                    + "   INSERT INTO " + table + "_audit (app, kind, partition_key)"
                    + "   VALUES (current_setting('application_name'), 'connector-wide', NEW.partition_key);"
                    + " END IF;"
                    + " RETURN NEW;"
                    + " END $$");
            statement.execute("CREATE TRIGGER " + table + "_audit_claims AFTER INSERT OR UPDATE ON " + table
                    + "_scopes FOR EACH ROW EXECUTE FUNCTION " + table + "_audit_row('claim')");
            statement.execute("CREATE TRIGGER " + table + "_audit_writes AFTER INSERT OR UPDATE ON " + table
                    + "_scoped FOR EACH ROW EXECUTE FUNCTION " + table + "_audit_row('write')");
            statement.execute("CREATE TRIGGER " + table + "_audit_wide AFTER INSERT OR UPDATE ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION " + table + "_audit_row('connector-wide')");
        }
    }

    private List<Audited> audit() throws SQLException {
        try (Connection db = postgres(); PreparedStatement select = db.prepareStatement("SELECT id, app, kind,"
                + " coalesce(scope, ''), coalesce(epoch, -1), coalesce(seq, -1), coalesce(partition_key, '') FROM "
                + table + "_audit ORDER BY id"); ResultSet rows = select.executeQuery()) {
            List<Audited> audit = new ArrayList<>();
            while (rows.next()) {
                audit.add(new Audited(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getLong(5), rows.getLong(6), rows.getString(7)));
            }
            return audit;
        }
    }

    private List<Audited> claims(String scope) throws SQLException {
        return audit().stream().filter(a -> a.kind().equals("claim") && a.scope().equals(scope)).toList();
    }

    private static Connection postgres() throws SQLException {
        try {
            return DriverManager.getConnection(POSTGRES_URL, "postgres", "");
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL at " + POSTGRES_URL + " is needed by this test (see"
                    + " notes/test-services.md); is it running? " + e.getMessage(), e);
        }
    }

    private static int fromTask(List<Message<byte[]>> messages, String task) {
        int n = 0;
        for (Message<byte[]> m : messages) {
            if (task.equals(m.getProperty("datagen.task"))) {
                n++;
            }
        }
        return n;
    }

    private static Set<String> distinctIds(List<Message<byte[]>> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getProperty("datagen.id")));
        return ids;
    }

    private static String awaitLine(WorkerProcess worker, java.util.function.Predicate<String> wanted, Duration timeout) {
        String[] found = new String[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            found[0] = worker.output().lines().filter(wanted).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private void awaitRest(String url) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> http.get(url + "/connectors").statusCode() == 200);
    }



    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
