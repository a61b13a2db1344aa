package dev.tributary.bench.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;

/**
 * The two encodings the AWS SDK speaks to Kinesis: CBOR, its default, and AWS JSON 1.1, which it
 * uses when {@code aws.cborEnabled=false}. They differ in more than syntax: blobs are CBOR byte
 * strings but Base64 text in JSON, and timestamps are CBOR tag 1 with epoch milliseconds (what the
 * SDK writes and, by default, reads) but epoch seconds with a fraction in JSON.
 */
enum WireFormat {
    CBOR("application/x-amz-cbor-1.1", new CBORMapper()),
    JSON("application/x-amz-json-1.1", new JsonMapper());

    private final String contentType;
    private final ObjectMapper mapper;

    WireFormat(String contentType, ObjectMapper mapper) {
        this.contentType = contentType;
        this.mapper = mapper;
    }

    /** The format of a request with this Content-Type; JSON unless it names CBOR. */
    static WireFormat of(String contentType) {
        return contentType != null && contentType.startsWith(CBOR.contentType) ? CBOR : JSON;
    }

    String contentType() {
        return contentType;
    }

    JsonNode read(byte[] body) {
        if (body.length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("the request body is not an object");
            }
            return node;
        } catch (IOException e) {
            throw new KinesisException("SerializationException", "cannot parse the " + name() + " request body: "
                    + e.getMessage());
        }
    }

    JsonGenerator generator(OutputStream out) throws IOException {
        return mapper.getFactory().createGenerator(out);
    }

    void writeTimestamp(JsonGenerator generator, String field, long epochMillis) throws IOException {
        generator.writeFieldName(field);
        if (generator instanceof CBORGenerator cbor) {
            cbor.writeTag(1);
            cbor.writeNumber(epochMillis);
        } else {
            generator.writeNumber(BigDecimal.valueOf(epochMillis, 3));
        }
    }

    /** A request's timestamp in epoch milliseconds: a number (milliseconds in CBOR, seconds in JSON) or ISO-8601 text. */
    long readTimestamp(JsonNode node, String field) {
        if (node.isNumber()) {
            return this == CBOR && node.isIntegralNumber() ? node.longValue()
                    : node.decimalValue().movePointRight(3).longValue();
        }
        if (node.isTextual()) {
            try {
                return java.time.Instant.parse(node.textValue()).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                // Reported below like any other bad value.
            }
        }
        throw KinesisException.invalidArgument(field + " is not a timestamp: " + node);
    }
}
