package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tributary.api.config.Password;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps offsets in a PostgreSQL table, one row per connector and partition:
 * {@code (connector, partition_key, entry, updated_at)}, where {@code partition_key} is the
 * partition as {@link OffsetCodec#encodePartition} writes it and {@code entry} the versioned
 * entry of {@link OffsetCodec#encodeEntry}, kept as text so that numbers come back exactly.
 *
 * <p>Schema: created on open, and migrated in order by the steps this class knows; the table
 * {@code <table>_schema_version} records the steps applied. Workers that open the store at the
 * same time take turns through an advisory lock. A table of a newer schema is refused.
 *
 * <p>Scopes ({@link #openWriter}), from schema version 2: {@code <table>_scopes (connector, scope,
 * epoch, claimed_at)} holds each scope's claim, and {@code <table>_scoped (connector, scope,
 * partition_key, entry, seq, updated_at)} each scope's latest write of each partition, where a
 * null {@code entry} marks a removal. Opening a writer raises the scope's {@code epoch} in its own
 * transaction; each write of a writer locks the scope's row ({@code SELECT ... FOR UPDATE}) and
 * fails, saying the writer was fenced, unless the epoch is still its own, so no write of a
 * replaced writer commits after the claim that replaced it. A write takes one number from the
 * sequence {@code <table>_seq} for all its rows, inside its transaction, so a write that starts
 * after another committed has the higher number: that is what "later" means here. Reads take the
 * connector-wide rows (the scope {@value OffsetStore#CONNECTOR_WIDE_SCOPE}, in {@code <table>} as
 * before) and overlay, per partition, the scoped row of the highest {@code seq} (the greater scope
 * name on a tie), in one statement, so one snapshot; a removal mark that wins hides the partition.
 * Removal marks stay until the scope's writer writes the partition again.
 *
 * <p>Atomicity: each write is one transaction, an upsert ({@code INSERT ... ON CONFLICT DO
 * UPDATE}) of the whole batch; each removal one {@code DELETE}. Each read is one statement, so
 * it sees every committed batch whole and none in part.
 *
 * <p>Threads: thread-safe; calls share a HikariCP pool of {@code pool.size} connections.
 *
 * <p>Errors: {@link OffsetStoreException}, naming the table, the connector and the fix. The
 * password never appears in a message or a log line: messages name the URL without its query
 * and take the password out of any text that the driver returns.
 */
public final class JdbcOffsetStore implements OffsetStore {
    /** The schema version that this class creates, and the newest it can use. */
    static final int SCHEMA_VERSION = 2;

    /**
     * How to connect and where to keep the offsets.
     *
     * @param url the JDBC URL, {@code jdbc:postgresql://...}
     * @param user the user, or empty for the driver's default
     * @param password the password, or null for none
     * @param table the table, optionally schema-qualified; a plain SQL identifier
     * @param poolSize the most connections the store keeps open
     */
    record Settings(String url, String user, Password password, String table, int poolSize) {
        Settings {
            requireNonNull(url, "url is null");
            requireNonNull(user, "user is null");
            requireNonNull(table, "table is null");
        }

        String passwordText() {
            return password == null ? "" : password.value();
        }

        /** Without the URL's query, where a password may be written, and with the password masked. */
        @Override
        public String toString() {
            return "Settings[url=" + safeUrl(url) + ", user=" + user + ", password="
                    + (password == null ? "none" : Password.HIDDEN) + ", table=" + table + ", poolSize=" + poolSize + "]";
        }
    }

    /** Runs inside each change's transaction just before it commits; tests make it fail part-way through. */
    @FunctionalInterface
    interface ChangeHook {
        void beforeCommit(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&]password=([^&]*)");

    private final Settings settings;
    private final OffsetCodec codec;
    private final ChangeHook hook;
    private final HikariDataSource pool;
    private final String table;
    private final String safeUrl;
    private final String[] secrets;
    private volatile boolean closed;

    private JdbcOffsetStore(Settings settings, OffsetCodec codec, ChangeHook hook, HikariDataSource pool) {
        this.settings = settings;
        this.codec = codec;
        this.hook = hook;
        this.pool = pool;
        this.table = settings.table();
        this.safeUrl = safeUrl(settings.url());
        this.secrets = secrets(settings);
    }

    /**
     * Connects, then creates or migrates the schema.
     *
     * @throws OffsetStoreException when the database cannot be reached, refuses the credentials,
     *         or holds a schema newer than this Tributary knows
     */
    static JdbcOffsetStore open(Settings settings, OffsetCodec codec) {
        return open(settings, codec, connection -> { });
    }

    static JdbcOffsetStore open(Settings settings, OffsetCodec codec, ChangeHook hook) {
        requireNonNull(settings, "settings is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(hook, "hook is null");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        if (!settings.user().isEmpty()) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password().value());
        }
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        config.setPoolName("tributary-offsets-" + settings.table());
        config.setConnectionTimeout(10_000);
        // A connection that goes silent (a cut network, a frozen server) fails the commit after 30 s instead of
        // blocking the committer for good; parameters in offset.jdbc.url take precedence over these.
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("connectTimeout", "10");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new OffsetStoreException("could not connect to PostgreSQL at " + safeUrl(settings.url())
                    + (settings.user().isEmpty() ? "" : " as user '" + settings.user() + "'") + " ("
                    + describe(rootCause(e), secrets(settings)) + "); check offset.jdbc.url, offset.jdbc.user and"
                    + " offset.jdbc.password (or the environment variable TRIBUTARY_OFFSET_JDBC_PASSWORD), and that"
                    + " the database is up", withoutSecrets(e, secrets(settings)));
        }
        JdbcOffsetStore store = new JdbcOffsetStore(settings, codec, hook, pool);
        try {
            store.migrate();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The table that holds the offsets. */
    public String table() {
        return table;
    }

    private void migrate() {
        String versions = table + "_schema_version";
        int found = transaction("create or migrate the offset table " + table, connection -> {
            try (Statement statement = connection.createStatement()) {
                // Two workers starting at once would otherwise both try to create the tables.
                statement.execute("SELECT pg_advisory_xact_lock(hashtext('tributary-offsets:" + table + "'))");
                statement.execute("CREATE TABLE IF NOT EXISTS " + versions
                        + " (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
                int current;
                try (ResultSet rows = statement.executeQuery("SELECT coalesce(max(version), 0) FROM " + versions)) {
                    rows.next();
                    current = rows.getInt(1);
                }
                if (current > SCHEMA_VERSION) {
                    return current;
                }
                if (current < 1) {
                    statement.execute("CREATE TABLE " + table + " (connector text NOT NULL, partition_key text NOT NULL,"
                            + " entry text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
                            + " PRIMARY KEY (connector, partition_key))");
                    statement.execute("INSERT INTO " + versions + " (version) VALUES (1)");
                }
                if (current < 2) {
                    statement.execute("CREATE TABLE " + table + "_scopes (connector text NOT NULL, scope text NOT NULL,"
                            + " epoch bigint NOT NULL, claimed_at timestamptz NOT NULL DEFAULT now(),"
                            + " PRIMARY KEY (connector, scope))");
                    statement.execute("CREATE TABLE " + table + "_scoped (connector text NOT NULL, scope text NOT NULL,"
                            + " partition_key text NOT NULL, entry text, seq bigint NOT NULL,"
                            + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (connector, scope, partition_key))");
                    statement.execute("CREATE SEQUENCE " + table + "_seq");
                    statement.execute("INSERT INTO " + versions + " (version) VALUES (2)");
                }
                // Later schema versions add their steps here, each guarded by current < n.
                return current;
            }
        }, false);
        if (found > SCHEMA_VERSION) {
            throw new OffsetStoreException("offset table " + table + " at " + safeUrl + " has schema version " + found
                    + ", newer than this Tributary understands (" + SCHEMA_VERSION + "); upgrade Tributary, or set"
                    + " offset.jdbc.table to another table");
        }
    }

    @Override
    public Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> wanted = List.copyOf(requireNonNull(partitions, "partitions is null"));
        ensureOpen();
        if (wanted.isEmpty()) {
            return Map.of();
        }
        String[] keys = wanted.stream().map(codec::encodePartition).distinct().toArray(String[]::new);
        return transaction("read the offsets of connector '" + connector + "'", connection -> {
            try (PreparedStatement select = connection.prepareStatement(mergedSelect("AND partition_key = ANY(?)"))) {
                Array array = connection.createArrayOf("text", keys);
                select.setString(1, connector);
                select.setArray(2, array);
                select.setString(3, connector);
                select.setArray(4, array);
                return decodeRows(connector, select);
            }
        }, false);
    }

    @Override
    public Map<SourcePartition, SourceOffset> readAll(String connector) {
        requireNonNull(connector, "connector is null");
        ensureOpen();
        return transaction("read the offsets of connector '" + connector + "'", connection -> {
            try (PreparedStatement select = connection.prepareStatement(mergedSelect(""))) {
                select.setString(1, connector);
                select.setString(2, connector);
                return decodeRows(connector, select);
            }
        }, false);
    }

    /**
     * One statement, so one snapshot: the connector-wide rows, then per partition the winning
     * scoped row (layer 2), whose entry is null for a removal.
     */
    private String mergedSelect(String condition) {
        return "SELECT partition_key, entry, 1 AS layer FROM " + table + " WHERE connector = ? " + condition
                + " UNION ALL SELECT * FROM (SELECT DISTINCT ON (partition_key) partition_key, entry, 2 FROM " + table
                + "_scoped WHERE connector = ? " + condition + " ORDER BY partition_key, seq DESC, scope DESC) AS won"
                + " ORDER BY layer";
    }

    private Map<SourcePartition, SourceOffset> decodeRows(String connector, PreparedStatement select)
            throws SQLException {
        Map<SourcePartition, SourceOffset> offsets = new HashMap<>();
        Map<String, SourcePartition> byKey = new HashMap<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String key = rows.getString(1);
                if (rows.getString(2) == null) {
                    // A scope removed it after any connector-wide write: gone.
                    SourcePartition removed = byKey.get(key);
                    if (removed != null) {
                        offsets.remove(removed);
                    }
                    continue;
                }
                String origin = "offset row of connector '" + connector + "' and partition " + key + " in table "
                        + table;
                Map.Entry<SourcePartition, SourceOffset> entry =
                        codec.decodeEntry(rows.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8), origin);
                if (!codec.encodePartition(entry.getKey()).equals(key)) {
                    throw new OffsetStoreException(origin + " is damaged: its entry is for partition "
                            + entry.getKey() + "; restore it from a backup, or delete it so that the connector starts"
                            + " again from its initial positions");
                }
                offsets.put(entry.getKey(), entry.getValue());
                byKey.put(key, entry.getKey());
            }
        }
        return Map.copyOf(offsets);
    }

    @Override
    public void write(String connector, Map<SourcePartition, SourceOffset> batch) {
        requireNonNull(connector, "connector is null");
        // Copied before anything changes, so a batch that fails while being read changes nothing.
        Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(batch, "batch is null"));
        ensureOpen();
        if (copy.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(copy.size());
        List<String> entries = new ArrayList<>(copy.size());
        copy.forEach((partition, offset) -> {
            keys.add(codec.encodePartition(partition));
            entries.add(new String(codec.encodeEntry(partition, offset), java.nio.charset.StandardCharsets.UTF_8));
        });
        transaction("write the offsets of connector '" + connector + "'", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                    + " (connector, partition_key, entry) SELECT ?, batch.partition_key, batch.entry"
                    + " FROM unnest(?::text[], ?::text[]) AS batch(partition_key, entry)"
                    + " ON CONFLICT (connector, partition_key) DO UPDATE SET entry = EXCLUDED.entry,"
                    + " updated_at = now()")) {
                upsert.setString(1, connector);
                upsert.setArray(2, connection.createArrayOf("text", keys.toArray()));
                upsert.setArray(3, connection.createArrayOf("text", entries.toArray()));
                upsert.executeUpdate();
            }
            return null;
        }, true);
    }

    @Override
    public void remove(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> gone = List.copyOf(requireNonNull(partitions, "partitions is null"));
        ensureOpen();
        if (gone.isEmpty()) {
            return;
        }
        String[] keys = gone.stream().map(codec::encodePartition).distinct().toArray(String[]::new);
        transaction("remove offsets of connector '" + connector + "'", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE connector = ? AND partition_key = ANY(?)")) {
                delete.setString(1, connector);
                delete.setArray(2, connection.createArrayOf("text", keys));
                delete.executeUpdate();
            }
            return null;
        }, true);
    }

    @Override
    public Set<String> connectors() {
        ensureOpen();
        return transaction("list the connectors that have offsets", connection -> {
            Set<String> found = new HashSet<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT DISTINCT connector FROM " + table
                            + " UNION SELECT DISTINCT connector FROM " + table + "_scoped WHERE entry IS NOT NULL")) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return Set.copyOf(found);
        }, false);
    }

    /** True: a claim raises the scope's epoch, and every write checks it under the scope's row lock. */
    @Override
    public boolean fencesScopes() {
        return true;
    }

    @Override
    public ScopedOffsetWriter openWriter(String connector, String scope) {
        requireNonNull(connector, "connector is null");
        ScopedOffsetWriter.checkScope(scope);
        ensureOpen();
        long epoch = transaction("claim scope '" + scope + "' of connector '" + connector + "'", connection -> {
            try (PreparedStatement claim = connection.prepareStatement("INSERT INTO " + table + "_scopes"
                    + " (connector, scope, epoch) VALUES (?, ?, 1) ON CONFLICT (connector, scope) DO UPDATE SET"
                    + " epoch = " + table + "_scopes.epoch + 1, claimed_at = now() RETURNING epoch")) {
                claim.setString(1, connector);
                claim.setString(2, scope);
                try (ResultSet rows = claim.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        }, true);
        return new ScopeWriter(connector, scope, epoch);
    }

    /** A scope's writer: it may write while the scope's epoch is {@link #epoch}. */
    private final class ScopeWriter implements ScopedOffsetWriter {
        private final String connector;
        private final String scope;
        private final long epoch;
        private volatile boolean closed;
        private volatile boolean fenced;

        ScopeWriter(String connector, String scope, long epoch) {
            this.connector = connector;
            this.scope = scope;
            this.epoch = epoch;
        }

        @Override
        public String connector() {
            return connector;
        }

        @Override
        public String scope() {
            return scope;
        }

        @Override
        public void write(Map<SourcePartition, SourceOffset> offsets) {
            Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(offsets, "offsets is null"));
            List<String> keys = new ArrayList<>(copy.size());
            List<String> entries = new ArrayList<>(copy.size());
            copy.forEach((partition, offset) -> {
                keys.add(codec.encodePartition(partition));
                entries.add(new String(codec.encodeEntry(partition, offset), java.nio.charset.StandardCharsets.UTF_8));
            });
            change("write the offsets", keys, entries);
        }

        @Override
        public void remove(Collection<SourcePartition> partitions) {
            List<String> keys = List.copyOf(requireNonNull(partitions, "partitions is null")).stream()
                    .map(codec::encodePartition).distinct().toList();
            List<String> entries = new ArrayList<>(keys.size());
            keys.forEach(key -> entries.add(null));
            change("remove offsets", keys, entries);
        }

        @Override
        public void close() {
            closed = true;
        }

        private void change(String what, List<String> keys, List<String> entries) {
            ensureUsable();
            if (keys.isEmpty()) {
                return;
            }
            boolean stillOwned = transaction(what + " of scope '" + scope + "' of connector '" + connector + "'",
                    connection -> {
                        try (PreparedStatement lock = connection.prepareStatement("SELECT epoch FROM " + table
                                + "_scopes WHERE connector = ? AND scope = ? FOR UPDATE")) {
                            lock.setString(1, connector);
                            lock.setString(2, scope);
                            try (ResultSet rows = lock.executeQuery()) {
                                if (!rows.next() || rows.getLong(1) != epoch) {
                                    return false;
                                }
                            }
                        }
                        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table + "_scoped"
                                + " (connector, scope, partition_key, entry, seq) SELECT ?, ?, batch.partition_key,"
                                + " batch.entry, seq.value FROM unnest(?::text[], ?::text[]) AS batch(partition_key, entry),"
                                + " (SELECT nextval('" + table + "_seq') AS value) AS seq"
                                + " ON CONFLICT (connector, scope, partition_key) DO UPDATE SET entry = EXCLUDED.entry,"
                                + " seq = EXCLUDED.seq, updated_at = now()")) {
                            upsert.setString(1, connector);
                            upsert.setString(2, scope);
                            upsert.setArray(3, connection.createArrayOf("text", keys.toArray()));
                            upsert.setArray(4, connection.createArrayOf("text", entries.toArray()));
                            upsert.executeUpdate();
                        }
                        return true;
                    }, true);
            if (!stillOwned) {
                fenced = true;
                throw fencedError();
            }
        }

        private void ensureUsable() {
            ensureOpen();
            if (closed) {
                throw new OffsetStoreException("the offset writer of connector '" + connector + "', scope '" + scope
                        + "' is closed; open a new one with openWriter");
            }
            if (fenced) {
                throw fencedError();
            }
        }

        private OffsetStoreException fencedError() {
            return new OffsetWriterFencedException("scope '" + scope + "' of connector '" + connector + "' in table " + table
                    + " was taken over by a newer writer, so this writer is fenced (replaced) and may no longer write"
                    + " its offsets; stop this copy of the task, the new writer runs it now");
        }
    }

    /** Closes the pool. Offsets already written stay in the table. Idempotent. */
    @Override
    public void close() {
        closed = true;
        pool.close();
    }

    /** Runs {@code work} in one transaction; a change runs the test hook before it commits. */
    private <T> T transaction(String what, Work<T> work, boolean change) {
        try (Connection connection = pool.getConnection()) {
            try {
                T result = work.run(connection);
                if (change) {
                    hook.beforeCommit(connection);
                }
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            if (closed) {
                throw closedError();
            }
            String fix = change ? "; the offsets committed before still hold, and the worker retries"
                    : "; check that the database is up and that the user may use table " + table;
            throw new OffsetStoreException("could not " + what + " in table " + table + " at " + safeUrl + " ("
                    + describe(e, secrets) + ")" + fix, withoutSecrets(e, secrets));
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken; the pool drops it, and the transaction died with it.
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private static OffsetStoreException closedError() {
        return new OffsetStoreException("the jdbc offset store is closed; this is a bug in the worker, which uses a"
                + " store only until it closes it");
    }

    /** The URL without its query, where a password may be written. */
    static String safeUrl(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static String[] secrets(Settings settings) {
        List<String> secrets = new ArrayList<>();
        secrets.add(settings.passwordText());
        Matcher inUrl = URL_PASSWORD.matcher(settings.url());
        while (inUrl.find()) {
            secrets.add(inUrl.group(1));
        }
        return secrets.toArray(String[]::new);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The driver's own words, with the SQL state when there is one, and no secret. */
    private static String describe(Throwable e, String[] secrets) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        String state = e instanceof SQLException sql && sql.getSQLState() != null ? "SQL state " + sql.getSQLState()
                + ": " : "";
        return Redaction.redact(state + message, secrets);
    }

    /**
     * The cause to attach: the driver's exception, unless its message chain holds a secret, in
     * which case a plain copy of the chain with the secrets taken out.
     */
    private static Throwable withoutSecrets(Throwable e, String[] secrets) {
        boolean leaks = false;
        for (Throwable t = e; t != null && !leaks; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            leaks = !Redaction.redact(message, secrets).equals(message);
        }
        if (!leaks) {
            return e;
        }
        Throwable cause = e.getCause() == null || e.getCause() == e ? null : withoutSecrets(e.getCause(), secrets);
        RedactedException copy = new RedactedException(e.getClass().getName() + ": "
                + Redaction.redact(String.valueOf(e.getMessage()), secrets), cause);
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    /** Stands in for a driver exception whose message held a secret. */
    private static final class RedactedException extends Exception {
        private static final long serialVersionUID = 1L;

        RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
