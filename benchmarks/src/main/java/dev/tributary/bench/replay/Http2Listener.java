package dev.tributary.bench.replay;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The replay endpoint in HTTP/2 over cleartext, with prior knowledge, as the KCL's client speaks it:
 * {@code KinesisClientUtil} builds its Netty client with {@code Protocol.HTTP2}, which on an
 * {@code http://} endpoint sends the HTTP/2 preface at once, and the JDK's server answers HTTP/1.1
 * only. Each stream's request is answered by the same {@link ReplayServer#answer} as over HTTP/1.1,
 * on the server's worker threads, so that one connection multiplexing every shard is not served by
 * one event loop.
 */
final class Http2Listener implements AutoCloseable {
    /** The KCL asks for up to 10,000 records of up to 1 MiB: a request is small, a response is not read here. */
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final EventLoopGroup loops;
    private final Channel channel;
    private final URI endpoint;

    private Http2Listener(EventLoopGroup loops, Channel channel) {
        this.loops = loops;
        this.channel = channel;
        this.endpoint = URI.create("http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort());
    }

    /**
     * Listens on 127.0.0.1 at a free port.
     *
     * @param server answers each request
     * @param workers where requests are answered
     * @param threads makes the event loops' threads, so that the server counts their CPU
     */
    static Http2Listener start(ReplayServer server, Executor workers, ThreadFactory threads) throws InterruptedException {
        requireNonNull(server, "server is null");
        requireNonNull(workers, "workers is null");
        EventLoopGroup loops = new NioEventLoopGroup(1, threads);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel connection) {
                        connection.pipeline().addLast(
                                Http2FrameCodecBuilder.forServer()
                                        .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000))
                                        .build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                                new RequestHandler(server, workers));
                                    }
                                }));
                    }
                });
        try {
            Channel channel = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            return new Http2Listener(loops, channel);
        } catch (InterruptedException | RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}: an endpoint for clients that speak HTTP/2 only. */
    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        channel.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Answers one stream's request, which the codecs above hand over whole. */
    private static final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ReplayServer server;
        private final Executor workers;

        RequestHandler(ReplayServer server, Executor workers) {
            this.server = server;
            this.workers = workers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String target = request.headers().get("X-Amz-Target");
            String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            byte[] body = ByteBufUtil.getBytes(request.content());
            try {
                workers.execute(() -> {
                    ReplayServer.Answer answer = server.answer(target, contentType, body);
                    // A copy: the body may be the worker's reused buffer, and HTTP/2 flow control may hold a
                    // large response back until the client opens its window.
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.valueOf(answer.status()),
                            Unpooled.copiedBuffer(answer.body().bytes(), 0, answer.body().length()));
                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length())
                            .set("x-amzn-RequestId", UUID.randomUUID().toString());
                    if (answer.errorType() != null) {
                        response.headers().set("x-amzn-ErrorType", answer.errorType());
                    }
                    ctx.writeAndFlush(response);
                });
            } catch (RejectedExecutionException e) {
                ctx.close(); // the server is closing
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
