package dev.tributary.kinesis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.kinesis.agg.AggRecord;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.utils.async.SimplePublisher;

/**
 * {@link LeanGetRecords} against the SDK's own unmarshalling: the same bodies, served by a fake HTTP
 * client, go through one Kinesis client with the interceptor and one without, both behind
 * {@link SdkKinesisProxy}; every field of every record, the next iterator and the lag must be equal,
 * or both calls must fail alike. Bodies are generated (seeded) in every shape Kinesis sends and in
 * shapes it does not, and each test also checks which of the two readers read the body.
 */
class LeanGetRecordsTest {
    private static final long SEED = 20261205L;
    private static final CBORFactory CBOR = new CBORFactory();
    private static final StreamRef STREAM = new StreamRef("s", null);

    private final FakeHttp leanHttp = new FakeHttp();
    private final FakeHttp sdkHttp = new FakeHttp();
    /** What the SDK itself made of the last body the lean client received. */
    private final AtomicReference<GetRecordsResponse> sdkView = new AtomicReference<>();
    private final SdkKinesisProxy lean = new SdkKinesisProxy(client(leanHttp, new LeanGetRecords(), new Capture(sdkView)));
    private final SdkKinesisProxy sdk = new SdkKinesisProxy(client(sdkHttp));

    @AfterEach
    void close() {
        lean.close();
        sdk.close();
    }

    @Test
    void generatedResponsesReadAsTheSdkReadsThem() throws Exception {
        Random random = new Random(SEED);
        int leanRead = 0;
        for (int i = 0; i < 400; i++) {
            Shape shape = Shape.random(random);
            byte[] body = shape.body(random);
            Outcome outcome = compare("case " + i + " " + shape, body, 1 + random.nextInt(4));
            assertThat(outcome.leanRead()).as("case %d %s read by the lean reader", i, shape).isTrue();
            leanRead++;
        }
        assertThat(leanRead).isEqualTo(400);
    }

    @Test
    void edgesReadAsTheSdkReadsThem() throws Exception {
        Random random = new Random(SEED + 1);
        // Empty: no records, as an idle shard returns; and a closed shard's last answer.
        assertLeanRead(new Shape(0, 0, Timestamp.TAGGED, Encryption.ABSENT, false, true, Iterator.TEXT, true).body(random));
        assertLeanRead(new Shape(0, 0, Timestamp.TAGGED, Encryption.ABSENT, false, true, Iterator.NULL, true).body(random));
        assertLeanRead(new Shape(0, 0, Timestamp.TAGGED, Encryption.ABSENT, false, false, Iterator.ABSENT, false).body(random));
        // Empty payloads; one payload of 1 MiB (the most Kinesis takes); the most records a call returns.
        assertLeanRead(new Shape(5, 0, Timestamp.TAGGED, Encryption.NONE, false, true, Iterator.TEXT, true).body(random));
        assertLeanRead(new Shape(1, 1024 * 1024, Timestamp.TAGGED, Encryption.KMS, false, true, Iterator.TEXT, true).body(random));
        assertLeanRead(new Shape(10_000, 20, Timestamp.UNTAGGED, Encryption.NONE, true, true, Iterator.TEXT, true).body(random));
    }

    @Test
    void kplAggregatesArriveByteForByte() throws Exception {
        Random random = new Random(SEED + 2);
        AggRecord aggregate = new AggRecord();
        for (int i = 0; i < 50; i++) {
            byte[] data = new byte[random.nextInt(500)];
            random.nextBytes(data);
            aggregate.addUserRecord("user-" + i, null, data);
        }
        byte[] payload = aggregate.toRecordBytes();
        byte[] body = cbor(g -> {
            g.writeStartObject(3);
            g.writeFieldName("Records");
            g.writeStartArray(null, 1);
            g.writeStartObject(4);
            g.writeStringField("SequenceNumber", "49650000000000000000000000000000000000000000000000000001");
            g.writeFieldName("ApproximateArrivalTimestamp");
            g.writeTag(1);
            g.writeNumber(1_733_400_000_123L);
            g.writeFieldName("Data");
            g.writeBinary(payload);
            g.writeStringField("PartitionKey", "aggregate");
            g.writeEndObject();
            g.writeEndArray();
            g.writeStringField("NextShardIterator", "it");
            g.writeNumberField("MillisBehindLatest", 0);
            g.writeEndObject();
        });
        FetchResult result = assertLeanRead(body);
        assertThat(result.records().get(0).data()).isEqualTo(payload);
    }

