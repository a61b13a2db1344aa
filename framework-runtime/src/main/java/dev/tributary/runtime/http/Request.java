package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as a {@link Handler} sees it.
 *
 * @param method the method in upper case, such as {@code GET}
 * @param path the decoded path, such as {@code /metrics}
 * @param query the decoded query parameters, each with its values in request order
 * @param body the request body, at most {@link WorkerHttpServer#MAX_REQUEST_BODY_BYTES}; empty for none
 * @param pathParams the values of the route's {@code {name}} segments, each decoded on its own, so
 *     that an encoded {@code /} ({@code %2F}) stays inside its segment
 * @param headers the request headers, names in lower case, each with its values in request order
 */
public record Request(String method, String path, Map<String, List<String>> query, byte[] body,
        Map<String, String> pathParams, Map<String, List<String>> headers) {
    public Request {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(query, "query is null");
        requireNonNull(body, "body is null");
        requireNonNull(pathParams, "pathParams is null");
        requireNonNull(headers, "headers is null");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        query.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        query = Collections.unmodifiableMap(copy);
        body = body.clone();
        pathParams = Collections.unmodifiableMap(new LinkedHashMap<>(pathParams));
        Map<String, List<String>> headerCopy = new LinkedHashMap<>();
        headers.forEach((name, values) -> headerCopy.computeIfAbsent(name.toLowerCase(Locale.ROOT),
                n -> new java.util.ArrayList<>()).addAll(values));
        headerCopy.replaceAll((name, values) -> List.copyOf(values));
        headers = Collections.unmodifiableMap(headerCopy);
    }

    /** A request without path parameters or headers. */
    public Request(String method, String path, Map<String, List<String>> query, byte[] body) {
        this(method, path, query, body, Map.of(), Map.of());
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

    /** The length of the body in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** The first value of a query parameter, if it was given. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * The value of a route's path parameter.
     *
     * @throws IllegalArgumentException when the route has no such parameter, a bug in the handler
     */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter {" + name + "}");
        }
        return value;
    }

    /** The first value of a header, matched without regard to case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Request that && method.equals(that.method) && path.equals(that.path)
                && query.equals(that.query) && Arrays.equals(body, that.body) && pathParams.equals(that.pathParams)
                && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        int hash = 31 * (31 * (31 * method.hashCode() + path.hashCode()) + query.hashCode()) + Arrays.hashCode(body);
        return 31 * (31 * hash + pathParams.hashCode()) + headers.hashCode();
    }

    @Override
    public String toString() {
        return "Request[" + method + " " + path + ", query=" + query + ", body=" + body.length + " bytes]";
    }
}
