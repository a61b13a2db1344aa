package dev.tributary.kinesis.proxy;

import java.util.List;

/**
 * One page of ListShards.
 *
 * @param shards the shards on this page
 * @param nextToken the token for the next page, or null on the last one
 */
public record ShardPage(List<ShardInfo> shards, String nextToken) {
    public ShardPage {
        shards = List.copyOf(shards);
    }
}
