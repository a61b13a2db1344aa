package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * An HTTP response from a {@link Handler}.
 *
 * @param status the HTTP status code, 100 to 599
 * @param contentType the {@code Content-Type} header, sent when the body is not empty
 * @param body the response body; empty for none
 */
public record Response(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Response {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100 to 599, got " + status);
        }
        requireNonNull(contentType, "contentType is null");
        body = requireNonNull(body, "body is null").clone();
    }

    /** A response whose body is {@code text} in UTF-8. */
    public static Response text(int status, String contentType, String text) {
        return new Response(status, contentType, requireNonNull(text, "text is null").getBytes(UTF_8));
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
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * status + contentType.hashCode()) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "Response[" + status + ", " + contentType + ", body=" + body.length + " bytes]";
    }
}
