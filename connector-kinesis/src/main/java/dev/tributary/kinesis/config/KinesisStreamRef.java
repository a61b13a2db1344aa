package dev.tributary.kinesis.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A stream to read: its name, and its ARN when it was given as one (which names the account, for a
 * stream shared from another account).
 *
 * @param name the stream's name
 * @param arn the stream's ARN, or empty when the stream was given by name
 */
public record KinesisStreamRef(String name, Optional<String> arn) {
    public KinesisStreamRef {
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
    }
}
