package dev.tributary.runtime.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.apache.pulsar.client.impl.PartitionedProducerImpl;
import org.apache.pulsar.client.impl.ProducerImpl;
import org.apache.pulsar.client.impl.transaction.TransactionImpl;

/**
 * Registers the topics a producer writes to with a transaction before the producer sends in it.
 *
 * <p>Why: pulsar-client 4.0 registers a topic (each partition of a partitioned topic on its own)
 * with a transaction on the transaction's first send there, and hands that send to the producer
 * on the I/O thread that gets the coordinator's answer. A second send made meanwhile can run at
 * once on the sending thread and overtake the first, so two records of one key would be stored
 * out of order. Once the topic is registered, every send goes to the producer in call order.
 *
 * <p>This uses the client's own registration ({@code TransactionImpl.registerProducedTopic}, with
 * the topic names its producers register under), which is not part of its public API; a
 * transaction or producer of another kind is refused, since order could not be kept with it.
 */
final class TransactionTopics {
    private TransactionTopics() {
    }

    /**
     * Registers every topic {@code producer} sends to (every partition of a partitioned topic, as
     * the producer had them when called) with {@code transaction}.
     *
     * @return completes once the coordinator has them all
     * @throws IllegalStateException when the transaction or the producer is not pulsar-client's own
     */
    static CompletableFuture<Void> register(Transaction transaction, Producer<?> producer) {
        if (!(transaction instanceof TransactionImpl txn)) {
            throw new IllegalStateException("exactly-once delivery needs pulsar-client's own transactions, not "
                    + transaction.getClass().getName());
        }
        List<String> topics = new ArrayList<>();
        if (producer instanceof PartitionedProducerImpl<?> partitioned) {
            for (ProducerImpl<?> partition : partitioned.getProducers()) {
                topics.add(partition.getTopic());
            }
        } else if (producer instanceof ProducerImpl<?> single) {
            topics.add(single.getTopic());
        } else {
            throw new IllegalStateException("exactly-once delivery needs pulsar-client's own producers, not "
                    + producer.getClass().getName());
        }
        CompletableFuture<?>[] registered = new CompletableFuture<?>[topics.size()];
        for (int i = 0; i < topics.size(); i++) {
            registered[i] = txn.registerProducedTopic(topics.get(i));
        }
        return CompletableFuture.allOf(registered);
    }
}
