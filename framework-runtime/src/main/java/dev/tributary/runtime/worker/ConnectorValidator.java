package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.config.FieldValidation;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.ExactlyOnceSupport;
import dev.tributary.runtime.config.WorkerExactlyOnce;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates a whole connector config at once: the runtime's keys ({@code name},
 * {@code connector.class}, {@code tasks.max}, {@code topic}) against their schema, and the rest
 * against the connector's own {@link SourceConnector#validate}. Every bad field gets one line;
 * sensitive values are masked by the schemas. Given the worker's exactly-once settings, it also
 * refuses {@code exactly.once.support=required} where the worker cannot deliver exactly once.
 */
public final class ConnectorValidator {
    private final PluginRegistry plugins;
    private final Optional<WorkerExactlyOnce> worker;

    /** A validator that does not know the worker: {@code exactly.once.support} is checked for its form only. */
    public ConnectorValidator(PluginRegistry plugins) {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.worker = Optional.empty();
    }

    /** A validator for connectors that run on a worker with these exactly-once settings. */
    public ConnectorValidator(PluginRegistry plugins, WorkerExactlyOnce worker) {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.worker = Optional.of(requireNonNull(worker, "worker is null"));
    }

    /**
     * Every field's result: the runtime's keys first, then the connector's.
     *
     * @throws ConfigException when the config is too large to validate (see {@link ConnectorConfig#checkSize})
     */
    public ConfigValidation validate(Map<String, String> flat) {
        ConnectorConfig.checkSize(flat);
        Map<String, String> runtimeKeys = new LinkedHashMap<>();
        Map<String, String> connectorKeys = new LinkedHashMap<>();
        flat.forEach((k, v) -> (ConnectorConfig.RUNTIME_KEYS.contains(k) ? runtimeKeys : connectorKeys).put(k, v));
        List<FieldValidation> fields = new ArrayList<>(ConnectorConfig.RUNTIME_SCHEMA.validate(runtimeKeys).fields());
        worker.ifPresent(w -> checkExactlyOnce(w, runtimeKeys.get(ConnectorConfig.EXACTLY_ONCE_SUPPORT), fields));
        worker.ifPresent(w -> checkTooLargeUnderExactlyOnce(w, runtimeKeys.get(ConnectorConfig.ERRORS_RECORD_TOO_LARGE),
                fields));
        String connectorClass = flat.get(ConnectorConfig.CONNECTOR_CLASS);
        if (connectorClass == null || connectorClass.isBlank()) {
            return new ConfigValidation(fields);
        }
        SourceConnector connector;
        try {
            connector = plugins.newConnector(connectorClass.trim());
        } catch (ConfigException e) {
            fields.replaceAll(f -> f.name().equals(ConnectorConfig.CONNECTOR_CLASS)
                    ? new FieldValidation(f.name(), f.value(), e.problems().stream()
                            .map(p -> p.substring(p.indexOf(": ") + 2)).toList(), f.recommendedValues())
                    : f);
            return new ConfigValidation(fields);
        }
        fields.addAll(connector.validate(connectorKeys).fields());
        return new ConfigValidation(fields);
    }

    /** Adds the worker's refusal to {@code exactly.once.support=required}, if it refuses. */
    private static void checkExactlyOnce(WorkerExactlyOnce worker, String value, List<FieldValidation> fields) {
        if (value == null || !ExactlyOnceSupport.REQUIRED.word().equalsIgnoreCase(value.trim())) {
            return;
        }
        worker.refusesRequired().ifPresent(problem -> addError(fields, ConnectorConfig.EXACTLY_ONCE_SUPPORT, problem));
    }

    /**
     * Refuses {@code errors.record.too.large=skip} and {@code dead-letter} on a worker with
     * exactly-once delivery: Pulsar's client fails a whole transaction once one of its sends
     * failed, and a record too large for the broker is refused in its send, so the record can be
     * neither skipped nor sent elsewhere in that transaction; the task would fail and meet the
     * record again at every restart.
     */
    private static void checkTooLargeUnderExactlyOnce(WorkerExactlyOnce worker, String value,
            List<FieldValidation> fields) {
        if (!worker.enabled() || value == null || value.isBlank() || value.trim().equalsIgnoreCase("fail")) {
            return;
        }
        String problem = "is '" + value.trim() + "', which this worker cannot do with "
                + WorkerExactlyOnce.WORKER_KEY + "=enabled: Pulsar fails a whole transaction when one of its sends"
                + " is refused, so a record too large for the broker can be neither skipped nor dead-lettered; set "
                + ConnectorConfig.ERRORS_RECORD_TOO_LARGE + "=fail (the default) and raise the broker's maxMessageSize"
                + " if such records must pass, or run this connector on a worker with "
                + WorkerExactlyOnce.WORKER_KEY + "=disabled";
        // A value the schema refused already has its error; this one is about valid values only.
        if (fields.stream().noneMatch(f -> f.name().equals(ConnectorConfig.ERRORS_RECORD_TOO_LARGE)
                && !f.errors().isEmpty())) {
            addError(fields, ConnectorConfig.ERRORS_RECORD_TOO_LARGE, problem);
        }
    }

    /** Adds {@code problem} to the errors of field {@code name}. */
    private static void addError(List<FieldValidation> fields, String name, String problem) {
        fields.replaceAll(f -> {
            if (!f.name().equals(name)) {
                return f;
            }
            List<String> errors = new ArrayList<>(f.errors());
            errors.add(problem);
            return new FieldValidation(f.name(), f.value(), errors, f.recommendedValues());
        });
    }

    /** Validates and reads the config; throws {@link ConfigException} with one line per problem. */
    public ConnectorConfig parse(Map<String, String> flat) {
        ConfigValidation validation = validate(flat);
        if (!validation.isValid()) {
            throw new ConfigException(validation.errorLines());
        }
        return ConnectorConfig.fromFlat(flat);
    }
}
