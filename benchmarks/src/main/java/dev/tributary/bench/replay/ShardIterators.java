package dev.tributary.bench.replay;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.Base64;

/**
 * Shard iterators: opaque to clients, but only the stream, shard and next record index, in URL-safe
 * Base64. They never expire: the replayed data never goes away.
 */
final class ShardIterators {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private ShardIterators() {
    }

    /**
     * Where an iterator points.
     *
     * @param stream the stream's name
     * @param shard the shard's index
     * @param position the index of the next record to return
     */
    record Position(String stream, int shard, long position) {
    }

    static String encode(String stream, int shard, long position) {
        // Stream names cannot hold '/', so it separates the fields.
        return ENCODER.encodeToString((stream + '/' + shard + '/' + position).getBytes(US_ASCII));
    }

    /** Decodes an iterator; fails with InvalidArgumentException on one this server did not make. */
    static Position decode(String iterator) {
        if (iterator == null || iterator.isEmpty()) {
            throw KinesisException.invalidArgument("ShardIterator is required");
        }
        try {
            String text = new String(DECODER.decode(iterator), US_ASCII);
            int first = text.indexOf('/');
            int second = text.indexOf('/', first + 1);
            if (first < 1 || second < 0) {
                throw new IllegalArgumentException("missing fields");
            }
            return new Position(text.substring(0, first), Integer.parseInt(text.substring(first + 1, second)),
                    Long.parseLong(text.substring(second + 1)));
        } catch (IllegalArgumentException e) {
            throw KinesisException.invalidArgument("Invalid ShardIterator: not one that this server returned");
        }
    }
}
