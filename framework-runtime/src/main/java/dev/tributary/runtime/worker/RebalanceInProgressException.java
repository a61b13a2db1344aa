package dev.tributary.runtime.worker;

/**
 * The request needs a worker of the group to run the connector or task, and none does yet (the
 * group is assigning it); REST answers 409, as Kafka Connect does while a rebalance is under way.
 * The caller may retry in a few seconds.
 */
public final class RebalanceInProgressException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RebalanceInProgressException(String message) {
        super(message);
    }
}
