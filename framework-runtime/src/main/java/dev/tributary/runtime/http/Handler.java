package dev.tributary.runtime.http;

/**
 * Serves one route of a {@link WorkerHttpServer}.
 *
 * <p>Threads: called on the server's {@code http-*} pool, possibly for several requests at once,
 * so it must be thread-safe. Errors: any exception becomes a 500 response with a generic JSON
 * body; the exception is logged, never sent to the client. Return {@link Response#error} for
 * errors the client should see.
 */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