    @Test
    void shapesKinesisDoesNotSendAreLeftToTheSdk() throws Exception {
        Random random = new Random(SEED + 3);
        // A fractional timestamp: the SDK's reading of it stands.
        assertSdkRead(oneRecord(g -> {
            g.writeStringField("SequenceNumber", "1");
            g.writeFieldName("ApproximateArrivalTimestamp");
            g.writeNumber(1_733_400_000.5d);
            g.writeFieldName("Data");
            g.writeBinary(new byte[] {1, 2});
            g.writeStringField("PartitionKey", "k");
        }, true));
        // A sequence number as a number, not text.
        assertSdkRead(oneRecord(g -> {
            g.writeNumberField("SequenceNumber", 12345);
            g.writeFieldName("Data");
            g.writeBinary(new byte[] {1});
            g.writeStringField("PartitionKey", "k");
        }, false));
        // Data as text that is not Base64.
        assertSdkRead(oneRecord(g -> {
            g.writeStringField("SequenceNumber", "1");
            g.writeStringField("Data", "not base64!");
            g.writeStringField("PartitionKey", "k");
        }, false));
        // Records that are not a list.
        assertSdkRead(cbor(g -> {
            g.writeStartObject();
            g.writeNumberField("Records", 3);
            g.writeStringField("NextShardIterator", "it");
            g.writeEndObject();
        }));
        // A record without Data, and a body cut short: both readers fail alike.
        assertSdkRead(oneRecord(g -> {
            g.writeStringField("SequenceNumber", "1");
            g.writeStringField("PartitionKey", "k");
        }, false));
        byte[] whole = new Shape(3, 100, Timestamp.TAGGED, Encryption.NONE, false, true, Iterator.TEXT, true).body(random);
        assertSdkRead(Arrays.copyOf(whole, whole.length - 40));
        // Something after the response.
        byte[] trailing = Arrays.copyOf(whole, whole.length + 1);
        trailing[whole.length] = (byte) 0xA0;
        assertSdkRead(trailing);
    }

    @Test
    void errorResponsesAndRetriesStayTheSdks() throws Exception {
        Random random = new Random(SEED + 4);
        byte[] throttled = cbor(g -> {
            g.writeStartObject();
            g.writeStringField("__type", "ProvisionedThroughputExceededException");
            g.writeStringField("message", "Rate exceeded for shard shardId-000000000000");
            g.writeEndObject();
        });
        byte[] body = new Shape(4, 64, Timestamp.TAGGED, Encryption.NONE, true, true, Iterator.TEXT, true).body(random);
        // Throttled once, then answered: the retry's records arrive, read by the lean reader.
        for (FakeHttp http : List.of(leanHttp, sdkHttp)) {
            http.answers.add(new Answer(400, throttled, 7));
            http.answers.add(new Answer(200, body, 7));
        }
        FetchResult viaLean = lean.records(STREAM, "it", 100).get(10, TimeUnit.SECONDS);
        FetchResult viaSdk = sdk.records(STREAM, "it", 100).get(10, TimeUnit.SECONDS);
        assertEqual("retried", viaLean, viaSdk);
        assertThat(sdkView.get().records()).as("the SDK was handed the empty map").isEmpty();
        // Throttled every time: the same exception from both.
        for (FakeHttp http : List.of(leanHttp, sdkHttp)) {
            http.answers.clear();
            http.answers.add(new Answer(400, throttled, 7));
        }
        Throwable leanError = failure(lean.records(STREAM, "it", 100));
        Throwable sdkError = failure(sdk.records(STREAM, "it", 100));
        assertThat(leanError).isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThat(sdkError).isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThat(leanError.getMessage()).isEqualTo(sdkError.getMessage());
    }

    @Test
    void anAnswerNotLabelledCborIsLeftToTheSdk() throws Exception {
        // A CBOR body under another Content-Type: the SDK reads it (it reads by its protocol, not the
        // label); the lean reader reads only what is labelled as the CBOR it knows.
        byte[] body = new Shape(3, 10, Timestamp.TAGGED, Encryption.NONE, false, true, Iterator.TEXT, true)
                .body(new Random(SEED + 5));
        leanHttp.contentType = "application/x-amz-json-1.1";
        sdkHttp.contentType = "application/x-amz-json-1.1";
        Outcome outcome = compare("labelled JSON", body, 2);
        assertThat(outcome.leanRead()).isFalse();
        assertThat(outcome.result().records()).hasSize(3);
    }

