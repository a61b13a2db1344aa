package dev.tributary.testing.services;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on the loopback address that forwards bytes to a service (PostgreSQL, say) and,
 * on demand, takes the service away without touching it: {@link #cut} drops every open
 * connection and refuses or black-holes new ones until {@link #heal}. The service itself keeps
 * running for everyone else on the machine.
 *
 * <p>Thread-safe. One thread per direction of each connection; meant for a handful of
 * connections in tests, not for load.
 */
public final class TcpFaultProxy implements AutoCloseable {
    /** What a connection opened during an outage meets. */
    public enum Outage {
        /** It is accepted and closed at once: the client sees the peer hang up. */
        REFUSE,
        /** It is accepted and then nothing: no byte goes either way until the client gives up or the outage ends. */
        BLACK_HOLE
    }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Link> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger turnedAway = new AtomicInteger();
    private volatile Outage outage;
    private volatile boolean closed;

    /** One proxied connection: the client's socket and ours to the service. */
    private record Link(Socket client, Socket service) {
        void close() {
            closeQuietly(client);
            closeQuietly(service);
        }
    }

    private TcpFaultProxy(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** Starts a proxy on a free loopback port that forwards to {@code host:port}. */
    public static TcpFaultProxy start(String host, int port) {
        requireNonNull(host, "host is null");
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            TcpFaultProxy proxy = new TcpFaultProxy(server, new InetSocketAddress(host, port));
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a port for the TCP proxy to " + host + ":" + port, e);
        }
    }

    /** The port that clients should connect to instead of the service's. */
    public int port() {
        return server.getLocalPort();
    }

    /** Drops every open connection, and treats new ones as {@code how} says until {@link #heal}. */
    public void cut(Outage how) {
        outage = requireNonNull(how, "how is null");
        for (Link link : open) {
            if (open.remove(link)) {
                dropped.incrementAndGet();
                link.close();
            }
        }
    }

    /** Forwards new connections again; connections black-holed meanwhile are closed, so their clients retry. */
    public void heal() {
        outage = null;
        for (Socket socket : held) {
            closeQuietly(socket);
        }
        held.clear();
    }

    /** Whether an outage is in force. */
    public boolean isCut() {
        return outage != null;
    }

    /** Connections accepted so far, including those refused or black-holed. */
    public int accepted() {
        return accepted.get();
    }

    /** Open connections that {@link #cut} dropped, in all. */
    public int dropped() {
        return dropped.get();
    }

    /** New connections refused or black-holed during outages, in all. */
    public int turnedAway() {
        return turnedAway.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    SharedServices.log("TCP proxy to %s stopped accepting: %s", upstream, e);
                }
                return;
            }
            accepted.incrementAndGet();
            Outage now = outage;
            if (now == Outage.REFUSE) {
                turnedAway.incrementAndGet();
                closeQuietly(client);
            } else if (now == Outage.BLACK_HOLE) {
                turnedAway.incrementAndGet();
                held.add(client);
            } else {
                threads.execute(() -> connect(client));
            }
        }
    }

    private void connect(Socket client) {
        Socket service = new Socket();
        try {
            service.connect(upstream, 5_000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(service);
            return;
        }
        Link link = new Link(client, service);
        open.add(link);
        // A cut that came while connecting must not leave this pair forwarding.
        if (outage != null && open.remove(link)) {
            dropped.incrementAndGet();
            link.close();
            return;
        }
        threads.execute(() -> pump(link, client, service));
        threads.execute(() -> pump(link, service, client));
    }

    /** Copies bytes from one side to the other; when either side ends, both are closed. */
    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // Closed by a cut, or by either peer: the other direction ends too.
        } catch (IOException e) {
            // The same: a broken connection ends both directions.
        } finally {
            open.remove(link);
            link.close();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            // RST rather than FIN, as a middlebox that drops a connection would look to the client.
            if (!socket.isClosed() && socket.isConnected()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public String toString() {
        return "TcpFaultProxy[127.0.0.1:" + port() + " -> " + upstream + ", " + (outage == null ? "forwarding" : outage)
                + ", accepted " + accepted + ", dropped " + dropped + ", turned away " + turnedAway + "]";
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        heal();
        open.forEach(Link::close);
        open.clear();
        threads.shutdownNow();
    }
}
