package dev.tributary.kinesis.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORParser;

/**
 * Reads a GetRecords response body in CBOR, as Kinesis sends it to the AWS SDK, straight into
 * {@link KinesisRecord}s, through the parser's own small buffer: each payload ends in an array of its own.
 *
 * <p>It reads only the shapes Kinesis sends: {@code SequenceNumber}, {@code PartitionKey} and
 * {@code EncryptionType} as text, {@code Data} as a byte string (or Base64 text, as some emulators
 * send it), {@code ApproximateArrivalTimestamp}
 * as a whole number of epoch milliseconds (with or without CBOR's tag 1), {@code NextShardIterator}
 * as text or null, {@code MillisBehindLatest} as a whole number; fields it does not use (such as
 * {@code ChildShards}) are skipped. Anything else (another type in a field it uses, a record without
 * a sequence number, a body that ends early) is {@link Unsupported}: the caller then lets the SDK
 * read the body, so that what the SDK would make of it, or the error it would raise, stands.
 * Thread-safe: the factory is shared, each call has its own parser.
 */
final class GetRecordsCbor {
    private static final CBORFactory FACTORY = CBORFactory.builder().build();
    private static final int TAG_EPOCH = 1;

    private GetRecordsCbor() {
    }

    /** The body is not in a shape this reader takes; the SDK is to read it instead. */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads a body to its end. An absent or null {@code MillisBehindLatest} is 0, as the proxy
     * takes the SDK's.
     *
     * @throws Unsupported when the body is not a GetRecords response of the shapes above
     */
    static FetchResult parse(InputStream body) throws Unsupported {
        try (CBORParser parser = FACTORY.createParser(body)) {
            FetchResult parsed = response(parser);
            if (parser.nextToken() != null) {
                throw new Unsupported("data after the response");
            }
            return parsed;
        } catch (IOException | RuntimeException e) {
            // Malformed or truncated CBOR, or a record the connector's own checks refuse. The
            // parser's message can quote the body, which holds the stream's data: the type only.
            throw new Unsupported("the body could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static FetchResult response(CBORParser parser) throws IOException, Unsupported {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new Unsupported("the response is not a map");
        }
        List<KinesisRecord> records = List.of();
        String nextIterator = null;
        long millisBehindLatest = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "Records" -> records = records(parser, value);
                case "NextShardIterator" -> nextIterator = text(parser, value, true);
                case "MillisBehindLatest" -> millisBehindLatest = value == JsonToken.VALUE_NULL ? 0 : whole(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new Unsupported("the response map does not end");
        }
        return new FetchResult(records, nextIterator, millisBehindLatest);
    }

    private static List<KinesisRecord> records(CBORParser parser, JsonToken value) throws IOException, Unsupported {
        if (value != JsonToken.START_ARRAY) {
            throw new Unsupported("Records is not an array");
        }
        List<KinesisRecord> records = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.START_OBJECT) {
            records.add(record(parser));
        }
        if (next != JsonToken.END_ARRAY) {
            throw new Unsupported("Records holds something other than maps");
        }
        return records;
    }

    private static KinesisRecord record(CBORParser parser) throws IOException, Unsupported {
        String sequenceNumber = null;
        String partitionKey = null;
        byte[] data = null;
        Instant arrival = null;
        String encryptionType = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "SequenceNumber" -> sequenceNumber = text(parser, value, false);
                case "PartitionKey" -> partitionKey = text(parser, value, false);
                case "EncryptionType" -> encryptionType = text(parser, value, false);
                case "Data" -> {
                    if (value == JsonToken.VALUE_EMBEDDED_OBJECT) {
                        data = parser.getBinaryValue();
                    } else if (value == JsonToken.VALUE_STRING && parser.getCurrentTag() == -1) {
                        // Base64 text, as some Kinesis-compatible endpoints send it; the SDK takes it too.
                        data = Base64.getDecoder().decode(parser.getText());
                    } else {
                        throw new Unsupported("Data is neither a byte string nor text");
                    }
                }
                case "ApproximateArrivalTimestamp" -> {
                    int tag = parser.getCurrentTag();
                    if (tag != -1 && tag != TAG_EPOCH) {
                        throw new Unsupported("ApproximateArrivalTimestamp has tag " + tag);
                    }
                    arrival = Instant.ofEpochMilli(number(parser, value));
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new Unsupported("a record map does not end");
        }
        if (sequenceNumber == null || partitionKey == null || data == null) {
            throw new Unsupported("a record lacks SequenceNumber, PartitionKey or Data");
        }
        return new KinesisRecord(sequenceNumber, partitionKey, data, arrival, encryptionType);
    }

    private static String text(CBORParser parser, JsonToken value, boolean nullable) throws IOException, Unsupported {
        if (value == JsonToken.VALUE_STRING && parser.getCurrentTag() == -1) {
            return parser.getText();
        }
        if (nullable && value == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new Unsupported(parser.currentName() + " is not text");
    }

    private static long whole(CBORParser parser, JsonToken value) throws IOException, Unsupported {
        if (parser.getCurrentTag() != -1) {
            throw new Unsupported(parser.currentName() + " is tagged");
        }
        return number(parser, value);
    }

    private static long number(CBORParser parser, JsonToken value) throws IOException, Unsupported {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new Unsupported(parser.currentName() + " is not a whole number");
        }
        JsonParser.NumberType type = parser.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw new Unsupported(parser.currentName() + " does not fit a long");
        }
        return parser.getLongValue();
    }
}
