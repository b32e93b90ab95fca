package io.icn.p2p;

import io.icn.p2p.internal.Varint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One Yamux stream: multistream-select on its first bytes, then the application's bytes, with the send window
 * (what the remote allows) and the receive window (credited back as the application reads).
 *
 * <p>Thread-safe as {@link P2pStream} promises: public methods hop onto the connection's event loop, where all
 * state lives; the package-private {@code on...} methods are called by {@link YamuxSession} on that loop.
 */
final class YamuxStream implements P2pStream {
    private enum Phase { OUT_HEADER, OUT_PROTOCOL, IN_HEADER, IN_PROPOSAL, OPEN }

    /** The most headroom a message read may ask for. */
    static final int MAX_HEADROOM = 1024;

    private final YamuxSession session;
    private final int id;
    private final boolean inbound;
    private final EventLoop loop;
    private final int maxWindowBytes;
    /** The receive window this stream grants: the initial one, doubled when the sender used it all (see credit). */
    private int windowBytes;
    /** Bytes of {@link #windowBytes} beyond the initial window, reserved from the session's growth budget. */
    private int grownBytes;
    /** Whether the sender used up the receive window since the last window update. */
    private boolean windowExhausted;
    private final ByteQueue received = new ByteQueue();
    private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
    private Phase phase;
    private String protocol = "";
    private int maxMessageBytes = 1;
    private int proposals;
    private CompletableFuture<P2pStream> opened;
    private long sendWindow = HostLimits.YAMUX_INITIAL_WINDOW;
    private long receiveWindow = HostLimits.YAMUX_INITIAL_WINDOW;
    private int credit;
    private boolean finQueued;
    private boolean finSent;
    private boolean remoteFin;
    private boolean readClosed;
    private boolean flushing;
    private boolean removed;
    private Throwable failure;
    private CompletableFuture<byte[]> pendingRead;
    private CompletableFuture<Optional<ByteBuffer>> pendingMessage;
    /** Free bytes the pending message read asked for before the message, in the same array. */
    private int messageHeadroom;
    /** The message being received (its headroom first), once its length prefix was read; null otherwise. */
    private byte[] message;
    /** The end of the message's bytes in {@link #message} received so far. */
    private int messageFill;

    YamuxStream(YamuxSession session, int id, boolean inbound, int windowBytes, int maxWindowBytes) {
        this.session = session;
        this.id = id;
        this.inbound = inbound;
        this.loop = session.eventLoop();
        this.windowBytes = windowBytes;
        this.maxWindowBytes = maxWindowBytes;
    }

    int id() {
        return id;
    }

    YamuxSession session() {
        return session;
    }

    /** What the remote may still send before the next window update (event loop). */
    long receiveWindow() {
        return receiveWindow;
    }

    /** The receive window granted now (event loop). */
    int windowBytes() {
        return windowBytes;
    }

    /** The window's growth beyond the initial window, held from the session's budget (event loop). */
    int grownBytes() {
        return grownBytes;
    }

    // ---- opening -------------------------------------------------------------------------------------------

    void open(String protocol, int maxMessageBytes, CompletableFuture<P2pStream> opened) {
        this.protocol = protocol;
        this.maxMessageBytes = maxMessageBytes;
        this.opened = opened;
        this.phase = Phase.OUT_HEADER;
        session.sendHeader(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.SYN, id, windowBytes - HostLimits.YAMUX_INITIAL_WINDOW);
        receiveWindow = windowBytes;
        send(Multistream.encode(Multistream.HEADER, protocol));
    }

    void accept() {
        phase = Phase.IN_HEADER;
        session.sendHeader(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.ACK, id, windowBytes - HostLimits.YAMUX_INITIAL_WINDOW);
        receiveWindow = windowBytes;
    }

    // ---- P2pStream -----------------------------------------------------------------------------------------

