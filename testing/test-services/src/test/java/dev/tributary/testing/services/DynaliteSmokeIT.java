package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

@ExtendWith(TestServices.class)
class DynaliteSmokeIT {

    @Test
    void sameServerServesEveryTestInTheJvm(Dynalite first, Dynalite again) {
        assertThat(again).isSameAs(first);
    }

    /** What a KCL 3 lease table needs: a table with its owner index, conditional writes and an index query. */
    @Test
    void createsAKcl3StyleTableWritesConditionallyAndQueriesTheIndex(Dynalite dynalite) {
        String table = "smoke-" + System.nanoTime();
        try (DynamoDbAsyncClient client = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(client, table);
            Map<String, AttributeValue> item = Map.of(
                    "leaseKey", AttributeValue.fromS("shardId-000000000000"),
                    "leaseOwner", AttributeValue.fromS("worker-1"));
            client.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(leaseKey)")).join();

            assertThat(client.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(leaseKey)")))
                    .failsWithin(java.time.Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(ConditionalCheckFailedException.class);
            var keys = client.query(b -> b.tableName(table).indexName("LeaseOwnerToLeaseKeyIndex")
                    .keyConditionExpression("leaseOwner = :o")
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS("worker-1")))).join().items();
            assertThat(keys).singleElement()
                    .satisfies(k -> assertThat(k.get("leaseKey").s()).isEqualTo("shardId-000000000000"));
        }
    }
}
