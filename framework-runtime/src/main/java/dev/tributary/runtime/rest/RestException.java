package dev.tributary.runtime.rest;

/**
 * An error the client should see, with its HTTP status, such as 400 for a body that is not JSON.
 * The message goes to the client as it is, so it names what to fix and holds no secret.
 */
final class RestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    RestException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static RestException badRequest(String message) {
        return new RestException(400, message);
    }

    static RestException notFound(String message) {
        return new RestException(404, message);
    }
}
