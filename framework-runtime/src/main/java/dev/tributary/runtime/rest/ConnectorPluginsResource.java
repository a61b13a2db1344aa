package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.config.FieldValidation;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.plugin.PluginDescriptor;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.SecretMasking;
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
 */
final class ConnectorPluginsResource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PluginRegistry plugins;
    private final ConnectorValidator validator;

    ConnectorPluginsResource(PluginRegistry plugins) {
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.validator = new ConnectorValidator(plugins);
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
        SecretMasking masking = SecretMasking.of(Optional.of(schema), config);
        Map<String, ObjectNode> definitions = definitions(schema);

        ObjectNode result = NODES.objectNode().put("name", plugin.className()).put("error_count", validation.errorCount());
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
            value.put("visible", true);
        }
        ArrayNode groupList = result.putArray("groups");
        groups.forEach(groupList::add);
        result.set("configs", configs);
        return RestJson.json(200, result);
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