    // ---- comparison

    private record Outcome(boolean leanRead, FetchResult result) {
    }

    private FetchResult assertLeanRead(byte[] body) throws Exception {
        Outcome outcome = compare("edge", body, 3);
        assertThat(outcome.leanRead()).as("read by the lean reader").isTrue();
        return outcome.result();
    }

    private void assertSdkRead(byte[] body) throws Exception {
        Outcome outcome = compare("left to the SDK", body, 2);
        assertThat(outcome.leanRead()).as("left to the SDK").isFalse();
    }

    /** Serves {@code body} to both clients in {@code chunks} pieces and compares what each made of it. */
    private Outcome compare(String what, byte[] body, int chunks) throws Exception {
        sdkView.set(null);
        leanHttp.answers.clear();
        sdkHttp.answers.clear();
        leanHttp.answers.add(new Answer(200, body, chunks));
        sdkHttp.answers.add(new Answer(200, body, chunks));
        CompletableFuture<FetchResult> viaLean = lean.records(STREAM, "it", 10_000);
        CompletableFuture<FetchResult> viaSdk = sdk.records(STREAM, "it", 10_000);
        Throwable leanError = null;
        Throwable sdkError = null;
        FetchResult leanResult = null;
        FetchResult sdkResult = null;
        try {
            sdkResult = viaSdk.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            sdkError = e.getCause();
        }
        try {
            leanResult = viaLean.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            leanError = e.getCause();
        }
        if (sdkError != null || leanError != null) {
            assertThat(leanError).as(what + ": the lean client fails as the SDK does").isNotNull();
            assertThat(sdkError).as(what + ": the SDK fails as the lean client does").isNotNull();
            assertThat(unwrap(leanError).getClass()).as(what).isEqualTo(unwrap(sdkError).getClass());
            return new Outcome(false, null);
        }
        assertEqual(what, leanResult, sdkResult);
        GetRecordsResponse seen = sdkView.get();
        // The SDK reads the empty map handed in the body's place as a response with no field set.
        // (Only a body with no field the reader uses would look the same read by the SDK.)
        boolean leanRead = !seen.hasRecords() && seen.nextShardIterator() == null && seen.millisBehindLatest() == null;
        return new Outcome(leanRead, leanResult);
    }

    private static void assertEqual(String what, FetchResult lean, FetchResult sdk) {
        assertThat(lean.nextIterator()).as(what + " NextShardIterator").isEqualTo(sdk.nextIterator());
        assertThat(lean.millisBehindLatest()).as(what + " MillisBehindLatest").isEqualTo(sdk.millisBehindLatest());
        assertThat(lean.records()).as(what + " records").hasSameSizeAs(sdk.records());
        for (int i = 0; i < sdk.records().size(); i++) {
            KinesisRecord l = lean.records().get(i);
            KinesisRecord s = sdk.records().get(i);
            String at = what + " record " + i;
            assertThat(l.sequenceNumber()).as(at + " SequenceNumber").isEqualTo(s.sequenceNumber());
            assertThat(l.partitionKey()).as(at + " PartitionKey").isEqualTo(s.partitionKey());
            assertThat(l.data()).as(at + " Data").isEqualTo(s.data());
            assertThat(l.arrival()).as(at + " ApproximateArrivalTimestamp").isEqualTo(s.arrival());
            assertThat(l.encryptionType()).as(at + " EncryptionType").isEqualTo(s.encryptionType());
        }
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return unwrap(e.getCause());
        }
        throw new AssertionError("the call did not fail");
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    // ---- generated bodies

    enum Timestamp { TAGGED, UNTAGGED, ABSENT }

    enum Encryption { ABSENT, NONE, KMS, UNKNOWN }

    enum Iterator { TEXT, NULL, ABSENT }

    /** One response's shape; {@link #body} fills it with random content. */
    record Shape(int records, int maxPayload, Timestamp timestamp, Encryption encryption, boolean extraFields,
            boolean definite, Iterator iterator, boolean millis) {
        static Shape random(Random random) {
            int records = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 5 : 200);
            int maxPayload = random.nextInt(3) == 0 ? 0 : random.nextBoolean() ? 64 : 5000;
            return new Shape(records, maxPayload, Timestamp.values()[random.nextInt(3)],
                    Encryption.values()[random.nextInt(4)], random.nextBoolean(), random.nextBoolean(),
                    Iterator.values()[random.nextInt(3)], random.nextBoolean());
        }

