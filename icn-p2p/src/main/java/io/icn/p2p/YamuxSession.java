package io.icn.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Yamux 1.0 over a secured connection: parses the 12-byte frames (version, type, flags, stream id, length),
 * runs the streams ({@link YamuxStream}) with their windows, answers pings, and sends go-away on close or on a
 * protocol error. The dialer's streams have odd ids, the listener's even ones.
 *
 * <p>A frame that breaks the protocol (unknown version or type, a data frame over the window, a SYN for an open
 * stream or with the wrong parity) sends go-away (protocol error) and fails with
 * {@link ProtocolViolationException}; the connection's guard then closes the channel, which resets every stream.
 *
 * <p>Not thread-safe: confined to the channel's event loop (streams hop onto it).
 */
final class YamuxSession extends ByteToMessageDecoder {
    static final int HEADER_BYTES = 12;
    static final int TYPE_DATA = 0;
    static final int TYPE_WINDOW_UPDATE = 1;
    static final int TYPE_PING = 2;
    static final int TYPE_GO_AWAY = 3;
    static final int SYN = 1;
    static final int ACK = 2;
    static final int FIN = 4;
    static final int RST = 8;
    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;
    /** Largest data payload this side sends in one frame: header and payload fill one Noise frame. */
    static final int MAX_DATA_FRAME = NoiseTransportCodec.MAX_PLAINTEXT - HEADER_BYTES;

    private final Connection connection;
    private final boolean client;
    private final HostLimits limits;
    private final Function<String, ProtocolBinding> bindings;
    private final Map<Integer, YamuxStream> streams = new HashMap<>();
    private ChannelHandlerContext ctx;
    private long nextStreamId;
    private int inboundStreams;
    private int outboundStreams;
    private boolean goAwayReceived;
    private boolean goAwaySent;
    private boolean closed;
    private long windowGrowth;

