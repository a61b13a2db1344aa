package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response from a {@link Handler}.
 *
 * @param status the HTTP status code, 100 to 599
 * @param contentType the {@code Content-Type} header, sent when the body is not empty
 * @param body the response body; empty for none
 * @param headers further response headers, such as {@code Location}
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Response {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100 to 599, got " + status);
        }
        requireNonNull(contentType, "contentType is null");
        body = requireNonNull(body, "body is null").clone();
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers is null")));
    }

    /** A response without further headers. */
    public Response(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    /** A response whose body is {@code text} in UTF-8. */
    public static Response text(int status, String contentType, String text) {
        return new Response(status, contentType, requireNonNull(text, "text is null").getBytes(UTF_8));
    }

    /** A response with no body, such as {@code 204 No Content}. */
    public static Response empty(int status) {
        return new Response(status, JSON, new byte[0]);
    }

    /**
     * The error shape every endpoint uses: {@code {"error_code":404,"message":"..."}}. The message
     * is shown to the user as it is, so it must hold no secret and no stack trace.
     */
    public static Response error(int status, String message) {
        ObjectNode node = MAPPER.createObjectNode().put("error_code", status).put("message", message);
        try {
            return new Response(status, JSON, MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            // Writing a two-field tree to memory cannot fail.
            throw new UncheckedIOException(e);
        }
    }

    /** This response with one more header. */
    public Response withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
        return new Response(status, contentType, body, more);
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

    // The server writes the body once and never changes it, so it needs no copy.
    byte[] rawBody() {
        return body;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Response that && status == that.status && contentType.equals(that.contentType)
                && Arrays.equals(body, that.body) && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * status + contentType.hashCode()) + Arrays.hashCode(body)) + headers.hashCode();
    }

    @Override
    public String toString() {
        return "Response[" + status + ", " + contentType + ", body=" + body.length + " bytes]";
    }
}
