package org.apache.pulsar.io.kinesis;

/**
 * The class name Pulsar IO's own Kinesis source has, so that a source config file written for it
 * ({@code className: org.apache.pulsar.io.kinesis.KinesisSource}) runs unchanged with this
 * archive: only the {@code --archive} path changes. It is Tributary's Kinesis source.
 */
public class KinesisSource extends dev.tributary.pulsario.kinesis.KinesisSource {
}
