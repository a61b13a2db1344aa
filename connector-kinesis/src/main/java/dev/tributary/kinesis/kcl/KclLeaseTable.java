package dev.tributary.kinesis.kcl;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Reads every lease of a KCL lease table. The table is named after the KCL application (Pulsar IO's
 * {@code applicationName}); KCL 1.x, 2.x and 3.x store a lease with the same attributes
 * ({@code leaseKey}, {@code checkpoint}, {@code checkpointSubSequenceNumber}, {@code parentShardId}),
 * and a multi-stream application (KCL 2.3 and later) keys it
 * {@code account:stream:creationEpochSeconds:shardId}.
 *
 * <p>It only reads (DescribeTable, then consistent Scans). Each call blocks its thread until the
 * table is read; the client is the caller's and stays open.
 */
public final class KclLeaseTable {
    static final String LEASE_KEY = "leaseKey";
    static final String CHECKPOINT = "checkpoint";
    static final String CHECKPOINT_SUB_SEQUENCE_NUMBER = "checkpointSubSequenceNumber";
    static final String PARENT_SHARD_ID = "parentShardId";

    private final DynamoDbAsyncClient dynamo;

    public KclLeaseTable(DynamoDbAsyncClient dynamo) {
        this.dynamo = requireNonNull(dynamo, "dynamo is null");
    }

    /**
     * The leases of {@code table}, in the table's scan order.
     *
     * @throws KclImportException if the table does not exist, is not a KCL lease table (its key is not
     *     {@code leaseKey}, or an item has no checkpoint), holds an unreadable item, or DynamoDB fails
     */
    public List<KclLease> read(String table) {
        requireNonNull(table, "table is null");
        TableDescription description = call(table, dynamo.describeTable(b -> b.tableName(table))).table();
        boolean keyedByLease = description.keySchema().size() == 1
                && description.keySchema().get(0).keyType() == KeyType.HASH
                && description.keySchema().get(0).attributeName().equals(LEASE_KEY);
        if (!keyedByLease) {
            throw new KclImportException("table '" + table + "' is not a KCL lease table: its key is "
                    + description.keySchema().stream().map(k -> k.attributeName() + " (" + k.keyTypeAsString() + ")").toList()
                    + ", a lease table's is leaseKey alone. Name the table of the KCL application"
                    + " (Pulsar IO's applicationName)");
        }
        List<KclLease> leases = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            ScanResponse page = call(table, dynamo.scan(b -> b.tableName(table).consistentRead(true)
                    .exclusiveStartKey(from)));
            for (Map<String, AttributeValue> item : page.items()) {
                leases.add(parse(table, item));
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return leases;
    }

    /** One item as a lease; package-private for tests. */
    static KclLease parse(String table, Map<String, AttributeValue> item) {
        AttributeValue keyValue = item.get(LEASE_KEY);
        if (keyValue == null || keyValue.s() == null || keyValue.s().isEmpty()) {
            throw new KclImportException("table '" + table + "' is not a KCL lease table: an item has no leaseKey text");
        }
        String leaseKey = keyValue.s();
        AttributeValue checkpointValue = item.get(CHECKPOINT);
        if (checkpointValue == null || checkpointValue.s() == null) {
            throw new KclImportException("table '" + table + "' is not a KCL lease table: item '" + abbreviate(leaseKey)
                    + "' has no checkpoint attribute");
        }
        long subSequence = 0;
        AttributeValue subValue = item.get(CHECKPOINT_SUB_SEQUENCE_NUMBER);
        KclCheckpoint checkpoint;
        try {
            if (subValue != null && subValue.n() != null) {
                subSequence = Long.parseLong(subValue.n());
            }
            checkpoint = KclCheckpoint.parse(checkpointValue.s(), subSequence);
        } catch (IllegalArgumentException e) {
            throw new KclImportException("table '" + table + "', lease '" + abbreviate(leaseKey)
                    + "': unreadable checkpoint: " + e.getMessage());
        }
        AttributeValue parents = item.get(PARENT_SHARD_ID);
        Set<String> parentShardIds = parents != null && parents.hasSs() ? Set.copyOf(parents.ss()) : Set.of();
        if (leaseKey.indexOf(':') < 0) {
            return new KclLease(leaseKey, Optional.empty(), 0, leaseKey, checkpoint, parentShardIds);
        }
        String[] parts = leaseKey.split(":", -1);
        if (parts.length != 4 || parts[1].isEmpty() || parts[3].isEmpty()) {
            throw new KclImportException("table '" + table + "', lease '" + abbreviate(leaseKey) + "': a lease key is a"
                    + " shard id, or account:stream:creationEpoch:shardId for a multi-stream application");
        }
        long epoch;
        try {
            epoch = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw new KclImportException("table '" + table + "', lease '" + abbreviate(leaseKey)
                    + "': the stream's creation epoch '" + abbreviate(parts[2]) + "' is not a number");
        }
        return new KclLease(leaseKey, Optional.of(parts[1]), epoch, parts[3], checkpoint, parentShardIds);
    }

    private static <T> T call(String table, CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ResourceNotFoundException) {
                throw new KclImportException("lease table '" + table + "' does not exist at this DynamoDB endpoint and"
                        + " region: name the table of the KCL application (Pulsar IO's applicationName), and check"
                        + " awsRegion and dynamoEndpoint", cause, true);
            }
            if (cause instanceof SdkException) {
                throw new KclImportException("could not read lease table '" + table + "': " + cause.getMessage(), cause);
            }
            throw e;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
