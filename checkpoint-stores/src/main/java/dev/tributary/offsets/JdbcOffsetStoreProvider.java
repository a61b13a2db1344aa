package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Password;
import dev.tributary.api.config.Validators;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreProvider;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code jdbc} offset store: offsets in a PostgreSQL table, shared by every worker that names
 * it. See {@link JdbcOffsetStore}.
 *
 * <p>Credentials come from {@code offset.jdbc.user} and {@code offset.jdbc.password}, or, when
 * those are unset, from the environment variables {@value #USER_ENV} and {@value #PASSWORD_ENV},
 * so that a password need not be written in the worker's config file.
 */
public final class JdbcOffsetStoreProvider implements OffsetStoreProvider {
    /** The value of {@code offset.store} that chooses this store. */
    public static final String NAME = "jdbc";
    public static final String URL = "url";
    public static final String USER = "user";
    public static final String PASSWORD = "password";
    public static final String TABLE = "table";
    public static final String POOL_SIZE = "pool.size";
    /** Read for the user when {@code offset.jdbc.user} is unset. */
    public static final String USER_ENV = "TRIBUTARY_OFFSET_JDBC_USER";
    /** Read for the password when {@code offset.jdbc.password} is unset. */
    public static final String PASSWORD_ENV = "TRIBUTARY_OFFSET_JDBC_PASSWORD";

    private static final String GROUP = "Offset store: jdbc";

    private static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(URL, ConfigType.STRING).required()
                    .validator(Validators.matches("jdbc:postgresql:.+",
                            "a PostgreSQL JDBC URL, such as jdbc:postgresql://127.0.0.1:5432/tributary"))
                    .group(GROUP)
                    .doc("Set offset.jdbc.url to the PostgreSQL database that keeps the offsets, such as"
                            + " jdbc:postgresql://127.0.0.1:5432/tributary. Put no password in it; use"
                            + " offset.jdbc.password or " + PASSWORD_ENV + ".")
                    .build())
            .field(ConfigField.builder(USER, ConfigType.STRING).defaultValue("")
                    .group(GROUP)
                    .doc("The database user. When empty, " + USER_ENV + " is used, then the driver's default.")
                    .build())
            .field(ConfigField.builder(PASSWORD, ConfigType.PASSWORD)
                    .group(GROUP)
                    .doc("The database password. When unset, " + PASSWORD_ENV + " is used. Masked everywhere.")
                    .build())
            .field(ConfigField.builder(TABLE, ConfigType.STRING).defaultValue("tributary_offsets")
                    .validator(Validators.matches("([A-Za-z_][A-Za-z0-9_]{0,47}\\.)?[A-Za-z_][A-Za-z0-9_]{0,47}",
                            "a table name of letters, digits and underscores, at most 48 long, optionally"
                                    + " schema-qualified"))
                    .group(GROUP)
                    .doc("The table of offsets, created on first use together with <table>_schema_version,"
                            + " which records its schema version.")
                    .build())
            .field(ConfigField.builder(POOL_SIZE, ConfigType.INT).defaultValue("4")
                    .validator(Validators.between(1, 64))
                    .group(GROUP)
                    .doc("The most database connections the store keeps open.")
                    .build())
            .build();

    private final OffsetCodec codec = new OffsetCodec();
    private final Map<String, String> environment;

    public JdbcOffsetStoreProvider() {
        this(System.getenv());
    }

    /** With {@code environment} in place of the process's, for tests. */
    JdbcOffsetStoreProvider(Map<String, String> environment) {
        this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    /**
     * Connects to the database and creates or migrates the schema. {@code dataDir} is not used.
     *
     * @throws dev.tributary.api.config.ConfigException when a key is invalid
     * @throws dev.tributary.api.offset.OffsetStoreException when the database cannot be reached,
     *         refuses the credentials, or has a newer schema
     */
    @Override
    public OffsetStore open(Map<String, String> config, Path dataDir) {
        return JdbcOffsetStore.open(settings(config), codec);
    }

    /** The store's settings from its keys, with the credentials taken from the environment where unset. */
    JdbcOffsetStore.Settings settings(Map<String, String> config) {
        Config parsed = SCHEMA.parse(requireNonNull(config, "config is null"));
        String user = parsed.getString(USER);
        if (user.isBlank()) {
            user = environment.getOrDefault(USER_ENV, "").trim();
        }
        Password password = parsed.getPassword(PASSWORD);
        if (password == null && environment.get(PASSWORD_ENV) != null) {
            password = new Password(environment.get(PASSWORD_ENV));
        }
        return new JdbcOffsetStore.Settings(parsed.getString(URL), user, password, parsed.getString(TABLE),
                parsed.getInt(POOL_SIZE));
    }
}
