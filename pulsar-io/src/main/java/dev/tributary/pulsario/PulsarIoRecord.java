package dev.tributary.pulsario;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.SourceRecord;
import java.util.Map;
import java.util.Optional;
import org.apache.pulsar.functions.api.Record;

/**
 * A Tributary record as Pulsar IO sends it: the key, the value bytes as they are, the event time,
 * the properties and the destination topic (empty for the source's configured topic). Pulsar
 * calls {@link #ack()} once the broker stored the message and {@link #fail()} when it did not.
 */
final class PulsarIoRecord implements Record<byte[]> {
    private final SourceInstance.Delivery delivery;

    PulsarIoRecord(SourceInstance.Delivery delivery) {
        this.delivery = requireNonNull(delivery, "delivery is null");
    }

    private SourceRecord record() {
        return delivery.record();
    }

    @Override
    public Optional<String> getKey() {
        return Optional.ofNullable(record().key());
    }

    @Override
    public byte[] getValue() {
        return record().value();
    }

    @Override
    public Optional<Long> getEventTime() {
        return Optional.ofNullable(record().eventTime()).map(t -> t.toEpochMilli());
    }

    @Override
    public Map<String, String> getProperties() {
        return record().properties();
    }

    @Override
    public Optional<String> getDestinationTopic() {
        return Optional.ofNullable(record().topic());
    }

    @Override
    public void ack() {
        delivery.ack();
    }

    @Override
    public void fail() {
        delivery.fail();
    }
}