    @Override
    public PeerId remotePeer() {
        return session.connection().peerId;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public boolean isInbound() {
        return inbound;
    }

    @Override
    public Multiaddr remoteAddress() {
        return session.connection().remoteAddress;
    }

    @Override
    public CompletableFuture<Void> write(byte[] bytes) {
        byte[] copy = bytes.clone();
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(done, () -> enqueue(new PendingWrite(copy, done)));
        return done;
    }

    @Override
    public CompletableFuture<Void> writeMessage(byte[] bytes) {
        byte[] framed = new byte[Varint.size(bytes.length) + bytes.length];
        int at = Varint.write(bytes.length, framed, 0);
        System.arraycopy(bytes, 0, framed, at, bytes.length);
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(done, () -> enqueue(new PendingWrite(framed, done)));
        return done;
    }

    @Override
    public CompletableFuture<Void> writeMessageShared(ByteBuffer... parts) {
        long length = 0;
        ByteBuffer[] views = new ByteBuffer[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            views[i + 1] = parts[i].duplicate();
            length += views[i + 1].remaining();
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a message of " + length + " bytes cannot be written");
        }
        views[0] = ByteBuffer.wrap(Varint.encode(length));
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(done, () -> enqueue(new PendingWrite(views, done)));
        return done;
    }

    @Override
    public CompletableFuture<byte[]> read() {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        onLoop(result, () -> {
            if (!startRead(result)) {
                return;
            }
            pendingRead = result;
            serveReads();
        });
        return result;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> readMessage() {
        CompletableFuture<Optional<byte[]>> result = new CompletableFuture<>();
        readMessage(0).whenComplete((m, error) -> { // fails with the read's own exception, as P2pStream states
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(m.map(ByteBuffer::array));
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Optional<ByteBuffer>> readMessage(int headroom) {
        if (headroom < 0 || headroom > MAX_HEADROOM) {
            throw new IllegalArgumentException("headroom must be 0.." + MAX_HEADROOM + " bytes, got " + headroom);
        }
        CompletableFuture<Optional<ByteBuffer>> result = new CompletableFuture<>();
        onLoop(result, () -> {
            if (!startRead(result)) {
                return;
            }
            pendingMessage = result;
            messageHeadroom = headroom;
            serveReads();
        });
        return result;
    }

    @Override
    public CompletableFuture<Void> closeWrite() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(done, () -> closeWrite0(done));
        return done;
    }

    @Override
    public void reset() {
        onLoop(new CompletableFuture<Void>(), () -> resetLocally(new StreamResetException("stream " + this + " was reset locally")));
    }

    @Override
    public void close() {
        onLoop(new CompletableFuture<Void>(), () -> {
            if (failure != null) {
                return;
            }
            readClosed = true;
            credit(received.readable());
            received.clear();
            closeWrite0(new CompletableFuture<>());
        });
    }

    @Override
    public String toString() {
        return (inbound ? "in" : "out") + "#" + Integer.toUnsignedString(id) + " " + protocol + " with " + remotePeer();
    }

    // ---- from the session ----------------------------------------------------------------------------------

    void onData(ByteBuf payload) {
        int n = payload.readableBytes();
        if (n > receiveWindow) {
            resetLocally(new ProtocolViolationException("stream " + this + " received " + n + " bytes beyond its window of "
                    + receiveWindow));
            return;
        }
        receiveWindow -= n;
        if (receiveWindow <= windowBytes / 64) {
            windowExhausted = true;
        }
        if (readClosed || failure != null) {
            credit(n);
            return;
        }
        if (message != null && received.readable() == 0) {
            // the body of a message under way: straight from the frame into the message's array, not via the queue
            int direct = Math.min(n, message.length - messageFill);
            payload.getBytes(payload.readerIndex(), message, messageFill, direct);
            messageFill += direct;
            credit(direct);
            payload.skipBytes(direct);
        }
        if (payload.isReadable()) {
            received.append(payload);
        }
        process();
    }

    void onWindowUpdate(long delta) {
        sendWindow += delta;
        if (sendWindow > 0xFFFF_FFFFL) {
            resetLocally(new ProtocolViolationException("stream " + this + ": window updates exceed 2^32-1 bytes"));
            return;
        }
        flushWrites();
    }

    void onRemoteFin() {
        if (remoteFin) {
            return;
        }
        remoteFin = true;
        process();
        maybeRemove();
    }

    void onRemoteReset() {
        fail(new StreamResetException("stream " + this + " was reset by the peer"));
        session.removed(this);
    }

    void onConnectionClosed(String why) {
        if (failure == null && !(finSent && remoteFin)) {
            fail(new StreamResetException(why));
        }
        removed = true;
    }

    void resetLocally(Throwable cause) {
        if (failure != null || removed) {
            if (failure == null) {
                fail(cause);
            }
            return;
        }
        fail(cause);
        session.sendHeader(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.RST, id, 0);
        session.flush();
        session.removed(this);
        removed = true;
    }

    // ---- internals -----------------------------------------------------------------------------------------

    private boolean startRead(CompletableFuture<?> result) {
        if (pendingRead != null || pendingMessage != null) {
            result.completeExceptionally(new IllegalStateException("a read is already outstanding on stream " + this));
            return false;
        }
        if (failure != null) {
            result.completeExceptionally(failure);
            return false;
        }
        if (readClosed) {
            result.completeExceptionally(new IllegalStateException("stream " + this + " was closed for reading"));
            return false;
        }
        return true;
    }

    private void process() {
        if (phase != Phase.OPEN) {
            negotiate();
        }
        if (phase == Phase.OPEN) {
            serveReads();
        }
    }

    private void negotiate() {
        while (phase != Phase.OPEN && failure == null) {
            ByteBuffer view = received.view();
            int before = view.position();
            String msg;
            try {
                msg = Multistream.read(view);
            } catch (ProtocolViolationException e) {
                resetLocally(e);
                return;
            }
            if (msg == null) {
                if (remoteFin) {
                    resetLocally(new ProtocolViolationException("stream " + this + " ended during multistream-select"));
                }
                return;
            }
            int used = view.position() - before;
            received.skip(used);
            credit(used);
            switch (phase) {
                case OUT_HEADER, IN_HEADER -> {
                    if (!Multistream.HEADER.equals(msg)) {
                        resetLocally(new ProtocolViolationException("stream " + this + ": expected " + Multistream.HEADER
                                + ", got '" + msg + "'"));
                        return;
                    }
                    if (phase == Phase.IN_HEADER) {
                        send(Multistream.encode(Multistream.HEADER));
                        phase = Phase.IN_PROPOSAL;
                    } else {
                        phase = Phase.OUT_PROTOCOL;
                    }
                }
                case OUT_PROTOCOL -> {
                    if (msg.equals(protocol)) {
                        phase = Phase.OPEN;
                        opened.complete(this);
                    } else if (Multistream.NA.equals(msg)) {
                        resetLocally(new NoSuchProtocolException("peer " + remotePeer() + " does not serve " + protocol));
                    } else {
                        resetLocally(new ProtocolViolationException("stream " + this + ": proposed " + protocol
                                + ", the peer answered '" + msg + "'"));
                    }
                }
                case IN_PROPOSAL -> {
                    ProtocolBinding binding = session.binding(msg);
                    if (binding != null) {
                        protocol = msg;
                        maxMessageBytes = binding.maxMessageBytes();
                        send(Multistream.encode(msg));
                        phase = Phase.OPEN;
                        session.dispatch(this, binding);
                    } else if (++proposals > Multistream.MAX_PROPOSALS) {
                        resetLocally(new ProtocolViolationException("stream " + this + ": more than "
                                + Multistream.MAX_PROPOSALS + " unsupported proposals"));
                    } else {
                        send(Multistream.encode(Multistream.NA));
                    }
                }
                default -> throw new IllegalStateException("negotiating in phase " + phase);
            }
        }
    }

    private void serveReads() {
        if (pendingRead != null) {
            if (received.readable() > 0) {
                byte[] bytes = received.takeAll();
                credit(bytes.length);
                complete(bytes);
            } else if (remoteFin) {
                complete(new byte[0]);
            }
        }
        if (pendingMessage != null) {
            serveMessage();
        }
    }

    private void complete(byte[] bytes) {
        CompletableFuture<byte[]> read = pendingRead;
        pendingRead = null;
        read.complete(bytes);
    }

    private void serveMessage() {
        if (message == null) {
            ByteBuffer view = received.view();
            long length;
            try {
                length = Varint.peek(view, view.position(), view.limit());
            } catch (ProtocolViolationException e) {
                resetLocally(new ProtocolViolationException("stream " + this + ": bad message length prefix: " + e.getMessage(), e));
                return;
            }
            if (length == Varint.INCOMPLETE) {
                if (remoteFin) {
                    if (received.readable() == 0) {
                        completeMessage(Optional.empty());
                    } else {
                        resetLocally(new ProtocolViolationException("stream " + this + " ended inside a message length prefix"));
                    }
                }
                return;
            }
            if (length > maxMessageBytes) {
                resetLocally(new MessageTooLargeException("message of " + length + " bytes on " + protocol + " from "
                        + remotePeer() + " exceeds the limit of " + maxMessageBytes));
                return;
            }
            int prefix = Varint.size(length);
            received.skip(prefix);
            credit(prefix);
            message = new byte[messageHeadroom + (int) length];
            messageFill = messageHeadroom;
        }
        int n = received.take(message, messageFill, message.length - messageFill);
        messageFill += n;
        credit(n);
        if (messageFill == message.length) {
            ByteBuffer done = ByteBuffer.wrap(message, messageHeadroom, message.length - messageHeadroom);
            message = null;
            completeMessage(Optional.of(done));
        } else if (remoteFin) {
            resetLocally(new ProtocolViolationException("stream " + this + " ended " + (messageFill - messageHeadroom)
                    + " bytes into a message of " + (message.length - messageHeadroom)));
        }
    }

    private void completeMessage(Optional<ByteBuffer> value) {
        CompletableFuture<Optional<ByteBuffer>> read = pendingMessage;
        pendingMessage = null;
        read.complete(value);
    }

    private void credit(int n) {
        if (n <= 0 || failure != null || removed) {
            return;
        }
        credit += n;
        if (credit >= windowBytes / 2 && !remoteFin) {
            int growth = 0;
            if (windowExhausted && windowBytes < maxWindowBytes) {
                // the sender had more than the window allowed: double it, as far as the connection's budget goes
                growth = session.reserveWindowGrowth(Math.min(windowBytes, maxWindowBytes - windowBytes));
                windowBytes += growth;
                grownBytes += growth;
            }
            windowExhausted = false;
            session.sendHeader(YamuxSession.TYPE_WINDOW_UPDATE, 0, id, (long) credit + growth);
            receiveWindow += credit + growth;
            credit = 0;
            session.flush();
        }
    }

    private void send(byte[] bytes) {
        enqueue(new PendingWrite(bytes, new CompletableFuture<>()));
    }

    private void enqueue(PendingWrite write) {
        if (failure != null) {
            write.done.completeExceptionally(failure);
            return;
        }
        if (finQueued) {
            write.done.completeExceptionally(new IllegalStateException("write after closeWrite on stream " + this));
            return;
        }
        writes.add(write);
        flushWrites();
    }

    private void closeWrite0(CompletableFuture<Void> done) {
        if (failure != null) {
            done.completeExceptionally(failure);
            return;
        }
        if (finQueued) {
            done.complete(null);
            return;
        }
        finQueued = true;
        writes.add(new PendingWrite((ByteBuffer[]) null, done));
        flushWrites();
    }

    void flushWrites() {
        if (flushing || failure != null) {
            return;
        }
        flushing = true;
        boolean wrote = false;
        try {
            while (!writes.isEmpty() && failure == null && session.isWritable()) {
                PendingWrite w = writes.peek();
                if (w.data == null) {
                    session.sendHeader(YamuxSession.TYPE_WINDOW_UPDATE, YamuxSession.FIN, id, 0);
                    wrote = true;
                    finSent = true;
                    writes.poll();
                    w.done.complete(null);
                    continue;
                }
                ByteBuffer part = w.current();
                if (part != null) {
                    int n = (int) Math.min(Math.min(part.remaining(), sendWindow), YamuxSession.MAX_DATA_FRAME);
                    if (n == 0) {
                        break;
                    }
                    session.sendData(id, 0, part, n);
                    wrote = true;
                    sendWindow -= n;
                }
                if (w.current() == null) {
                    writes.poll();
                    w.done.complete(null);
                }
            }
        } finally {
            flushing = false;
        }
        if (wrote) {
            session.flush();
        }
        maybeRemove();
    }

    private void maybeRemove() {
        if (!removed && finSent && remoteFin && writes.isEmpty()) {
            removed = true;
            session.removed(this);
        }
    }

    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        received.clear();
        message = null;
        if (opened != null && !opened.isDone()) {
            opened.completeExceptionally(cause);
        }
        CompletableFuture<byte[]> read = pendingRead;
        pendingRead = null;
        if (read != null) {
            read.completeExceptionally(cause);
        }
        CompletableFuture<Optional<ByteBuffer>> msg = pendingMessage;
        pendingMessage = null;
        if (msg != null) {
            msg.completeExceptionally(cause);
        }
        while (!writes.isEmpty()) {
            writes.poll().done.completeExceptionally(cause);
        }
    }

    private void onLoop(CompletableFuture<?> result, Runnable action) {
        Runnable guarded = () -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        };
        if (loop.inEventLoop()) {
            guarded.run();
            return;
        }
        try {
            loop.execute(guarded);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new HostClosedException("the host of stream " + this + " is closed", e));
        }
    }

    /**
     * Bytes waiting for the send window, in one or more parts sent in order (each buffer's position advances as
     * it is sent), or the end of stream ({@code data == null}).
     */
    private static final class PendingWrite {
        final ByteBuffer[] data;
        final CompletableFuture<Void> done;
        private int part;

        PendingWrite(byte[] data, CompletableFuture<Void> done) {
            this(new ByteBuffer[] {ByteBuffer.wrap(data)}, done);
        }

        PendingWrite(ByteBuffer[] data, CompletableFuture<Void> done) {
            this.data = data;
            this.done = done;
        }

        /** The first part with bytes left to send, or null when all are sent. */
        ByteBuffer current() {
            while (part < data.length && !data[part].hasRemaining()) {
                part++;
            }
            return part < data.length ? data[part] : null;
        }
    }
}
