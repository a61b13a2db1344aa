package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.worker.ConnectorInfo;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.Herder;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.runtime.worker.UnknownConnectorException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /connectors}: create, read, configure, restart, pause, resume, stop and delete
 * connectors, with Kafka Connect's paths, status codes and JSON shapes.
 */
final class ConnectorsResource {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorsResource.class);
    private static final Set<String> CREATE_FIELDS = Set.of("name", "config", "initial_state");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Herder herder;

    ConnectorsResource(Herder herder) {
        this.herder = requireNonNull(herder, "herder is null");
    }

    void register(WorkerHttpServer server, RouteGuard guard) {
        server.route("GET", "/connectors", guard.wrap(this::list));
        server.route("POST", "/connectors", guard.wrap(this::create));
        server.route("GET", "/connectors/{name}", guard.wrap(this::info));
        server.route("DELETE", "/connectors/{name}", guard.wrap(this::delete));
        server.route("GET", "/connectors/{name}/config", guard.wrap(this::config));
        server.route("PUT", "/connectors/{name}/config", guard.wrap(this::putConfig));
        server.route("PATCH", "/connectors/{name}/config", guard.wrap(this::patchConfig));
        server.route("GET", "/connectors/{name}/status", guard.wrap(this::status));
        server.route("GET", "/connectors/{name}/tasks", guard.wrap(this::tasks));
        server.route("GET", "/connectors/{name}/tasks/{task}/status", guard.wrap(this::taskStatus));
        server.route("POST", "/connectors/{name}/restart", guard.wrap(this::restart));
        server.route("POST", "/connectors/{name}/tasks/{task}/restart", guard.wrap(this::restartTask));
        server.route("PUT", "/connectors/{name}/pause", guard.wrap(this::pause));
        server.route("PUT", "/connectors/{name}/resume", guard.wrap(this::resume));
        server.route("PUT", "/connectors/{name}/stop", guard.wrap(this::stop));
    }

    /** {@code GET /connectors}: the names, or with {@code expand=status} / {@code expand=info} the details by name. */
    Response list(Request request) {
        List<String> expand = request.query().get("expand");
        if (expand == null) {
            ArrayNode names = NODES.arrayNode();
            herder.connectorNames().forEach(names::add);
            return RestJson.json(200, names);
        }
        ObjectNode out = NODES.objectNode();
        for (String name : herder.connectorNames()) {
            try {
                ObjectNode expansions = NODES.objectNode();
                for (String expansion : expand) {
                    switch (expansion) {
                        case "status" -> expansions.set("status", ConnectEntities.status(herder.connectorStatus(name)));
                        case "info" -> expansions.set("info", ConnectEntities.info(herder.connectorInfo(name)));
                        // Kafka Connect ignores what it does not know, and so do we.
                        default -> LOG.debug("ignoring unknown expansion type {}", RestJson.shorten(expansion));
                    }
                }
                out.set(name, expansions);
            } catch (UnknownConnectorException e) {
                // Deleted while the list was built: it is simply not listed.
            }
        }
        return RestJson.json(200, out);
    }

    /** {@code POST /connectors} with {@code {"name","config","initial_state"?}}: 201 and the connector's info. */
    Response create(Request request) {
        JsonNode body = RestJson.objectBody(request);
        RestJson.onlyFields(body, CREATE_FIELDS);
        JsonNode nameNode = body.get("name");
        if (nameNode != null && !nameNode.isTextual() && !nameNode.isNull()) {
            throw RestException.badRequest("name must be a string, not " + RestJson.describe(nameNode));
        }
        String name = nameNode == null || nameNode.isNull() ? "" : nameNode.asText().trim();
        if (!body.has("config")) {
            throw RestException.badRequest("config is required: the connector's config as a JSON object");
        }
        Map<String, String> config = RestJson.stringMap(body.get("config"), "config", false);
        TargetState initial = TargetState.STARTED;
        JsonNode state = body.get("initial_state");
        if (state != null && !state.isNull()) {
            if (!state.isTextual()) {
                throw RestException.badRequest("initial_state must be RUNNING, PAUSED or STOPPED, not "
                        + RestJson.describe(state));
            }
            initial = TargetState.fromInitialState(state.asText()).orElseThrow(() -> RestException.badRequest(
                    "initial_state must be RUNNING, PAUSED or STOPPED, not '" + RestJson.shorten(state.asText()) + "'"));
        }
        putName(name, config);
        Herder.Created created = herder.putConnectorConfig(name, config, false, initial);
        return RestJson.json(201, ConnectEntities.info(created.info())).withHeader("Location", location(name));
    }

    Response info(Request request) {
        return RestJson.json(200, ConnectEntities.info(herder.connectorInfo(request.pathParam("name"))));
    }

    /** {@code DELETE /connectors/{name}}: 204. */
    Response delete(Request request) {
        herder.deleteConnector(request.pathParam("name"));
        return Response.empty(204);
    }

    Response config(Request request) {
        return RestJson.json(200, ConnectEntities.stringMap(herder.connectorInfo(request.pathParam("name")).config()));
    }

    /** {@code PUT /connectors/{name}/config}: 201 when it creates the connector, 200 when it updates it. */
    Response putConfig(Request request) {
        String name = request.pathParam("name");
        Map<String, String> config = RestJson.stringMap(RestJson.objectBody(request), "config", false);
        putName(name, config);
        Herder.Created created = herder.putConnectorConfig(name, config, true, TargetState.STARTED);
        Response response = RestJson.json(created.created() ? 201 : 200, ConnectEntities.info(created.info()));
        return created.created() ? response.withHeader("Location", location(name)) : response;
    }

    /** {@code PATCH /connectors/{name}/config}: a null value removes the key; 200 with the new info. */
    Response patchConfig(Request request) {
        String name = request.pathParam("name");
        Map<String, String> patch = RestJson.stringMap(RestJson.objectBody(request), "config patch", true);
        return RestJson.json(200, ConnectEntities.info(herder.patchConnectorConfig(name, patch)));
    }

    Response status(Request request) {
        return RestJson.json(200, ConnectEntities.status(herder.connectorStatus(request.pathParam("name"))));
    }

    Response tasks(Request request) {
        ConnectorInfo info = herder.connectorInfo(request.pathParam("name"));
        return RestJson.json(200, ConnectEntities.tasks(info));
    }

    Response taskStatus(Request request) {
        String name = request.pathParam("name");
        int task = taskId(request);
        return RestJson.json(200, ConnectEntities.taskStatus(herder.taskStatus(name, task)));
    }

    /**
     * {@code POST /connectors/{name}/restart}: without {@code includeTasks} or {@code onlyFailed}
     * it restarts the connector and answers 204, as Kafka Connect does for older clients; with
     * either it answers 202 and the status, the restarted instances shown as RESTARTING.
     */
    Response restart(Request request) {
        String name = request.pathParam("name");
        boolean includeTasks = RestJson.booleanParam(request, "includeTasks");
        boolean onlyFailed = RestJson.booleanParam(request, "onlyFailed");
        if (!includeTasks && !onlyFailed) {
            herder.restartConnector(name);
            return Response.empty(204);
        }
        ConnectorStatus status = herder.restartConnectorAndTasks(name, onlyFailed, includeTasks);
        return RestJson.json(202, ConnectEntities.status(status));
    }

    /** {@code POST /connectors/{name}/tasks/{task}/restart}: 204. */
    Response restartTask(Request request) {
        String name = request.pathParam("name");
        herder.restartTask(name, taskId(request));
        return Response.empty(204);
    }

    /** {@code PUT /connectors/{name}/pause}: 202. */
    Response pause(Request request) {
        herder.pauseConnector(request.pathParam("name"));
        return Response.empty(202);
    }

    /** {@code PUT /connectors/{name}/resume}: 202. */
    Response resume(Request request) {
        herder.resumeConnector(request.pathParam("name"));
        return Response.empty(202);
    }

    /** {@code PUT /connectors/{name}/stop}: 204, as Kafka Connect answers it. */
    Response stop(Request request) {
        herder.stopConnector(request.pathParam("name"));
        return Response.empty(204);
    }

    /**
     * The task id of the path. Kafka Connect declares it an integer, so anything else finds no
     * resource: 404, as there.
     */
    private static int taskId(Request request) {
        String text = request.pathParam("task");
        try {
            int id = Integer.parseInt(text);
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // Falls through to the 404.
        }
        throw RestException.notFound("Task " + RestJson.shorten(text) + " not found: a task id is a whole number from 0");
    }

    /**
     * Puts the name of the path into the config, or refuses a config that names another
     * connector, with Kafka Connect's message.
     */
    private static void putName(String name, Map<String, String> config) {
        String included = config.get(ConnectorConfig.NAME);
        if (included == null) {
            // Put first, as Kafka Connect's config shows it.
            Map<String, String> withName = new LinkedHashMap<>();
            withName.put(ConnectorConfig.NAME, name);
            withName.putAll(config);
            config.clear();
            config.putAll(withName);
        } else if (!included.equals(name)) {
            throw RestException.badRequest("Connector name configuration (" + RestJson.shorten(included)
                    + ") doesn't match connector name in the URL (" + RestJson.shorten(name) + ")");
        }
    }

    private static String location(String name) {
        return "/connectors/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
