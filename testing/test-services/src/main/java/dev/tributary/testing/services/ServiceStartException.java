package dev.tributary.testing.services;

/**
 * A test service did not come up. The message is a single line that says which service, why,
 * and which log file holds the details, so that it reads well at the top of a failed build.
 */
public final class ServiceStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceStartException(String message) {
        super(message.replace('\n', ' '));
    }

    public ServiceStartException(String message, Throwable cause) {
        super(message.replace('\n', ' '), cause);
    }
}
