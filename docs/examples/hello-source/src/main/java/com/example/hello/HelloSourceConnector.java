package com.example.hello;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Validators;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceTask;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sample source connector: each task sends numbered greetings ({@code hello #0},
 * {@code hello #1}, ...) and, after a restart, goes on after the last greeting that Pulsar
 * acknowledged. Operators name it {@code hello}: the class name without {@code SourceConnector},
 * in lower case.
 *
 * <p>Found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.tributary.api.connector.SourceConnector}.
 */
public final class HelloSourceConnector implements SourceConnector {
    static final String GREETING = "greeting";
    static final String COUNT = "count";
    static final String INTERVAL = "interval";

    /** The connector's keys, declared once: validation, "did you mean" hints and docs come from here. */
    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(GREETING, ConfigType.STRING)
                    .defaultValue("hello")
                    .doc("The text of every greeting. A record's value is this text, then ' #' and the"
                            + " greeting's number, such as 'hello #7'.")
                    .group("Hello")
                    .build())
            .field(ConfigField.builder(COUNT, ConfigType.LONG)
                    .defaultValue("0")
                    .validator(Validators.atLeast(0))
                    .doc("How many greetings each task sends, counted across restarts; 0 means no end.")
                    .group("Hello")
                    .build())
            .field(ConfigField.builder(INTERVAL, ConfigType.DURATION)
                    .defaultValue("1s")
                    .validator(Validators.atLeast(Duration.ZERO))
                    .doc("The time between two greetings of one task, such as 500ms or 1s. 0 sends them as"
                            + " fast as Pulsar takes them.")
                    .group("Hello")
                    .build())
            .build();

    private Map<String, String> config;

    /** Called by the runtime through ServiceLoader. */
    public HelloSourceConnector() {
    }

    /** The version in the jar's manifest, or {@code development} when run from classes. */
    @Override
    public String version() {
        return Objects.requireNonNullElse(HelloSourceConnector.class.getPackage().getImplementationVersion(),
                "development");
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public void start(ConnectorContext context, Map<String, String> config) {
        // The runtime validated the config already; parse() would throw a ConfigException listing every problem.
        SCHEMA.parse(config);
        this.config = Map.copyOf(config);
    }

    /** Every task gets the connector's config; each tells itself apart by its task id. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        if (config == null) {
            throw new IllegalStateException("taskConfigs was called before start");
        }
        return Collections.nCopies(maxTasks, config);
    }

    @Override
    public SourceTask createTask() {
        return new HelloSourceTask();
    }

    @Override
    public void stop() {
        config = null;
    }
}
