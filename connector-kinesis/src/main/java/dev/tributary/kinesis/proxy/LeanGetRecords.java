package dev.tributary.kinesis.proxy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Reads GetRecords responses into the connector's records itself, instead of the SDK's CBOR
 * unmarshalling, which builds a tree of the whole response, then SDK objects, before the connector
 * makes its own records from those: most of the CPU a fetch costs.
 *
 * <p>The SDK still does everything else: the endpoint, signing, sending, retries, throttling and
 * every error response. Only a successful (2xx) CBOR response of a call that carries a {@link Slot}
 * (see {@link #SLOT}) is touched: its body is collected, read by {@link GetRecordsCbor} into the
 * slot, and the SDK is handed an empty map in its place, which it turns into an empty
 * {@code GetRecordsResponse} at almost no cost. A body that reader does not take is handed to the
 * SDK unchanged and the slot stays empty: the caller then uses the SDK's response, as without this
 * interceptor. Each attempt of a retried call starts with an empty slot.
 *
 * <p>Memory: a body is held once, in an array sized by its Content-Length (Kinesis caps a response at
 * 10 MB), until its records are read; the SDK would hold it as well, in a growing buffer.
 */
public final class LeanGetRecords implements ExecutionInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(LeanGetRecords.class);
    /** The request attribute that asks for, and receives, the records of one GetRecords call. */
    public static final ExecutionAttribute<Slot> SLOT = new ExecutionAttribute<>("tributary.GetRecords.slot");

    private static final String CBOR = "application/x-amz-cbor-1.1";
    private static final ByteBuffer EMPTY_MAP = ByteBuffer.wrap(new byte[] {(byte) 0xA0}).asReadOnlyBuffer();
    /** The largest body collected: Kinesis sends at most 10 MB. */
    private static final int MAX_BODY = 256 * 1024 * 1024;
    /** What a body without a Content-Length starts with. */
    private static final int INITIAL_CAPACITY = 64 * 1024;

    /** Where one call's records are put; read it after the call's future completed. */
    public static final class Slot {
        private volatile FetchResult parsed;

        /** The response as read here, or null when the SDK read it (or no response was). */
        FetchResult parsed() {
            return parsed;
        }
    }

    @Override
    public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        Optional<Publisher<ByteBuffer>> body = context.responsePublisher();
        Slot slot = attributes.getAttribute(SLOT);
        if (slot == null || body.isEmpty()) {
            return body;
        }
        slot.parsed = null;
        SdkHttpResponse response = context.httpResponse();
        if (!response.isSuccessful() || !isCbor(response) || response.firstMatchingHeader("Content-Encoding").isPresent()) {
            return body;
        }
        return Optional.of(new Rewritten(body.get(), slot, contentLength(response)));
    }

    private static boolean isCbor(SdkHttpResponse response) {
        return response.firstMatchingHeader("Content-Type")
                .map(type -> type.toLowerCase(Locale.ROOT).startsWith(CBOR))
                .orElse(false);
    }

    /** The declared length, if it is one a GetRecords body can have; else -1. */
    private static int contentLength(SdkHttpResponse response) {
        try {
            long length = response.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
            return length >= 0 && length <= MAX_BODY ? (int) length : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The body the SDK reads: nothing until the real body has been received whole, then one buffer,
     * an empty map or the real body, then the end. The SDK asks for data before anything is sent,
     * so that buffer always has demand waiting for it.
     */
    private static final class Rewritten implements Publisher<ByteBuffer> {
        private final Publisher<ByteBuffer> upstream;
        private final Slot slot;
        private final int contentLength;
        private final AtomicBoolean subscribed = new AtomicBoolean();

        Rewritten(Publisher<ByteBuffer> upstream, Slot slot, int contentLength) {
            this.upstream = upstream;
            this.slot = slot;
            this.contentLength = contentLength;
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> downstream) {
            if (!subscribed.compareAndSet(false, true)) {
                downstream.onSubscribe(new Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                downstream.onError(new IllegalStateException("a response body can be read once"));
                return;
            }
            upstream.subscribe(new Collector(downstream, slot, contentLength));
        }
    }

    private static final class Collector implements Subscriber<ByteBuffer> {
        private final Subscriber<? super ByteBuffer> downstream;
        private final Slot slot;
        private final AtomicBoolean started = new AtomicBoolean();
        private Subscription upstream;
        private byte[] body;
        private int size;
        private boolean failed;

        Collector(Subscriber<? super ByteBuffer> downstream, Slot slot, int contentLength) {
            this.downstream = downstream;
            this.slot = slot;
            this.body = new byte[contentLength >= 0 ? contentLength : INITIAL_CAPACITY];
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            this.upstream = subscription;
            downstream.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    if (n <= 0) {
                        subscription.cancel();
                        downstream.onError(new IllegalArgumentException("demand must be positive, was " + n));
                        return;
                    }
                    // The whole body is needed before anything can be passed on.
                    if (started.compareAndSet(false, true)) {
                        subscription.request(Long.MAX_VALUE);
                    }
                }

                @Override
                public void cancel() {
                    subscription.cancel();
                }
            });
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (failed) {
                return;
            }
            int n = buffer.remaining();
            if (body.length - size < n) {
                long capacity = Math.min(MAX_BODY, Math.max((long) size + n, 2L * body.length));
                if ((long) size + n > MAX_BODY) {
                    failed = true;
                    body = null;
                    upstream.cancel();
                    downstream.onError(new IllegalStateException("a GetRecords response of more than "
                            + MAX_BODY / (1024 * 1024) + " MiB; Kinesis sends at most 10 MB"));
                    return;
                }
                body = Arrays.copyOf(body, (int) capacity);
            }
            buffer.get(body, size, n);
            size += n;
        }

        @Override
        public void onError(Throwable error) {
            if (!failed) {
                downstream.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (failed) {
                return;
            }
            ByteBuffer handed;
            try {
                slot.parsed = GetRecordsCbor.parse(body, size);
                handed = EMPTY_MAP.duplicate();
            } catch (GetRecordsCbor.Unsupported e) {
                LOG.debug("A GetRecords response is left to the SDK to read: {}", e.getMessage());
                handed = ByteBuffer.wrap(body, 0, size);
            }
            body = null;
            // Demand is waiting: the body was only asked for once the SDK asked for data.
            downstream.onNext(handed);
            downstream.onComplete();
        }
    }
}
