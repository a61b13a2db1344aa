package dev.tributary.kinesis.proxy;

import static java.util.Objects.requireNonNull;

/**
 * An enhanced fan-out consumer of a stream.
 *
 * @param arn the consumer's ARN, which subscriptions name
 * @param status CREATING, ACTIVE or DELETING
 */
public record FanOutConsumer(String arn, String status) {
    public FanOutConsumer {
        requireNonNull(arn, "arn is null");
        requireNonNull(status, "status is null");
    }

    public boolean isActive() {
        return "ACTIVE".equals(status);
    }
}