        byte[] body(Random random) {
            return cbor(g -> {
                List<Runnable> fields = new ArrayList<>();
                fields.add(io(() -> {
                    g.writeFieldName("Records");
                    if (definite) {
                        g.writeStartArray(null, records);
                    } else {
                        g.writeStartArray();
                    }
                    for (int i = 0; i < records; i++) {
                        record(g, random, i);
                    }
                    g.writeEndArray();
                }));
                if (iterator != Iterator.ABSENT) {
                    fields.add(io(() -> {
                        g.writeFieldName("NextShardIterator");
                        if (iterator == Iterator.TEXT) {
                            g.writeString("AAAAAAAAAAF" + Long.toHexString(random.nextLong()) + "/+=" + "x".repeat(random.nextInt(300)));
                        } else {
                            g.writeNull();
                        }
                    }));
                }
                if (millis) {
                    long value = random.nextInt(3) == 0 ? random.nextLong() & Long.MAX_VALUE : random.nextInt(86_400_000);
                    fields.add(io(() -> g.writeNumberField("MillisBehindLatest", value)));
                }
                if (extraFields) {
                    fields.add(io(() -> {
                        g.writeFieldName("ChildShards");
                        g.writeStartArray();
                        g.writeStartObject();
                        g.writeStringField("ShardId", "shardId-000000000002");
                        g.writeFieldName("ParentShards");
                        g.writeStartArray();
                        g.writeString("shardId-000000000001");
                        g.writeEndArray();
                        g.writeFieldName("HashKeyRange");
                        g.writeStartObject();
                        g.writeStringField("StartingHashKey", "0");
                        g.writeStringField("EndingHashKey", "340282366920938463463374607431768211455");
                        g.writeEndObject();
                        g.writeEndObject();
                        g.writeEndArray();
                    }));
                    fields.add(io(() -> g.writeNumberField("SomethingNew", random.nextInt())));
                }
                java.util.Collections.shuffle(fields, random);
                if (definite) {
                    g.writeStartObject(fields.size());
                } else {
                    g.writeStartObject();
                }
                fields.forEach(Runnable::run);
                g.writeEndObject();
            });
        }

        private void record(CBORGenerator g, Random random, int index) throws IOException {
            List<Runnable> fields = new ArrayList<>();
            String sequence = new java.math.BigInteger(185, random).toString() + index;
            fields.add(io(() -> g.writeStringField("SequenceNumber", sequence)));
            byte[] data = new byte[maxPayload == 0 ? 0 : random.nextInt(maxPayload + 1)];
            random.nextBytes(data);
            boolean asText = random.nextInt(4) == 0;
            fields.add(io(() -> {
                g.writeFieldName("Data");
                if (asText) {
                    // As kinesis-mock sends it.
                    g.writeString(java.util.Base64.getEncoder().encodeToString(data));
                } else {
                    g.writeBinary(data);
                }
            }));
            String key = randomKey(random);
            fields.add(io(() -> g.writeStringField("PartitionKey", key)));
            long arrival = 1_500_000_000_000L + (random.nextLong() & 0xFFFF_FFFFFL);
            if (timestamp != Timestamp.ABSENT) {
                fields.add(io(() -> {
                    g.writeFieldName("ApproximateArrivalTimestamp");
                    if (timestamp == Timestamp.TAGGED) {
                        g.writeTag(1);
                    }
                    g.writeNumber(arrival);
                }));
            }
            if (encryption != Encryption.ABSENT) {
                String type = switch (encryption) {
                    case NONE -> "NONE";
                    case KMS -> "KMS";
                    default -> "SOMETHING_NEW";
                };
                fields.add(io(() -> g.writeStringField("EncryptionType", type)));
            }
            if (extraFields) {
                fields.add(io(() -> {
                    g.writeFieldName("Extra");
                    g.writeStartObject();
                    g.writeFieldName("Nested");
                    g.writeStartArray();
                    g.writeNumber(random.nextDouble());
                    g.writeBinary(new byte[] {1, 2, 3});
                    g.writeBoolean(true);
                    g.writeNull();
                    g.writeEndArray();
                    g.writeEndObject();
                }));
            }
            java.util.Collections.shuffle(fields, random);
            if (definite) {
                g.writeStartObject(fields.size());
            } else {
                g.writeStartObject();
            }
            fields.forEach(Runnable::run);
            g.writeEndObject();
        }

