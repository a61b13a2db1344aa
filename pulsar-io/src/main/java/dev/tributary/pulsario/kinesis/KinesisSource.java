package dev.tributary.pulsario.kinesis;

import dev.tributary.pulsario.TributarySource;

/**
 * The Kinesis connector as a Pulsar IO source: the class that {@code pulsar-io.yaml} names. It
 * reads the same {@code configs} as Pulsar IO's own Kinesis source.
 */
public class KinesisSource extends TributarySource {
    @Override
    protected String fixedConnector() {
        return "kinesis";
    }
}
