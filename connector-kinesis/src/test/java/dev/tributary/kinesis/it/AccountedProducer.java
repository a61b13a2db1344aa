package dev.tributary.kinesis.it;

import static java.util.Objects.requireNonNull;

import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Delivered;
import dev.tributary.testing.services.KinesisService;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pulsar.client.api.Message;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts records on a Kinesis stream and registers each with the shared checker: its data, a UTF-8
 * id unique in the run, is the id, and its partition key is the ordering key.
 *
 * <p>Records are registered in the order the stream holds them, not the order they were handed
 * over: a rejected entry is put again after the rest of its batch, and only the sequence numbers
 * the stream returned say where it landed. All records of one key in one call go to one shard,
 * where sequence numbers order them, and a later call lands after an earlier one.
 *
 * <p>Not thread-safe, like the checker: one thread puts, and the test checks after it has finished.
 */
final class AccountedProducer {
    private final KinesisService kinesis;
    private final String stream;
    private final DeliveryAccounting accounting;

    AccountedProducer(KinesisService kinesis, String stream, DeliveryAccounting accounting) {
        this.kinesis = requireNonNull(kinesis, "kinesis is null");
        this.stream = requireNonNull(stream, "stream is null");
        this.accounting = requireNonNull(accounting, "accounting is null");
    }

    /** Puts records whose data are the ids, with the given partition keys, in order. */
    void put(List<String> ids, List<String> keys) {
        if (ids.size() != keys.size()) {
            throw new IllegalArgumentException(ids.size() + " ids but " + keys.size() + " keys");
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(keys.get(i))
                    .data(SdkBytes.fromUtf8String(ids.get(i))).build());
        }
        List<PutRecordsResultEntry> results = kinesis.putRecords(stream, entries);
        List<Integer> streamOrder = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            streamOrder.add(i);
        }
        streamOrder.sort(Comparator.comparing(i -> new BigInteger(results.get(i).sequenceNumber())));
        for (int i : streamOrder) {
            accounting.written(ids.get(i), keys.get(i));
        }
    }

    /** The id and ordering key of a message the connector wrote: its value and its key. */
    static Delivered delivered(Message<byte[]> message) {
        return new Delivered(new String(message.getValue(), StandardCharsets.UTF_8), message.getKey());
    }
}
