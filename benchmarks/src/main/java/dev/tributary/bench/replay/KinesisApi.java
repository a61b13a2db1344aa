package dev.tributary.bench.replay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kinesis operations the replay server answers, on parsed requests: ListShards,
 * DescribeStreamSummary, DescribeStream, GetShardIterator and GetRecords, with the validation and
 * error types of Kinesis where a client could tell the difference. GetRecords, the hot path, is
 * written by a {@link RecordsWriter} per thread; the rest through Jackson.
 *
 * <p>Thread-safe.
 */
final class KinesisApi {
    static final String TARGET_PREFIX = "Kinesis_20131202.";
    /** Kinesis returns at most 10 MiB of records per GetRecords call. */
    static final long MAX_RESPONSE_BYTES = 10L << 20;
    static final int MAX_LIMIT = 10_000;

    private static final Base64.Encoder TOKEN_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder TOKEN_DECODER = Base64.getUrlDecoder();

    private final Map<String, ReplayStream> streams = new LinkedHashMap<>();
    private final Map<String, ShardThrottle[]> throttles = new LinkedHashMap<>();
    private final Arrivals arrivals;
    private final boolean stampPayloads;
    private final StatsCounters stats;
    private final long createdMillis;
    private final ThreadLocal<RecordsWriter> writers = ThreadLocal.withInitial(RecordsWriter::new);

    /**
     * A response body: {@code bytes} up to {@code length}.
     *
     * @param bytes the buffer, possibly the thread's reused one: send it before the next call
     * @param length how many bytes of it are the body
     */
    record Body(byte[] bytes, int length) {
    }

    KinesisApi(List<ReplayStream> streams, boolean perShardLimits, boolean stampPayloads, Arrivals arrivals,
            StatsCounters stats) {
        this.arrivals = requireNonNull(arrivals, "arrivals is null");
        this.stats = requireNonNull(stats, "stats is null");
        this.stampPayloads = stampPayloads;
        long now = arrivals.nowNanos();
        this.createdMillis = arrivals.epochMillis(now);
        for (ReplayStream stream : streams) {
            this.streams.put(stream.name(), stream);
            if (perShardLimits) {
                ShardThrottle[] shards = new ShardThrottle[stream.shardCount()];
                for (int i = 0; i < shards.length; i++) {
                    shards[i] = new ShardThrottle(now);
                }
                throttles.put(stream.name(), shards);
            }
        }
    }

    ReplayStream stream(String name) {
        return streams.get(name);
    }

    java.util.Set<String> streamNames() {
        return streams.keySet();
    }

    /**
     * Answers one request.
     *
     * @param target the X-Amz-Target header, such as {@code Kinesis_20131202.GetRecords}
     * @throws KinesisException with the error to answer with
     */
    Body handle(String target, WireFormat format, byte[] request) {
        String operation = target != null && target.startsWith(TARGET_PREFIX)
                ? target.substring(TARGET_PREFIX.length()) : null;
        stats.call(operation == null ? "(no operation)" : operation);
        if (operation == null) {
            throw new KinesisException("UnknownOperationException", "X-Amz-Target must be " + TARGET_PREFIX
                    + "<operation>, but is " + target);
        }
        JsonNode body = format.read(request);
        return switch (operation) {
            case "GetRecords" -> getRecords(format, body);
            case "GetShardIterator" -> getShardIterator(format, body);
            case "ListShards" -> listShards(format, body);
            case "DescribeStreamSummary" -> describeStreamSummary(format, body);
            case "DescribeStream" -> describeStream(format, body);
            default -> throw new KinesisException("UnknownOperationException", "the replay server does not support "
                    + operation + "; it answers ListShards, DescribeStreamSummary, DescribeStream, GetShardIterator"
                    + " and GetRecords");
        };
    }

    /** The body of an error answer: {@code __type} and {@code message}, in the request's format. */
    static Body error(WireFormat format, KinesisException error) {
        return json(format, g -> {
            g.writeStringField("__type", error.type());
            g.writeStringField("message", error.getMessage());
        });
    }