        private static String randomKey(Random random) {
            int length = 1 + random.nextInt(random.nextInt(5) == 0 ? 256 : 20);
            StringBuilder key = new StringBuilder();
            while (key.length() < length) {
                int pick = random.nextInt(10);
                key.appendCodePoint(pick < 6 ? 'a' + random.nextInt(26) : pick < 8 ? 0xE9 + random.nextInt(20)
                        : pick < 9 ? 0x4E00 + random.nextInt(1000) : 0x1F600 + random.nextInt(50));
            }
            return key.toString();
        }
    }

    interface IoAction {
        void run() throws IOException;
    }

    private static Runnable io(IoAction action) {
        return () -> {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    interface Writer {
        void write(CBORGenerator generator) throws IOException;
    }

    /** A response of one record, whose fields {@code fields} writes; with {@code iterator}, NextShardIterator "it". */
    private static byte[] oneRecord(Writer fields, boolean iterator) {
        return cbor(g -> {
            g.writeStartObject();
            g.writeFieldName("Records");
            g.writeStartArray();
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
            g.writeEndArray();
            if (iterator) {
                g.writeStringField("NextShardIterator", "it");
            }
            g.writeEndObject();
        });
    }

    private static byte[] cbor(Writer writer) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CBORGenerator generator = CBOR.createGenerator(out)) {
                writer.write(generator);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the fake transport

    private record Answer(int status, byte[] body, int chunks) {
    }

    /** Serves queued answers, each body in a number of pieces, as a connection delivers it. */
    private static final class FakeHttp implements SdkAsyncHttpClient {
        final Deque<Answer> answers = new ArrayDeque<>();
        volatile String contentType = "application/x-amz-cbor-1.1";

        @Override
        public synchronized CompletableFuture<Void> execute(AsyncExecuteRequest request) {
            // A retry with nothing new queued gets the last answer again, as from a server that
            // answers the same request the same way.
            Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
            if (answer == null) {
                IllegalStateException none = new IllegalStateException("no answer queued");
                request.responseHandler().onError(none);
                return CompletableFuture.failedFuture(none);
            }
            request.responseHandler().onHeaders(SdkHttpResponse.builder()
                    .statusCode(answer.status())
                    .putHeader("Content-Type", contentType)
                    .putHeader("Content-Length", Integer.toString(answer.body().length))
                    .build());
            SimplePublisher<ByteBuffer> body = new SimplePublisher<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            // As a real client's, the call's future completes once the body was read, or was given up on.
            request.responseHandler().onStream(subscriber -> body.subscribe(new org.reactivestreams.Subscriber<>() {
                @Override
                public void onSubscribe(org.reactivestreams.Subscription subscription) {
                    subscriber.onSubscribe(new org.reactivestreams.Subscription() {
                        @Override
                        public void request(long n) {
                            subscription.request(n);
                        }

                        @Override
                        public void cancel() {
                            subscription.cancel();
                            done.complete(null);
                        }
                    });
                }

                @Override
                public void onNext(ByteBuffer buffer) {
                    subscriber.onNext(buffer);
                }

                @Override
                public void onError(Throwable error) {
                    subscriber.onError(error);
                    done.complete(null);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                    done.complete(null);
                }
            }));
            int step = Math.max(1, answer.body().length / answer.chunks() + 1);
            for (int at = 0; at < answer.body().length; at += step) {
                body.send(ByteBuffer.wrap(Arrays.copyOfRange(answer.body(), at, Math.min(answer.body().length, at + step))));
            }
            body.complete();
            return done;
        }

        @Override
        public void close() {
        }
    }

    /** Keeps the response the SDK unmarshalled, before the proxy turns it into a FetchResult. */
    private static final class Capture implements ExecutionInterceptor {
        private final AtomicReference<GetRecordsResponse> seen;

        Capture(AtomicReference<GetRecordsResponse> seen) {
            this.seen = seen;
        }

        @Override
        public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            SdkResponse response = context.response();
            if (response instanceof GetRecordsResponse records) {
                seen.set(records);
            }
        }
    }

    private static KinesisAsyncClient client(SdkAsyncHttpClient http, ExecutionInterceptor... interceptors) {
        return KinesisAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .endpointOverride(URI.create("http://127.0.0.1:1"))
                .httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).executionInterceptors(List.of(interceptors)))
                .build();
    }
}
