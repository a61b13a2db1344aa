package dev.tributary.runtime.rest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.http.WorkerHttpServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/loggers}: read and change log levels at run time through Logback, with Kafka
 * Connect's shapes. The root logger is called {@code root}, as in Kafka Connect. Setting a level
 * sets it on the logger and on every logger below it that exists, and answers with their names;
 * {@code last_modified} is when a level was last set here, in epoch milliseconds, or null.
 */
final class LoggersResource {
    static final String ROOT = "root";

    private final Optional<LoggerContext> context;
    private final Clock clock;
    private final Map<String, Long> lastModified = new ConcurrentHashMap<>();

    LoggersResource(ILoggerFactory factory, Clock clock) {
        this.context = factory instanceof LoggerContext logback ? Optional.of(logback) : Optional.empty();
        this.clock = clock;
    }

    /** The worker's Logback, found through SLF4J. */
    static LoggersResource forThisJvm() {
        return new LoggersResource(LoggerFactory.getILoggerFactory(), Clock.systemUTC());
    }

    void register(WorkerHttpServer server, RouteGuard guard) {
        server.route("GET", "/admin/loggers", guard.wrap(this::list));
        server.route("GET", "/admin/loggers/{logger}", guard.wrap(this::get));
        server.route("PUT", "/admin/loggers/{logger}", guard.wrap(this::put));
    }

    /** {@code {"root":{"level":"INFO","last_modified":null},...}}: the loggers whose level is set. */
    Response list(Request request) {
        LoggerContext logback = logback();
        Map<String, JsonNode> loggers = new TreeMap<>();
        for (Logger logger : logback.getLoggerList()) {
            if (logger.getLevel() != null) {
                loggers.put(restName(logger), level(logger, logger.getLevel()));
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        loggers.forEach(out::set);
        return RestJson.json(200, out);
    }

    /** {@code {"level","last_modified"}}: the logger's effective level; 404 for a logger that does not exist. */
    Response get(Request request) {
        String name = request.pathParam("logger");
        LoggerContext logback = logback();
        Logger logger = ROOT.equalsIgnoreCase(name) ? logback.getLogger(Logger.ROOT_LOGGER_NAME) : logback.exists(name);
        if (logger == null) {
            throw RestException.notFound("Logger " + RestJson.shorten(name) + " not found.");
        }
        return RestJson.json(200, level(logger, logger.getEffectiveLevel()));
    }

    /**
     * {@code PUT} with {@code {"level":"DEBUG"}}: 200 and the names of the loggers changed; with
     * {@code scope=cluster}, 204, as Kafka Connect answers (a standalone worker is its own
     * cluster). An unknown level gets 404, as in Kafka Connect.
     */
    Response put(Request request) {
        String name = request.pathParam("logger");
        JsonNode body = RestJson.objectBody(request);
        JsonNode levelNode = body.get("level");
        if (levelNode == null || levelNode.isNull()) {
            throw RestException.badRequest("Desired 'level' parameter was not specified in request.");
        }
        if (!levelNode.isTextual()) {
            throw RestException.badRequest("'level' must be a string such as DEBUG, not " + RestJson.describe(levelNode));
        }
        String text = levelNode.asText().trim().toUpperCase(Locale.ROOT);
        // Kafka Connect speaks log4j, which has FATAL; Logback's nearest is ERROR.
        Level level = text.equals("FATAL") ? Level.ERROR : Level.toLevel(text, null);
        if (level == null) {
            throw RestException.notFound("invalid log level '" + RestJson.shorten(levelNode.asText()) + "'.");
        }
        LoggerContext logback = logback();
        List<Logger> changed = new ArrayList<>();
        if (ROOT.equalsIgnoreCase(name)) {
            changed.addAll(logback.getLoggerList());
        } else {
            Logger target = logback.getLogger(name);
            changed.add(target);
            for (Logger logger : logback.getLoggerList()) {
                if (logger.getName().startsWith(name + ".")) {
                    changed.add(logger);
                }
            }
        }
        long now = clock.millis();
        List<String> names = new ArrayList<>();
        for (Logger logger : changed) {
            logger.setLevel(level);
            lastModified.put(logger.getName(), now);
            names.add(restName(logger));
        }
        names.sort(null);
        String scope = request.queryParam("scope").orElse("worker");
        if (scope.equalsIgnoreCase("cluster")) {
            return Response.empty(204);
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        names.forEach(list::add);
        return RestJson.json(200, list);
    }

    private ObjectNode level(Logger logger, Level level) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("level", level == null ? null : level.toString());
        Long modified = lastModified.get(logger.getName());
        if (modified == null) {
            node.putNull("last_modified");
        } else {
            node.put("last_modified", modified);
        }
        return node;
    }

    private static String restName(Logger logger) {
        return Logger.ROOT_LOGGER_NAME.equals(logger.getName()) ? ROOT : logger.getName();
    }

    private LoggerContext logback() {
        return context.orElseThrow(() -> RestException.notFound(
                "Log levels cannot be managed here: the worker does not log through Logback"));
    }
}
