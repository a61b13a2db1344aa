package com.example.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.offset.OffsetReader;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class HelloSourceConnectorTest {
    private final HelloSourceConnector connector = new HelloSourceConnector();

    @Test
    void validationReportsEveryProblemAtOnce() {
        ConfigValidation validation = connector.validate(Map.of("count", "-1", "interval", "soon", "greting", "hi"));

        assertEquals(List.of(
                "count: '-1' must be at least 0",
                "interval: 'soon' is not a duration; write it as 500ms, 30s, 5m, 1h, PT30S, or a number of milliseconds",
                "greting: is not a known key; did you mean greeting?"), validation.errorLines());
    }

    @Test
    void everyKeyHasADefault() {
        assertTrue(connector.validate(Map.of()).isValid());
    }

    @Test
    void everyTaskGetsTheConnectorsConfig() {
        Map<String, String> config = Map.of("greeting", "hi", "count", "10");
        connector.start(new NoContext(), config);

        List<Map<String, String>> tasks = connector.taskConfigs(3);

        assertEquals(List.of(config, config, config), tasks);
    }

    @Test
    void serviceLoaderFindsIt() {
        assertTrue(ServiceLoader.load(SourceConnector.class).stream()
                .anyMatch(p -> p.type() == HelloSourceConnector.class));
    }

    @Test
    void versionFallsBackOutsideAJar() {
        assertFalse(connector.version().isBlank());
    }

    /** The connector needs nothing from its context; every method fails if it is called. */
    private static final class NoContext implements ConnectorContext {
        @Override
        public String connectorName() {
            return "hello-test";
        }

        @Override
        public void requestTaskReconfiguration() {
            throw new AssertionError("not expected");
        }

        @Override
        public void raiseError(Throwable error) {
            throw new AssertionError("not expected: " + error);
        }

        @Override
        public OffsetReader offsetReader() {
            throw new AssertionError("not expected");
        }
    }
}
