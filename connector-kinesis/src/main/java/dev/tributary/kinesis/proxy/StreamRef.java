package dev.tributary.kinesis.proxy;

import static java.util.Objects.requireNonNull;

/**
 * A stream, by name and, once known, by ARN. Requests use the ARN when there is one, so a stream
 * in another account or region named by ARN works too.
 *
 * @param name the stream's name, as in offsets and properties
 * @param arn the stream's ARN, or null until resolved
 */
public record StreamRef(String name, String arn) {
    public StreamRef {
        requireNonNull(name, "name is null");
    }

    /** A stream named by its ARN ({@code arn:aws:kinesis:<region>:<account>:stream/<name>}). */
    public static StreamRef ofArn(String arn) {
        return new StreamRef(arn.substring(arn.lastIndexOf('/') + 1), arn);
    }

    public StreamRef withArn(String resolvedArn) {
        return new StreamRef(name, resolvedArn);
    }
}