    YamuxSession(Connection connection, boolean client, HostLimits limits, Function<String, ProtocolBinding> bindings) {
        this.connection = connection;
        this.client = client;
        this.limits = limits;
        this.bindings = bindings;
        this.nextStreamId = client ? 1 : 2;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    Connection connection() {
        return connection;
    }

    HostLimits limits() {
        return limits;
    }

    io.netty.channel.EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /** Opens a stream and negotiates {@code protocol} on it. Call on the event loop. */
    CompletableFuture<P2pStream> open(String protocol) {
        CompletableFuture<P2pStream> opened = new CompletableFuture<>();
        if (closed || goAwaySent || goAwayReceived || !ctx.channel().isActive()) {
            opened.completeExceptionally(new HostClosedException("the connection to " + connection.peerId + " is closing"));
            return opened;
        }
        if (outboundStreams >= limits.maxStreamsPerPeer()) {
            opened.completeExceptionally(new LimitExceededException("already " + outboundStreams + " streams open to "
                    + connection.peerId + " (maxStreamsPerPeer " + limits.maxStreamsPerPeer() + ")"));
            return opened;
        }
        if (nextStreamId > 0xFFFF_FFFFL) {
            opened.completeExceptionally(new HostClosedException("stream ids to " + connection.peerId + " are exhausted"));
            return opened;
        }
        int id = (int) nextStreamId;
        nextStreamId += 2;
        YamuxStream stream = new YamuxStream(this, id, false, limits.streamWindowBytes(), limits.maxStreamWindowBytes());
        streams.put(id, stream);
        outboundStreams++;
        stream.open(protocol, limits.maxInboundMessageBytes(protocol), opened);
        return opened;
    }

    ProtocolBinding binding(String protocol) {
        return bindings.apply(protocol);
    }

    void dispatch(YamuxStream stream, ProtocolBinding binding) {
        try {
            binding.handler().handle(stream);
        } catch (RuntimeException e) {
            stream.resetLocally(new StreamResetException("the handler of " + stream.protocol() + " failed: " + e, e));
        }
    }

    /**
     * Reserves up to {@code bytes} of the connection's window-growth budget ({@link HostLimits#connectionWindowBytes()})
     * for a stream; returns what was granted (0 when spent). Event loop.
     */
    int reserveWindowGrowth(int bytes) {
        int granted = (int) Math.max(0, Math.min(bytes, limits.connectionWindowBytes() - windowGrowth));
        windowGrowth += granted;
        return granted;
    }

    /** The growth budget in use by open streams. Event loop. */
    long windowGrowth() {
        return windowGrowth;
    }

    void removed(YamuxStream stream) {
        if (streams.remove(stream.id(), stream)) {
            windowGrowth -= stream.grownBytes();
            if (stream.isInbound()) {
                inboundStreams--;
            } else {
                outboundStreams--;
            }
        }
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    void sendHeader(int type, int flags, int streamId, long length) {
        if (closed) {
            return;
        }
        ByteBuf frame = ctx.alloc().buffer(HEADER_BYTES);
        writeHeader(frame, type, flags, streamId, length);
        ctx.write(frame, ctx.voidPromise());
    }

    /** Sends the next {@code length} bytes of {@code data} (its position advances past them) in one data frame. */
    void sendData(int streamId, int flags, ByteBuffer data, int length) {
        if (closed) {
            return;
        }
        ByteBuf frame = ctx.alloc().buffer(HEADER_BYTES + length);
        writeHeader(frame, TYPE_DATA, flags, streamId, length);
        int limit = data.limit();
        data.limit(data.position() + length);
        frame.writeBytes(data);
        data.limit(limit);
        ctx.write(frame, ctx.voidPromise());
    }

    void flush() {
        if (!closed) {
            ctx.flush();
        }
    }

    /** Sends go-away (normal): the remote should open no more streams. Idempotent. */
    void goAway() {
        if (!goAwaySent && !closed && ctx.channel().isActive()) {
            goAwaySent = true;
            sendHeader(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL);
            flush();
        }
    }

    static void writeHeader(ByteBuf frame, int type, int flags, int streamId, long length) {
        frame.writeByte(0).writeByte(type).writeShort(flags).writeInt(streamId).writeInt((int) length);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!closed && in.readableBytes() >= HEADER_BYTES) {
            int at = in.readerIndex();
            int version = in.getUnsignedByte(at);
            int type = in.getUnsignedByte(at + 1);
            int flags = in.getUnsignedShort(at + 2);
            int id = in.getInt(at + 4);
            long length = in.getUnsignedInt(at + 8);
            if (version != 0) {
                throw protocolError("frame of version " + version + " (only 0 exists)");
            }
            switch (type) {
                case TYPE_DATA -> {
                    // what the sender may send now: the open stream's remaining window, a new stream's initial one
                    YamuxStream open = streams.get(id);
                    long window = open != null ? open.receiveWindow()
                            : (flags & SYN) != 0 ? HostLimits.YAMUX_INITIAL_WINDOW : limits.maxStreamWindowBytes();
                    if (length > window) {
                        throw protocolError("data frame of " + length + " bytes on stream " + id + " exceeds the window of "
                                + window);
                    }
                    if (in.readableBytes() < HEADER_BYTES + length) {
                        return;
                    }
                    in.skipBytes(HEADER_BYTES);
                    ByteBuf payload = in.readSlice((int) length);
                    YamuxStream stream = stream(id, flags);
                    if (stream != null) {
                        stream.onData(payload);
                        endFlags(stream, flags);
                    }
                }
                case TYPE_WINDOW_UPDATE -> {
                    in.skipBytes(HEADER_BYTES);
                    YamuxStream stream = stream(id, flags);
                    if (stream != null) {
                        stream.onWindowUpdate(length);
                        endFlags(stream, flags);
                    }
                }
                case TYPE_PING -> {
                    in.skipBytes(HEADER_BYTES);
                    if ((flags & SYN) != 0) {
                        sendHeader(TYPE_PING, ACK, 0, length);
                    }
                }
                case TYPE_GO_AWAY -> {
                    in.skipBytes(HEADER_BYTES);
                    goAwayReceived = true;
                }
                default -> throw protocolError("frame of unknown type " + type);
            }
        }
        if (closed) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void endFlags(YamuxStream stream, int flags) {
        if ((flags & RST) != 0) {
            stream.onRemoteReset();
        } else if ((flags & FIN) != 0) {
            stream.onRemoteFin();
        }
    }

    private YamuxStream stream(int id, int flags) {
        if (id == 0) {
            throw protocolError("data or window update frame on stream 0");
        }
        YamuxStream stream = streams.get(id);
        if ((flags & SYN) == 0) {
            return stream;
        }
        if (stream != null) {
            throw protocolError("SYN for stream " + Integer.toUnsignedString(id) + ", which is open");
        }
        boolean remoteParity = client == ((id & 1) == 0);
        if (!remoteParity) {
            throw protocolError("the remote opened stream " + Integer.toUnsignedString(id) + " with this side's parity");
        }
        if ((flags & RST) != 0) {
            return null;
        }
        if (goAwaySent || inboundStreams >= limits.maxStreamsPerPeer()) {
            sendHeader(TYPE_WINDOW_UPDATE, RST, id, 0);
            return null;
        }
        YamuxStream accepted = new YamuxStream(this, id, true, limits.streamWindowBytes(), limits.maxStreamWindowBytes());
        streams.put(id, accepted);
        inboundStreams++;
        accepted.accept();
        return accepted;
    }

    private ProtocolViolationException protocolError(String what) {
        if (!closed && ctx.channel().isActive()) {
            sendHeader(TYPE_GO_AWAY, 0, 0, GO_AWAY_PROTOCOL_ERROR);
            ctx.flush();
        }
        closed = true;
        resetAll("the connection to " + connection.peerId + " broke Yamux: " + what);
        return new ProtocolViolationException("Yamux from " + connection.peerId + ": " + what);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        flush();
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            for (YamuxStream stream : new ArrayList<>(streams.values())) {
                stream.flushWrites();
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        resetAll("the connection to " + connection.peerId + " closed");
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        closed = true;
        resetAll("the connection to " + connection.peerId + " closed");
    }

    private void resetAll(String why) {
        List<YamuxStream> all = new ArrayList<>(streams.values());
        streams.clear();
        inboundStreams = 0;
        outboundStreams = 0;
        for (YamuxStream stream : all) {
            stream.onConnectionClosed(why);
        }
    }
}
