package io.icn.chain.substrate;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback WebSocket forwarder in front of chopsticks: the endpoint address a client keeps while the chain process
 * behind it is killed and another started ({@link #retarget}), and a way to hold finality back: while
 * {@link #hold(boolean) held}, it drops the endpoint's {@code chain_finalizedHead} notifications (the finalized-heads subscription), and
 * forwards everything else. chopsticks finalizes every block it makes, so this is how a test gets a client whose best
 * block runs ahead of its finalized one, as on a real chain. Server-to-client frames are parsed (RFC 6455: text
 * frames, unfragmented, as chopsticks sends them); client-to-server bytes pass through untouched. A connection
 * accepted while nothing listens at the target is closed at once (to the client, the endpoint is down).
 *
 * <p>Thread-safe; one thread per direction per connection.
 */
public final class EndpointProxy implements AutoCloseable {
    private static final byte[] FINALIZED = "\"chain_finalizedHead\"".getBytes(StandardCharsets.US_ASCII);
    private volatile int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile boolean held;

    public EndpointProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "finality-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "ws://127.0.0.1:" + server.getLocalPort();
    }

    /** Forwards new connections to {@code port} from now on (connections open now stay where they are). */
    public void retarget(int port) {
        targetPort = port;
    }

    /** While true, finalized-head notifications are dropped. */
    public void hold(boolean hold) {
        held = hold;
    }

    /** How many finalized-head notifications were dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException down) {
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                start(() -> pipe(client, upstream), "finality-proxy-up");
                start(() -> frames(upstream, client), "finality-proxy-down");
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the other direction or close() ends the pair
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void frames(Socket from, Socket to) {
        try (DataInputStream in = new DataInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
            // The HTTP upgrade response, up to its blank line.
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException();
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            out.write(head.toByteArray());
            out.flush();
            while (true) {
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                frame.write(b0);
                frame.write(b1);
                long len = b1 & 0x7f;
                if (len == 126) {
                    int l = in.readUnsignedShort();
                    frame.write(l >>> 8);
                    frame.write(l);
                    len = l;
                } else if (len == 127) {
                    len = in.readLong();
                    for (int i = 7; i >= 0; i--) {
                        frame.write((int) (len >>> (8 * i)));
                    }
                }
                if ((b1 & 0x80) != 0) {
                    byte[] mask = new byte[4];
                    in.readFully(mask);
                    frame.write(mask);
                }
                byte[] payload = new byte[Math.toIntExact(len)];
                in.readFully(payload);
                boolean finalText = (b0 & 0x80) != 0 && (b0 & 0x0f) == 1 && (b1 & 0x80) == 0;
                if (held && finalText && contains(payload, FINALIZED)) {
                    dropped.incrementAndGet();
                    continue;
                }
                frame.write(payload);
                out.write(frame.toByteArray());
                out.flush();
            }
        } catch (IOException ignored) {
            // end of either side
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(EndpointProxy::closeQuietly);
    }
}
