package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tributary.api.config.Password;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.testing.services.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jdbc store against the real PostgreSQL on 127.0.0.1:5432 (database {@code test}, user
 * {@code postgres}, trust authentication): the conformance suite, then schema creation and
 * migration, the row layout and credentials. Each test has tables of its own, dropped at the end.
 */
class JdbcOffsetStoreIT extends OffsetStoreConformance {
    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    private static final List<String> TABLES = new ArrayList<>();

    private final OffsetCodec codec = new OffsetCodec();
    private final AtomicBoolean failNextChange = new AtomicBoolean();
    private String table;

    /** Fails every test at once, with the fix, when PostgreSQL is down: a skipped test would hide it. */
    @BeforeAll
    static void postgresIsUp() {
        try (Connection connection = admin()) {
            assertThat(connection.isValid(5)).isTrue();
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + URL + " as " + USER + " (" + e.getMessage() + "); these tests"
                    + " need it running there with trust authentication and a database 'test' (on this machine kind"
                    + " it is started before each session; else start it, e.g. 'service postgresql start')");
        }
    }

    @AfterAll
    static void dropTables() throws SQLException {
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            for (String name : TABLES) {
                statement.execute("DROP TABLE IF EXISTS " + name);
                statement.execute("DROP TABLE IF EXISTS " + name + "_scopes");
                statement.execute("DROP TABLE IF EXISTS " + name + "_scoped");
                statement.execute("DROP SEQUENCE IF EXISTS " + name + "_seq");
                statement.execute("DROP TABLE IF EXISTS " + name + "_schema_version");
            }
        }
    }

    static Connection admin() throws SQLException {
        return DriverManager.getConnection(URL, USER, "");
    }

    private static String newTable() {
        String name = "offsets_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        TABLES.add(name);
        return name;
    }

    private static JdbcOffsetStore.Settings settings(String table) {
        return new JdbcOffsetStore.Settings(URL, USER, null, table, 4);
    }

    /** A store on {@code table} whose next change, when armed, loses its connection before it commits. */
    private JdbcOffsetStore open(String table) {
        return JdbcOffsetStore.open(settings(table), codec, connection -> {
            if (failNextChange.getAndSet(false)) {
                try (Statement statement = connection.createStatement()) {
                    // The server ends this very session, as a crash or a network cut would.
                    statement.execute("SELECT pg_terminate_backend(pg_backend_pid())");
                }
            }
        });
    }

    @Override
    protected OffsetStore openFresh() {
        table = newTable();
        return open(table);
    }

    @Override
    protected OffsetStore reopen() {
        return open(table);
    }

    @Override
    protected void failDuringNextChange(OffsetStore store) {
        failNextChange.set(true);
    }

    @Override
    protected void damageStoredData(Damage damage) {
        String sql = switch (damage) {
            case TRUNCATED -> "UPDATE " + table + " SET entry = left(entry, length(entry) / 2) WHERE connector = ?";
            case NEWER_VERSION -> "UPDATE " + table + " SET entry = '{\"version\":" + FUTURE_VERSION
                    + ",\"stores\":[{\"kind\":\"future\"}]}' WHERE connector = ?";
        };
        try (Connection connection = admin(); PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, CONNECTOR);
            assertThat(update.executeUpdate()).isPositive();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTableOfSchemaVersionOneIsMigratedAndItsOffsetsReadAsBefore() throws SQLException {
        String own = newTable();
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            // Exactly what version 1 created.
            statement.execute("CREATE TABLE " + own + "_schema_version (version integer PRIMARY KEY,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            statement.execute("CREATE TABLE " + own + " (connector text NOT NULL, partition_key text NOT NULL,"
                    + " entry text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (connector, partition_key))");
            statement.execute("INSERT INTO " + own + "_schema_version (version) VALUES (1)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + own
                    + " (connector, partition_key, entry) VALUES (?, ?, ?)")) {
                insert.setString(1, CONNECTOR);
                insert.setString(2, codec.encodePartition(shard(0)));
                insert.setString(3, new String(codec.encodeEntry(shard(0), position(4)), StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
        }

        try (JdbcOffsetStore store = open(own)) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(4)));
            ScopedOffsetWriter writer = store.openWriter(CONNECTOR, "task-0");
            writer.write(Map.of(shard(1), position(1)));
            assertThat(store.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(4), shard(1), position(1)));
        }
    }

    @Test
    void aSecondProcessClaimingAScopeFencesTheFirstWhoseLaterWritesNoReaderSees() {
        String own = newTable();
        try (JdbcOffsetStore first = open(own); JdbcOffsetStore second = open(own)) {
            ScopedOffsetWriter a = first.openWriter(CONNECTOR, "task-0");
            ScopedOffsetWriter b = second.openWriter(CONNECTOR, "task-1");
            a.write(Map.of(shard(0), position(1), shard(1), position(1)));
            b.write(Map.of(shard(2), position(1)));

            try (JdbcOffsetStore successorProcess = open(own)) {
                ScopedOffsetWriter a2 = successorProcess.openWriter(CONNECTOR, "task-0");
                assertThatThrownBy(() -> a.write(Map.of(shard(0), position(99))))
                        .isInstanceOf(OffsetStoreException.class)
                        .hasMessage("scope 'task-0' of connector '" + CONNECTOR + "' in table " + own + " was taken"
                                + " over by a newer writer, so this writer is fenced (replaced) and may no longer"
                                + " write its offsets; stop this copy of the task, the new writer runs it now");
                // Shard 1 moved to task-1, which writes it after task-0's last write: the later write wins.
                b.write(Map.of(shard(1), position(5)));
                a2.write(Map.of(shard(0), position(2)));
                b.write(Map.of(shard(2), position(2)));
            }
            try (JdbcOffsetStore reader = open(own)) {
                Map<SourcePartition, SourceOffset> expected = Map.of(shard(0), position(2), shard(1), position(5),
                        shard(2), position(2));
                assertThat(reader.readAll(CONNECTOR)).isEqualTo(expected);
                assertThat(reader.read(CONNECTOR, List.of(shard(0), shard(9)))).isEqualTo(Map.of(shard(0), position(2)));
                assertThat(reader.connectors()).containsExactly(CONNECTOR);
            }
        }
    }

    @Test
    void aWriteInFlightWhenTheScopeIsClaimedEitherCommitsBeforeTheClaimOrFails() throws Exception {
        String own = newTable();
        try (JdbcOffsetStore first = open(own); JdbcOffsetStore second = open(own);
                Connection blocker = admin()) {
            ScopedOffsetWriter old = first.openWriter(CONNECTOR, "task-0");
            old.write(Map.of(shard(0), position(1)));
            // Holds the scope's row, as a commit in progress would, so the claim must wait for it.
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("SELECT epoch FROM " + own + "_scopes FOR UPDATE");
            }
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<ScopedOffsetWriter> claiming = pool.submit(() -> second.openWriter(CONNECTOR, "task-0"));
                Thread.sleep(300);
                assertThat(claiming).isNotDone();
                blocker.commit();
                ScopedOffsetWriter successor = claiming.get(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> old.write(Map.of(shard(0), position(7)))).hasMessageContaining("fenced");
                successor.write(Map.of(shard(1), position(1)));
            } finally {
                pool.shutdownNow();
            }
            assertThat(second.readAll(CONNECTOR)).isEqualTo(Map.of(shard(0), position(1), shard(1), position(1)));
        }
    }

    @Test
    void keepsOneRowPerPartitionWithTheVersionedEntry() throws SQLException {
        String own = newTable();
        try (JdbcOffsetStore store = open(own)) {
            store.write(CONNECTOR, Map.of(shard(0), position(1), shard(1), position(1)));
            store.write(CONNECTOR, Map.of(shard(1), position(2)));
            store.write(OTHER_CONNECTOR, Map.of(shard(0), position(3)));
            store.remove(OTHER_CONNECTOR, List.of(shard(0)));
        }

        List<String> rows = new ArrayList<>();
        try (Connection connection = admin(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT connector, partition_key, entry FROM " + own
                        + " ORDER BY connector, partition_key")) {
            while (result.next()) {
                rows.add(result.getString(1) + " | " + result.getString(2) + " | " + result.getString(3));
            }
        }
        assertThat(rows).containsExactly(
                CONNECTOR + " | " + codec.encodePartition(shard(0)) + " | "
                        + new String(codec.encodeEntry(shard(0), position(1)), StandardCharsets.UTF_8),
                CONNECTOR + " | " + codec.encodePartition(shard(1)) + " | "
                        + new String(codec.encodeEntry(shard(1), position(2)), StandardCharsets.UTF_8));
    }

    @Test
    void createsTheSchemaOnceEvenWhenWorkersStartTogether() throws Exception {
        String own = newTable();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<JdbcOffsetStore>> opening = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opening.add(pool.submit(() -> open(own)));
            }
            for (Future<JdbcOffsetStore> store : opening) {
                store.get(60, TimeUnit.SECONDS).close();
            }
        } finally {
            pool.shutdownNow();
        }

        try (Connection connection = admin(); Statement statement = connection.createStatement();
                ResultSet versions = statement.executeQuery("SELECT version FROM " + own
                        + "_schema_version ORDER BY version")) {
            assertThat(versions.next()).isTrue();
            assertThat(versions.getInt(1)).isEqualTo(1);
            assertThat(versions.next()).isTrue();
            assertThat(versions.getInt(1)).isEqualTo(2);
            assertThat(versions.next()).as("one row per migration step").isFalse();
        }
    }

    @Test
    void aTableOfANewerSchemaIsRefusedWithTheFix() throws SQLException {
        String own = newTable();
        open(own).close();
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO " + own + "_schema_version (version) VALUES (3)");
        }

        assertThatThrownBy(() -> open(own))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage("offset table " + own + " at " + URL + " has schema version 3, newer than this Tributary"
                        + " understands (2); upgrade Tributary, or set offset.jdbc.table to another table");
    }

    /**
     * The server here trusts every local login, so it checks no password; an unknown user is the
     * credential it does refuse. The password must not show in the error, in its causes, nor in
     * what the store and its pool logged, even at debug level.
     */
    @Test
    void refusedCredentialsGiveAClearErrorWithoutThePassword() throws Exception {
        String password = "Pa55-" + UUID.randomUUID();
        String user = "no_such_user_" + UUID.randomUUID().toString().substring(0, 8);
        JdbcOffsetStore.Settings refused = new JdbcOffsetStore.Settings(URL + "?password=" + password
                + "&ApplicationName=tributary", user, new Password(password), newTable(), 2);

        assertThatThrownBy(() -> JdbcOffsetStore.open(refused, codec))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageStartingWith("could not connect to PostgreSQL at " + URL + " as user '" + user + "' (")
                .hasMessageContaining("role \"" + user + "\" does not exist")
                .hasMessageEndingWith("check offset.jdbc.url, offset.jdbc.user and offset.jdbc.password (or the"
                        + " environment variable TRIBUTARY_OFFSET_JDBC_PASSWORD), and that the database is up")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(password);
                        assertThat(t.toString()).doesNotContain(password);
                    }
                });
        assertThat(refused.toString()).doesNotContain(password);

        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/checkpoint-stores-it.log"));
        String logged = Files.exists(log) ? Files.readString(log) : "";
        assertThat(logged).as("the pool logged its settings at debug level, so this check has something to read")
                .contains(refused.table());
        assertThat(logged).doesNotContain(password);
    }

    @Test
    void aServerThatIsDownIsReportedWithTheUrlAndTheFix() {
        int port = FreePorts.allocate(1).get(0);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/test";

        assertThatThrownBy(() -> JdbcOffsetStore.open(new JdbcOffsetStore.Settings(url, USER, null, newTable(), 1),
                codec))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageStartingWith("could not connect to PostgreSQL at " + url + " as user 'postgres' (")
                .hasMessageContaining("refused")
                .hasMessageEndingWith("and that the database is up");
    }

    @Test
    void theProviderOpensTheStoreFromWorkerKeys() {
        String own = newTable();
        JdbcOffsetStoreProvider provider = new JdbcOffsetStoreProvider(Map.of());
        Map<String, String> config = Map.of("url", URL, "user", USER, "table", own, "pool.size", "2");

        try (OffsetStore store = provider.open(config, Path.of("unused"))) {
            store.write(CONNECTOR, batch(3, 4));
        }
        try (OffsetStore store = provider.open(config, Path.of("unused"))) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(3, 4));
            assertThat(((JdbcOffsetStore) store).table()).isEqualTo(own);
        }
    }
}
