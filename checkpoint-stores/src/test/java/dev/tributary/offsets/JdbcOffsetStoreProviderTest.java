package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.Password;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcOffsetStoreProviderTest {
    private static final String URL = "jdbc:postgresql://db.example:5432/offsets";

    @Test
    void takesTheCredentialsFromTheEnvironmentWhenTheConfigLeavesThemUnset() {
        JdbcOffsetStoreProvider provider = new JdbcOffsetStoreProvider(Map.of(
                "TRIBUTARY_OFFSET_JDBC_USER", "from-env", "TRIBUTARY_OFFSET_JDBC_PASSWORD", "env-secret"));

        JdbcOffsetStore.Settings settings = provider.settings(Map.of("url", URL));

        assertThat(settings.user()).isEqualTo("from-env");
        assertThat(settings.password()).isEqualTo(new Password("env-secret"));
        assertThat(settings.table()).isEqualTo("tributary_offsets");
        assertThat(settings.poolSize()).isEqualTo(4);
        assertThat(settings.toString()).doesNotContain("env-secret");
    }

    @Test
    void theConfigWinsOverTheEnvironment() {
        JdbcOffsetStoreProvider provider = new JdbcOffsetStoreProvider(Map.of(
                "TRIBUTARY_OFFSET_JDBC_USER", "from-env", "TRIBUTARY_OFFSET_JDBC_PASSWORD", "env-secret"));

        JdbcOffsetStore.Settings settings = provider.settings(Map.of("url", URL, "user", "tributary",
                "password", "config-secret", "table", "ops.offsets", "pool.size", "2"));

        assertThat(settings.user()).isEqualTo("tributary");
        assertThat(settings.password()).isEqualTo(new Password("config-secret"));
        assertThat(settings.table()).isEqualTo("ops.offsets");
        assertThat(settings.poolSize()).isEqualTo(2);
    }

    @Test
    void withNeitherThereIsNoPassword() {
        JdbcOffsetStore.Settings settings = new JdbcOffsetStoreProvider(Map.of()).settings(Map.of("url", URL));

        assertThat(settings.user()).isEmpty();
        assertThat(settings.password()).isNull();
    }

    @Test
    void validationNamesEachWrongKeyAndMasksThePassword() {
        JdbcOffsetStoreProvider provider = new JdbcOffsetStoreProvider(Map.of());

        assertThat(provider.configSchema().validate(Map.of()).errorLines()).containsExactly(
                "url: is required (Set offset.jdbc.url to the PostgreSQL database that keeps the offsets, such as"
                        + " jdbc:postgresql://127.0.0.1:5432/tributary.)");
        assertThat(provider.configSchema().validate(Map.of("url", "jdbc:mysql://x/y", "table", "offsets; DROP",
                "pool.size", "0", "password", "hunter2")).errorLines())
                .hasSize(3)
                .noneMatch(line -> line.contains("hunter2"))
                .anySatisfy(line -> assertThat(line).startsWith("url: ").contains("a PostgreSQL JDBC URL"))
                .anySatisfy(line -> assertThat(line).startsWith("table: "))
                .anySatisfy(line -> assertThat(line).startsWith("pool.size: "));
        assertThatThrownBy(() -> provider.settings(Map.of("url", URL, "tabel", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean table?");
    }

    @Test
    void theUrlShownInMessagesHasNoQuery() {
        assertThat(JdbcOffsetStore.safeUrl(URL + "?password=secret&ssl=true")).isEqualTo(URL);
        assertThat(JdbcOffsetStore.safeUrl(URL)).isEqualTo(URL);
    }
}
