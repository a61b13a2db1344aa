package dev.tributary.runtime.sink;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.apache.pulsar.client.api.transaction.TransactionCoordinatorClientException;

/**
 * Checks at start-up that the worker's broker runs a transaction coordinator, so that a worker
 * configured for exactly-once delivery stops with the broker setting to change instead of failing
 * its first commit. The check opens one transaction and aborts it at once; it writes nothing.
 *
 * <p>Called once, from the thread that starts the worker.
 */
public final class BrokerTransactions {
    private BrokerTransactions() {
    }

    /**
     * Builds a client with transactions enabled and checks it with {@link #check}. pulsar-client
     * 4.0 already fails to build such a client when the broker has no transaction coordinator
     * (checked on a real broker, see PulsarTransactionsIT).
     *
     * @throws ConfigException naming {@code transactionCoordinatorEnabled} when the broker has none
     * @throws PulsarClientException when the client cannot be built for another reason
     */
    public static PulsarClient connect(ClientBuilder builder, String serviceUrl, Duration wait)
            throws PulsarClientException {
        requireNonNull(builder, "builder is null");
        PulsarClient client;
        try {
            client = PulsarClients.build(builder.enableTransaction(true));
        } catch (PulsarClientException e) {
            if (e.getCause() instanceof TransactionCoordinatorClientException) {
                throw refused(serviceUrl, "no transaction coordinator");
            }
            throw e;
        }
        try {
            check(client, serviceUrl, wait);
            return client;
        } catch (RuntimeException e) {
            client.closeAsync();
            throw e;
        }
    }

    /**
     * Opens and aborts one transaction on {@code client}, which must have been built with
     * transactions enabled.
     *
     * @param serviceUrl the broker's URL, for the message
     * @param wait how long the broker may take to answer
     * @throws ConfigException naming {@code transactionCoordinatorEnabled} when the broker gives no
     *     transaction, or does not answer within {@code wait}
     */
    public static void check(PulsarClient client, String serviceUrl, Duration wait) {
        requireNonNull(client, "client is null");
        requireNonNull(serviceUrl, "serviceUrl is null");
        requireNonNull(wait, "wait is null");
        try {
            Transaction probe = client.newTransaction().withTransactionTimeout(1, TimeUnit.MINUTES).build()
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
            probe.abort().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused(serviceUrl, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw refused(serviceUrl, cause.getClass().getSimpleName());
        } catch (TimeoutException e) {
            throw refused(serviceUrl, "no answer within " + wait.toMillis() + " ms");
        } catch (RuntimeException e) {
            throw refused(serviceUrl, e.getClass().getSimpleName());
        }
    }

    // The client's message is left out: it may name internal topics, but it never says what to change.
    private static ConfigException refused(String serviceUrl, String why) {
        return new ConfigException("exactly.once.source.support: is enabled, but the broker at " + serviceUrl
                + " gives no transaction (" + why + "); set transactionCoordinatorEnabled=true in the broker's"
                + " broker.conf (standalone.conf for a standalone) and initialize the transaction coordinator"
                + " metadata (bin/pulsar initialize-transaction-coordinator-metadata), or set"
                + " exactly.once.source.support=disabled");
    }
}