    private Body getRecords(WireFormat format, JsonNode request) {
        ShardIterators.Position position = ShardIterators.decode(text(request, "ShardIterator"));
        ReplayStream stream = streams.get(position.stream());
        if (stream == null || position.shard() < 0 || position.shard() >= stream.shardCount() || position.position() < 0) {
            throw KinesisException.notFound("the shard of this ShardIterator does not exist");
        }
        int limit = MAX_LIMIT;
        JsonNode limitNode = request.get("Limit");
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.canConvertToInt() || limitNode.intValue() < 1 || limitNode.intValue() > MAX_LIMIT) {
                throw KinesisException.invalidArgument("1 validation error detected: Value '" + limitNode.asText()
                        + "' at 'limit' failed to satisfy constraint: Member must be between 1 and " + MAX_LIMIT);
            }
            limit = limitNode.intValue();
        }
        int shard = position.shard();
        long now = arrivals.nowNanos();
        ShardThrottle[] shardThrottles = throttles.get(stream.name());
        if (shardThrottles != null && !shardThrottles[shard].tryAcquire(now)) {
            stats.throttledCalls.increment();
            throw new KinesisException("ProvisionedThroughputExceededException", "Rate exceeded for shard "
                    + ReplayStream.shardId(shard) + " in stream " + stream.name() + " under account "
                    + ReplayStream.ACCOUNT + ".");
        }
        long available = arrivals.available(stream, now);
        long first = position.position();
        long byCap = Math.max(1, MAX_RESPONSE_BYTES / stream.payloadBytes());
        int count = (int) Math.max(0, Math.min(Math.min(limit, byCap), available - first));
        long next = first + count;
        RecordsWriter writer = writers.get();
        writer.write(format, new RecordsWriter.Batch(stream, shard, first, count, arrivals,
                ShardIterators.encode(stream.name(), shard, next),
                arrivals.millisBehindLatest(stream, next, available, now), stampPayloads,
                stampPayloads ? System.nanoTime() : 0));
        long bytes = (long) count * stream.payloadBytes();
        if (shardThrottles != null) {
            shardThrottles[shard].served(bytes);
        }
        stats.getRecordsCalls.increment();
        stats.recordsServed.add(count);
        stats.bytesServed.add(bytes);
        if (count == 0) {
            stats.emptyResponses.increment();
        }
        return new Body(writer.buffer(), writer.size());
    }

    private Body getShardIterator(WireFormat format, JsonNode request) {
        ReplayStream stream = requestedStream(request);
        String shardId = text(request, "ShardId");
        int shard = shard(stream, shardId);
        String type = text(request, "ShardIteratorType");
        long position = switch (type) {
            case "TRIM_HORIZON" -> 0;
            case "LATEST" -> arrivals.available(stream, arrivals.nowNanos());
            case "AT_SEQUENCE_NUMBER" -> sequencePosition(stream, shard, request);
            case "AFTER_SEQUENCE_NUMBER" -> sequencePosition(stream, shard, request) + 1;
            case "AT_TIMESTAMP" -> {
                JsonNode timestamp = request.get("Timestamp");
                if (timestamp == null || timestamp.isNull()) {
                    throw KinesisException.invalidArgument("Timestamp is required for ShardIteratorType AT_TIMESTAMP");
                }
                yield arrivals.firstArrivingAtOrAfter(stream, format.readTimestamp(timestamp, "Timestamp"));
            }
            default -> throw KinesisException.invalidArgument("ShardIteratorType must be one of AT_SEQUENCE_NUMBER,"
                    + " AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST and AT_TIMESTAMP, but is " + type);
        };
        String iterator = ShardIterators.encode(stream.name(), shard, position);
        return json(format, g -> g.writeStringField("ShardIterator", iterator));
    }

    private long sequencePosition(ReplayStream stream, int shard, JsonNode request) {
        String sequenceNumber = text(request, "StartingSequenceNumber");
        long index = stream.indexOf(shard, sequenceNumber);
        if (index < 0) {
            throw KinesisException.invalidArgument("StartingSequenceNumber " + sequenceNumber
                    + " used in GetShardIterator on shard " + ReplayStream.shardId(shard) + " in stream "
                    + stream.name() + " under account " + ReplayStream.ACCOUNT
                    + " is invalid because it did not come from this stream.");
        }
        return index;
    }

    private Body listShards(WireFormat format, JsonNode request) {
        ReplayStream stream;
        int from;
        String token = optionalText(request, "NextToken");
        if (token != null) {
            if (optionalText(request, "StreamName") != null || optionalText(request, "StreamARN") != null) {
                throw KinesisException.invalidArgument("NextToken and the stream name or ARN cannot be given together");
            }
            String decoded;
            try {
                decoded = new String(TOKEN_DECODER.decode(token), US_ASCII);
            } catch (IllegalArgumentException e) {
                throw KinesisException.invalidArgument("Invalid NextToken");
            }
            int slash = decoded.indexOf('/');
            stream = slash < 0 ? null : streams.get(decoded.substring(0, slash));
            if (stream == null) {
                throw KinesisException.invalidArgument("Invalid NextToken");
            }
            from = Integer.parseInt(decoded.substring(slash + 1));
        } else {
            stream = requestedStream(request);
            from = 0;
            String exclusiveStart = optionalText(request, "ExclusiveStartShardId");
            JsonNode filter = request.get("ShardFilter");
            if (filter != null && "AFTER_SHARD_ID".equals(optionalText(filter, "Type"))) {
                exclusiveStart = text(filter, "ShardId");
            }
            if (exclusiveStart != null) {
                from = shardAfter(exclusiveStart);
            }
        }
        int max = intParameter(request, "MaxResults", 1000, 1, 10_000);
        int end = (int) Math.min(stream.shardCount(), (long) from + max);
        int start = Math.min(from, stream.shardCount());
        String nextToken = end < stream.shardCount()
                ? TOKEN_ENCODER.encodeToString((stream.name() + '/' + end).getBytes(US_ASCII)) : null;
        return json(format, g -> {
            g.writeArrayFieldStart("Shards");
            for (int shard = start; shard < end; shard++) {
                writeShard(g, stream, shard);
            }
            g.writeEndArray();
            if (nextToken != null) {
                g.writeStringField("NextToken", nextToken);
            }
        });
    }

    private Body describeStreamSummary(WireFormat format, JsonNode request) {
        ReplayStream stream = requestedStream(request);
        return json(format, g -> {
            g.writeObjectFieldStart("StreamDescriptionSummary");
            writeStreamFields(format, g, stream);
            g.writeNumberField("OpenShardCount", stream.shardCount());
            g.writeNumberField("ConsumerCount", 0);
            g.writeEndObject();
        });
    }

    private Body describeStream(WireFormat format, JsonNode request) {
        ReplayStream stream = requestedStream(request);
        String exclusiveStart = optionalText(request, "ExclusiveStartShardId");
        int start = exclusiveStart == null ? 0 : Math.min(shardAfter(exclusiveStart), stream.shardCount());
        int limit = intParameter(request, "Limit", 100, 1, 10_000);
        int end = (int) Math.min(stream.shardCount(), (long) start + limit);
        return json(format, g -> {
            g.writeObjectFieldStart("StreamDescription");
            writeStreamFields(format, g, stream);
            g.writeArrayFieldStart("Shards");
            for (int shard = start; shard < end; shard++) {
                writeShard(g, stream, shard);
            }
            g.writeEndArray();
            g.writeBooleanField("HasMoreShards", end < stream.shardCount());
            g.writeEndObject();
        });
    }

    private void writeStreamFields(WireFormat format, JsonGenerator g, ReplayStream stream) throws IOException {
        g.writeStringField("StreamName", stream.name());
        g.writeStringField("StreamARN", stream.arn());
        g.writeStringField("StreamStatus", "ACTIVE");
        g.writeObjectFieldStart("StreamModeDetails");
        g.writeStringField("StreamMode", "PROVISIONED");
        g.writeEndObject();
        g.writeNumberField("RetentionPeriodHours", 24);
        format.writeTimestamp(g, "StreamCreationTimestamp", createdMillis);
        g.writeArrayFieldStart("EnhancedMonitoring");
        g.writeStartObject();
        g.writeArrayFieldStart("ShardLevelMetrics");
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringField("EncryptionType", "NONE");
    }

    private static void writeShard(JsonGenerator g, ReplayStream stream, int shard) throws IOException {
        g.writeStartObject();
        g.writeStringField("ShardId", ReplayStream.shardId(shard));
        g.writeObjectFieldStart("HashKeyRange");
        g.writeStringField("StartingHashKey", stream.startingHashKey(shard).toString());
        g.writeStringField("EndingHashKey", stream.endingHashKey(shard).toString());
        g.writeEndObject();
        g.writeObjectFieldStart("SequenceNumberRange");
        g.writeStringField("StartingSequenceNumber", stream.sequenceNumber(shard, 0));
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The stream a request names by StreamName or StreamARN. */
    private ReplayStream requestedStream(JsonNode request) {
        String name = optionalText(request, "StreamName");
        String arn = optionalText(request, "StreamARN");
        if (name == null && arn != null) {
            name = arn.substring(arn.lastIndexOf('/') + 1);
        }
        if (name == null) {
            throw KinesisException.invalidArgument("Either StreamName or StreamARN should be provided.");
        }
        ReplayStream stream = streams.get(name);
        if (stream == null || (arn != null && !arn.equals(stream.arn()))) {
            throw KinesisException.notFound("Stream " + (arn != null ? arn : name) + " under account "
                    + ReplayStream.ACCOUNT + " not found.");
        }
        return stream;
    }

    private static int shard(ReplayStream stream, String shardId) {
        int shard = stream.shardIndex(shardId);
        if (shard < 0) {
            throw KinesisException.notFound("Shard " + shardId + " in stream " + stream.name() + " under account "
                    + ReplayStream.ACCOUNT + " does not exist");
        }
        return shard;
    }

    /** The index of the first shard after {@code shardId}, which need not exist. */
    private static int shardAfter(String shardId) {
        if (!shardId.matches("shardId-\\d{12}")) {
            throw KinesisException.invalidArgument("Invalid shard id: " + shardId);
        }
        return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(shardId.substring("shardId-".length())) + 1);
    }

    private static String text(JsonNode request, String field) {
        String value = optionalText(request, field);
        if (value == null) {
            throw KinesisException.invalidArgument(field + " is required");
        }
        return value;
    }

    private static String optionalText(JsonNode request, String field) {
        JsonNode node = request.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static int intParameter(JsonNode request, String field, int fallback, int min, int max) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw KinesisException.invalidArgument(field + " must be from " + min + " to " + max + ", but is " + node.asText());
        }
        return node.intValue();
    }

    /** Writes the fields of one object. */
    private interface Fields {
        void write(JsonGenerator generator) throws IOException;
    }

    private static Body json(WireFormat format, Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = format.generator(out)) {
            generator.writeStartObject();
            fields.write(generator);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return new Body(out.toByteArray(), out.size());
    }
}
