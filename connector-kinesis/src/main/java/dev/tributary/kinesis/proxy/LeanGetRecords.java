package dev.tributary.kinesis.proxy;

import java.nio.ByteBuffer;
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
 * <p>Memory: a body is held once, in pieces of {@link ChunkedBody#CHUNK} bytes taken from a small
 * pool, until its records are read (on the thread that received its end), and the pieces go back to
 * the pool at once. No piece is one that G1 has to treat as humongous: a 1 MB body in one array
 * would be, allocated straight into the old generation, where each such allocation can start a
 * concurrent cycle or grow the heap. The SDK would hold the body as well, in a growing buffer.
 */
public final class LeanGetRecords implements ExecutionInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(LeanGetRecords.class);
    /** The request attribute that asks for, and receives, the records of one GetRecords call. */
    public static final ExecutionAttribute<Slot> SLOT = new ExecutionAttribute<>("tributary.GetRecords.slot");

    private static final String CBOR = "application/x-amz-cbor-1.1";
    private static final ByteBuffer EMPTY_MAP = ByteBuffer.wrap(new byte[] {(byte) 0xA0}).asReadOnlyBuffer();
    /** The largest body collected: Kinesis sends at most 10 MB. */
    private static final int MAX_BODY = 256 * 1024 * 1024;

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
        return Optional.of(new Rewritten(body.get(), slot));
    }

    private static boolean isCbor(SdkHttpResponse response) {
        return response.firstMatchingHeader("Content-Type")
                .map(type -> type.toLowerCase(Locale.ROOT).startsWith(CBOR))
                .orElse(false);
    }

    /**
     * The body the SDK reads: nothing until the real body has been received whole, then one buffer,
     * an empty map or the real body, then the end. The SDK asks for data before anything is sent,
     * so that buffer always has demand waiting for it.
     */
    private static final class Rewritten implements Publisher<ByteBuffer> {
        private final Publisher<ByteBuffer> upstream;
        private final Slot slot;
        private final AtomicBoolean subscribed = new AtomicBoolean();

        Rewritten(Publisher<ByteBuffer> upstream, Slot slot) {
            this.upstream = upstream;
            this.slot = slot;
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
            upstream.subscribe(new Collector(downstream, slot));
        }
    }

    private static final class Collector implements Subscriber<ByteBuffer> {
        private final Subscriber<? super ByteBuffer> downstream;
        private final Slot slot;
        private final AtomicBoolean started = new AtomicBoolean();
        private Subscription upstream;
        private final ChunkedBody body = new ChunkedBody();
        private boolean failed;

        Collector(Subscriber<? super ByteBuffer> downstream, Slot slot) {
            this.downstream = downstream;
            this.slot = slot;
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
                    // The body's pieces are not handed back here: a cancel can come from another
                    // thread while a piece is being written; they are left to the collector.
                    subscription.cancel();
                }
            });
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (failed) {
                return;
            }
            if ((long) body.size() + buffer.remaining() > MAX_BODY) {
                failed = true;
                body.release();
                upstream.cancel();
                downstream.onError(new IllegalStateException("a GetRecords response of more than "
                        + MAX_BODY / (1024 * 1024) + " MiB; Kinesis sends at most 10 MB"));
                return;
            }
            body.append(buffer);
        }

        @Override
        public void onError(Throwable error) {
            body.release();
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
                slot.parsed = GetRecordsCbor.parse(body.reader());
                handed = EMPTY_MAP.duplicate();
            } catch (GetRecordsCbor.Unsupported e) {
                LOG.debug("A GetRecords response is left to the SDK to read: {}", e.getMessage());
                handed = ByteBuffer.wrap(body.toArray());
            } finally {
                body.release();
            }
            // Demand is waiting: the body was only asked for once the SDK asked for data.
            downstream.onNext(handed);
            downstream.onComplete();
        }
    }
}
