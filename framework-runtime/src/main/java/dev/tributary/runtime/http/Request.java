package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as a {@link Handler} sees it.
 *
 * @param method the method in upper case, such as {@code GET}
 * @param path the decoded path, such as {@code /metrics}
 * @param query the decoded query parameters, each with its values in request order
 * @param body the request body, at most {@link WorkerHttpServer#MAX_REQUEST_BODY_BYTES}; empty for none
 */
public record Request(String method, String path, Map<String, List<String>> query, byte[] body) {
    public Request {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(query, "query is null");
        requireNonNull(body, "body is null");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        query.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        query = Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, UTF_8);
    }

    /** The first value of a query parameter, if it was given. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Request that && method.equals(that.method) && path.equals(that.path)
                && query.equals(that.query) && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * method.hashCode() + path.hashCode()) + query.hashCode()) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "Request[" + method + " " + path + ", query=" + query + ", body=" + body.length + " bytes]";
    }
}
