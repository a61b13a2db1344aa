package dev.tributary.runtime.rest;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.http.Handler;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.worker.ConnectorExistsException;
import dev.tributary.runtime.worker.ConnectorStateException;
import dev.tributary.runtime.worker.RebalanceInProgressException;
import dev.tributary.runtime.worker.UnknownConnectorException;
import dev.tributary.runtime.worker.WorkerTimeoutException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every REST handler: refuses a body that is not declared as JSON, with
 * {@code Content-Type: application/json} or a {@code +json} type (415, as Kafka Connect does), and turns the worker's exceptions into Kafka Connect's status codes:
 * 404 for an unknown connector or task, 409 for a name that is taken or a restart that no worker of
 * the group can do yet (a rebalance is under way), 400 for an invalid config
 * or a request that does not fit the connector's state, 500 when a change times out. Anything
 * else is left to the server, which answers a bare 500 and logs it.
 */
final class RouteGuard {
    private static final Logger LOG = LoggerFactory.getLogger(RouteGuard.class);

    Handler wrap(Handler handler) {
        return request -> {
            Response refused = checkContentType(request);
            if (refused != null) {
                return refused;
            }
            try {
                return handler.handle(request);
            } catch (RestException e) {
                return Response.error(e.status(), e.getMessage());
            } catch (UnknownConnectorException e) {
                return Response.error(404, e.getMessage());
            } catch (ConnectorExistsException e) {
                return Response.error(409, e.getMessage());
            } catch (RebalanceInProgressException e) {
                return Response.error(409, e.getMessage());
            } catch (ConnectorStateException e) {
                return Response.error(400, e.getMessage());
            } catch (ConfigException e) {
                return Response.error(400, invalidConfig(e));
            } catch (WorkerTimeoutException e) {
                LOG.warn("{} {} timed out: {}", request.method(), request.path(), e.getMessage());
                return Response.error(500, "Request timed out");
            }
        };
    }

    /** Kafka Connect's message for an invalid config, with one line per problem. */
    static String invalidConfig(ConfigException e) {
        return "Connector configuration is invalid and contains the following " + e.problems().size()
                + " error(s):\n" + String.join("\n", e.problems())
                + "\nYou can also find the above list of errors at the endpoint"
                + " `/connector-plugins/{connectorType}/config/validate`";
    }

    private static Response checkContentType(Request request) {
        if (request.bodyLength() == 0) {
            return null;
        }
        // A body without a type is refused too: a browser sends one cross-site without asking first.
        String contentType = request.header("Content-Type").orElse("");
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
            return null;
        }
        return Response.error(415, "HTTP 415 Unsupported Media Type: send the body as application/json"
                + " (header Content-Type: application/json)");
    }
}
