package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.config.FieldValidation;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.ConnectorConfigPolicy;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.plugin.PluginDescriptor;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.SecretMasking;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /connector-plugins}: the installed connectors, each one's config definition, and config
 * validation that reports every field at once, with Kafka Connect's {@code ConfigInfos} shape.
 * Validation reports what the operator's {@link ConnectorConfigPolicy} would refuse of the config
 * as a new connector's, on the field it concerns, as Kafka Connect reports its override policy.
 */
final class ConnectorPluginsResource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PluginRegistry plugins;
    private final ConnectorValidator validator;
    private final ConnectorConfigPolicy policy;

    ConnectorPluginsResource(PluginRegistry plugins, ConnectorConfigPolicy policy, ConnectorValidator validator) {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.validator = requireNonNull(validator, "validator is null");
    }

    void register(WorkerHttpServer server, RouteGuard guard) {
        server.route("GET", "/connector-plugins", guard.wrap(this::list));
        server.route("GET", "/connector-plugins/{plugin}/config", guard.wrap(this::config));
        server.route("PUT", "/connector-plugins/{plugin}/config/validate", guard.wrap(this::validate));
    }

    /** {@code [{"class","type","version"}]}. */
    Response list(Request request) {
        ArrayNode list = NODES.arrayNode();
        for (PluginDescriptor plugin : plugins.connectors()) {
            list.addObject().put("class", plugin.className()).put("type", ConnectEntities.TYPE)
                    .put("version", plugin.version());
        }
        return RestJson.json(200, list);
    }

    /** {@code GET /connector-plugins/{plugin}/config}: the connector's own keys as {@code ConfigKeyInfo}s. */
    Response config(Request request) {
        PluginDescriptor plugin = find(request.pathParam("plugin"));
        ConfigSchema schema = plugins.newConnector(plugin.className()).configSchema();
        ArrayNode list = NODES.arrayNode();
        Map<String, Integer> order = new HashMap<>();
        for (ConfigField field : schema.fields()) {
            list.add(ConnectEntities.definition(field, order.merge(field.group(), 1, Integer::sum)));
        }
        return RestJson.json(200, list);
    }

    /**
     * {@code PUT /connector-plugins/{plugin}/config/validate}:
     * {@code {"name","error_count","groups","configs":[{"definition","value"}]}}, where each value is
     * {@code {"name","value","recommended_values","errors","visible"}} and secrets read
     * {@code [hidden]}.
     */
    Response validate(Request request) {
        PluginDescriptor plugin = find(request.pathParam("plugin"));
        Map<String, String> config = RestJson.stringMap(RestJson.objectBody(request), "config", false);
        String included = config.get(ConnectorConfig.CONNECTOR_CLASS);
        if (included != null && !plugins.findConnector(included.trim()).map(plugin::equals).orElse(false)) {
            throw RestException.badRequest("Included connector type " + RestJson.shorten(included)
                    + " does not match request type " + RestJson.shorten(request.pathParam("plugin")));
        }
        if (included == null) {
            config = new LinkedHashMap<>(config);
            config.put(ConnectorConfig.CONNECTOR_CLASS, plugin.className());
        }
        ConfigSchema schema = plugins.newConnector(plugin.className()).configSchema();
        ConfigValidation validation = validator.validate(config);
        Map<String, List<String>> refused = policyProblems(config, schema, validation);
        SecretMasking masking = SecretMasking.of(Optional.of(schema), config);
        Map<String, ObjectNode> definitions = definitions(schema);

        int refusals = refused.values().stream().mapToInt(List::size).sum();
        ObjectNode result = NODES.objectNode().put("name", plugin.className())
                .put("error_count", validation.errorCount() + refusals);
        Set<String> groups = new LinkedHashSet<>();
        ArrayNode configs = NODES.arrayNode();
        for (FieldValidation field : validation.fields()) {
            ObjectNode definition = definitions.getOrDefault(field.name(), ConnectEntities.undeclared(field.name()));
            if (definition.hasNonNull("group")) {
                groups.add(definition.get("group").asText());
            }
            ObjectNode entry = configs.addObject();
            entry.set("definition", definition);
            ObjectNode value = entry.putObject("value").put("name", field.name());
            value.put("value", field.value());
            ArrayNode recommended = value.putArray("recommended_values");
            field.recommendedValues().forEach(recommended::add);
            ArrayNode errors = value.putArray("errors");
            // The schemas mask secrets in their messages; a rule's message is redacted once more to be sure.
            field.errors().forEach(error -> errors.add(masking.redact(error)));
            refused.getOrDefault(field.name(), List.of()).forEach(error -> errors.add(masking.redact(error)));
            value.put("visible", true);
        }
        ArrayNode groupList = result.putArray("groups");
        groups.forEach(groupList::add);
        result.set("configs", configs);
        return RestJson.json(200, result);
    }

    /**
     * What the policy refuses of {@code config} as a new connector's, by the field each problem
     * names; every problem is on a field that validation lists, since both cover the given keys.
     */
    private Map<String, List<String>> policyProblems(Map<String, String> config, ConfigSchema schema,
            ConfigValidation validation) {
        Map<String, List<String>> byField = new LinkedHashMap<>();
        try {
            policy.check(Map.of(), config, Optional.of(schema));
        } catch (ConfigException e) {
            Set<String> fields = new LinkedHashSet<>();
            validation.fields().forEach(field -> fields.add(field.name()));
            for (String problem : e.problems()) {
                int colon = problem.indexOf(": ");
                String key = colon < 0 ? "" : problem.substring(0, colon);
                if (fields.contains(key)) {
                    byField.computeIfAbsent(key, k -> new ArrayList<>()).add(problem.substring(colon + 2));
                } else {
                    // Not expected; shown on connector.class rather than lost.
                    byField.computeIfAbsent(ConnectorConfig.CONNECTOR_CLASS, k -> new ArrayList<>()).add(problem);
                }
            }
        }
        return byField;
    }

    private static Map<String, ObjectNode> definitions(ConfigSchema connectorSchema) {
        Map<String, ObjectNode> definitions = new LinkedHashMap<>();
        Map<String, Integer> order = new HashMap<>();
        for (ConfigSchema schema : List.of(ConnectorConfig.RUNTIME_SCHEMA, connectorSchema)) {
            for (ConfigField field : schema.fields()) {
                definitions.putIfAbsent(field.name(),
                        ConnectEntities.definition(field, order.merge(field.group(), 1, Integer::sum)));
            }
        }
        return definitions;
    }

    private PluginDescriptor find(String name) {
        return plugins.findConnector(name)
                .orElseThrow(() -> RestException.notFound("Unknown plugin " + RestJson.shorten(name) + "."));
    }
}
