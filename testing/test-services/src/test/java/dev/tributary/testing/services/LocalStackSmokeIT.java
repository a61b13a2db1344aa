package dev.tributary.testing.services;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;

/** The same round trip against LocalStack. Shows as skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackSmokeIT extends KinesisRoundTripContract {
    @Container
    private static final LocalStackContainer LOCALSTACK = LocalStackKinesis.newContainer();
    private static LocalStackKinesis kinesis;

    @Override
    synchronized KinesisService kinesis() {
        if (kinesis == null) {
            kinesis = new LocalStackKinesis(LOCALSTACK);
        }
        return kinesis;
    }
}
