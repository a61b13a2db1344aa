package dev.tributary.kinesis.kcl;

import static java.util.Objects.requireNonNull;

import dev.tributary.kinesis.config.KinesisClientFactory;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import dev.tributary.kinesis.config.KinesisStreamRef;
import dev.tributary.kinesis.kcl.KclImportPlan.StreamShards;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.SdkKinesisProxy;
import dev.tributary.kinesis.proxy.ShardPage;
import dev.tributary.kinesis.proxy.StreamRef;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Plans the import of a KCL application's checkpoints for a connector config: reads the lease table
 * through {@code dynamoEndpoint} and lists the configured streams' shards through {@code awsEndpoint},
 * both with the connector's region and credentials. It only reads; writing the plan's offsets is
 * the caller's. Blocks the calling thread until done.
 */
public final class KclImport {
    private KclImport() {
    }

    /**
     * The plan for the connector that {@code factory} was built for.
     *
     * @param table the lease table; empty for the KCL's default, the config's {@code applicationName}
     * @throws KclImportException if the table or a stream cannot be read, the table is not a lease table,
     *     none of its leases is for a shard of the configured streams (another application's table), or a
     *     lease's AT_TIMESTAMP start cannot be placed because the config has no {@code startAtTime}
     */
    public static KclImportPlan plan(KinesisClientFactory factory, Optional<String> table) {
        KinesisSourceConfig config = factory.config();
        String tableName = table.orElse(config.applicationName());
        List<KclLease> leases;
        try (DynamoDbAsyncClient dynamo = factory.dynamoClient()) {
            leases = new KclLeaseTable(dynamo).read(tableName);
        }
        Map<String, StreamShards> streams = new LinkedHashMap<>();
        try (KinesisProxy kinesis = new SdkKinesisProxy(factory.kinesisClient())) {
            for (KinesisStreamRef ref : config.streams()) {
                streams.put(ref.name(), shards(kinesis, new StreamRef(ref.name(), ref.arn().orElse(null))));
            }
        }
        Optional<String> single = config.streams().size() == 1 ? Optional.of(config.streams().get(0).name())
                : Optional.empty();
        KclImportPlan plan = KclImportPlan.of(leases, single, streams, config.startAtTime());
        boolean noneMatches = plan.entries().stream().allMatch(e -> e.action() == KclImportPlan.Action.SKIPPED_UNKNOWN_SHARD
                || e.action() == KclImportPlan.Action.SKIPPED_OTHER_STREAM);
        if (!leases.isEmpty() && noneMatches) {
            // Writing nothing would look like success; a table none of whose leases fit is most likely the wrong one.
            throw new KclImportException("lease table '" + tableName + "' has " + KclImportException.leases(leases.size())
                    + (leases.size() == 1 ? ", and it is not" : ", and none is") + " for a shard of "
                    + String.join(", ", streams.keySet()) + ": it looks like another application's table. " + (table.isPresent() ? "Name the lease table of the Pulsar IO source that read "
                            + (streams.size() == 1 ? "this stream" : "these streams")
                            : "Set applicationName to the Pulsar IO source's (or name the table with --from)"));
        }
        return plan;
    }

    private static StreamShards shards(KinesisProxy kinesis, StreamRef stream) {
        long created = call(stream, kinesis.streamCreationTime(stream)).toEpochMilli();
        Set<String> ids = new HashSet<>();
        String token = null;
        do {
            ShardPage page = call(stream, kinesis.listShards(stream, token));
            page.shards().forEach(s -> ids.add(s.shardId()));
            token = page.nextToken();
        } while (token != null);
        return new StreamShards(created, ids);
    }

    private static <T> T call(StreamRef stream, CompletableFuture<T> future) {
        requireNonNull(stream, "stream is null");
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ResourceNotFoundException) {
                throw new KclImportException("stream '" + stream.name() + "' does not exist: check awsKinesisStreamName,"
                        + " awsRegion and awsEndpoint", cause);
            }
            if (cause instanceof SdkException) {
                throw new KclImportException("could not list the shards of stream '" + stream.name() + "': "
                        + cause.getMessage(), cause);
            }
            throw e;
        }
    }
}
