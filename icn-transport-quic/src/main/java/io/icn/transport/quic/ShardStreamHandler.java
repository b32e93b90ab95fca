package io.icn.transport.quic;

import io.icn.storage.ChunkMeta;
import io.icn.storage.CorruptShardException;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardNotFoundException;
import io.icn.storage.StorageException;
import io.icn.storage.StorageFullException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Serves the one request of a QUIC stream: admission (per-client rate, per-connection streams, global
 * concurrency), the store look-up on the disk executor, the response header, and for a GET the body,
 * streamed chunk by chunk with backpressure and the client's bandwidth budget.
 *
 * <h2>PUT</h2>
 * Before admission a PUT must find a {@link ChunkSink}, come from a connection whose client certificate is an
 * ingest client, and announce no more than {@link ServerConfig#maxPutBytes()}; after admission its length is
 * reserved in the {@link IngestBudget} (or it gets {@code BUSY}). Its body then collects in an
 * {@link IncomingChunk}; at the client's FIN the bytes must be exactly the announced length and hash to the
 * requested CID, and only then are they handed to the sink on the disk executor. The answer waits for the sink.
 *
 * <h2>Streaming</h2>
 * At most one read is asked for, being read or waiting for tokens at a time. A read is asked for only when
 * the stream {@linkplain io.netty.channel.Channel#isWritable() is writable}, i.e. QUIC has room for more
 * of this stream (flow- and congestion-control), and is sized to that room (at least 32 KiB, at most
 * {@link ServerConfig#chunkSize()}); {@link #channelWritabilityChanged} resumes it. It waits for the client's own
 * cap, if any, then for its turn in the node's {@link FairEgress}; each grant is given back once its bytes are
 * handed to QUIC.
 *
 * <h2>Buffer ownership</h2>
 * Each chunk buffer is allocated (pooled) on the disk executor, handed to the event loop, and written to the
 * stream, which releases it; if the stream finished meanwhile the event loop releases it instead. A GET's
 * header buffer is held until the first read, copied into that read's buffer on the disk executor and
 * released there (or released by {@code finish}); other header buffers come from {@link Frames} and are
 * released by the write. Decoded requests hold no buffers; the PUT
 * body buffers that follow a PUT frame go to the {@link IncomingChunk}, which releases them, or are released
 * here at once when no PUT is being received.
 *
 * <h2>Threading</h2>
 * Event-loop confined; disk work is submitted to the context's disk executor and its results are
 * re-submitted to the event loop.
 */
final class ShardStreamHandler extends ChannelInboundHandlerAdapter {

    /** The smallest read worth a disk round trip when the stream has less room than that. */
    private static final int MIN_READ = 32 * 1024;

    private final ServingContext context;
    private final ServerMetrics metrics;
    private ChannelHandlerContext ctx;
    private ConnectionState connection;
    private ScheduledFuture<?> headerTimer;
    private ScheduledFuture<?> deadlineTimer;
    private boolean requestSeen;
    private boolean admitted;
    private boolean headerSent;
    private boolean finished;
    private boolean diskBusy;
    private boolean throttled;
    private ShardSource source;
    /** A source opened on the disk executor and not yet taken over by the event loop. */
    private volatile ShardSource opening;
    private long position;
    private long end;
    private long admittedAt;
    private boolean firstByteSent;
    /** A request for read bytes waiting in the node's {@link FairEgress}; {@code null} when none waits. */
    private FairEgress.Ticket ticket;
    /** The response header of a GET, until it leaves with the first body bytes. */
    private ByteBuf pendingHeader;
    /** The body of an admitted PUT until it is handed to the sink or dropped. */
    private IncomingChunk incoming;
    /** The fingerprint of the client certificate of an authorised PUT. */
    private String putClient;

    private final ResponseFormat format;

    /**
     * @param format how responses are worded: {@link ResponseFormat#BINARY} for the frames of the protocol,
     *     {@link ResponseFormat#LEGACY} for a text request of the original network
     */
    ShardStreamHandler(ServingContext context, ResponseFormat format) {
        this.context = context;
        this.metrics = context.metrics();
        this.format = Objects.requireNonNull(format, "format");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connection = ctx.channel().parent().attr(ConnectionState.KEY).get();
        Duration timeout = context.config().requestHeaderTimeout();
        headerTimer = ctx.executor().schedule(this::onHeaderTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Removed before any request (replaced by the legacy handler): nothing was taken but the header timer. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!requestSeen && headerTimer != null) {
            headerTimer.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf body) {
            // Only a PUT's chunk arrives as bytes: the decoder steps aside after a PUT frame.
            receive(body);
            return;
        }
        ReferenceCountUtil.release(msg);
        if (finished || requestSeen) {
            return;
        }
        requestSeen = true;
        headerTimer.cancel(false);
        if (msg instanceof RequestDecoder.Failure failure) {
            refuse(failure.status() == Status.UNSUPPORTED_VERSION ? ServerMetrics.Refusal.UNSUPPORTED_VERSION
                    : ServerMetrics.Refusal.BAD_REQUEST, failure.status(), failure.message());
        } else if (msg instanceof Request request) {
            admit(request);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            bodyEnded();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            pump();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Client reset, connection closed, or our own close after finishing.
        finish();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // STOP_SENDING / RESET_STREAM from the client, or a failed write: this stream is over.
        abort(Protocol.ERR_CANCELLED);
    }

    // ---- admission --------------------------------------------------------------------------------------

    private void admit(Request request) {
        if (connection == null) {
            refuse(ServerMetrics.Refusal.CONNECTIONS, Status.BUSY, "connection not admitted");
            return;
        }
        Request.Put put = request instanceof Request.Put p ? p : null;
        if (put != null && !mayPut(put)) {
            return;
        }
        long waitNanos = connection.peer.requests.tryTake(1);
        if (waitNanos > 0) {
            busy(ServerMetrics.Refusal.CLIENT_RATE, Duration.ofNanos(waitNanos), "per-client request rate exceeded");
            return;
        }
        if (connection.activeStreams() >= context.config().maxStreamsPerConnection()) {
            busy(ServerMetrics.Refusal.STREAMS_PER_CONNECTION, Duration.ZERO, "too many streams on this connection");
            return;
        }
        if (!context.concurrency().tryAcquire()) {
            busy(ServerMetrics.Refusal.CONCURRENCY, Duration.ZERO, "server at its concurrent request limit");
            return;
        }
        if (put != null && !context.ingestBudget().tryReserve(put.length())) {
            context.concurrency().release();
            busy(ServerMetrics.Refusal.INGEST_BUDGET, Duration.ZERO, "the node's memory for PUT bodies ("
                    + context.config().maxConcurrentPutBytes() + " bytes) is taken by other PUTs");
            return;
        }
        admitted = true;
        connection.admitted(this);
        metrics.activeStreams.incrementAndGet();
        // Checked after counting: a drain that then sees no active request cannot miss this one.
        if (context.draining().get()) {
            release();
            if (put != null) {
                context.ingestBudget().release(put.length()); // reserved above; no IncomingChunk owns it yet
            }
            busy(ServerMetrics.Refusal.DRAINING, Duration.ZERO, Protocol.SHUTTING_DOWN + "; ask another node");
            return;
        }
        admittedAt = System.nanoTime();
        deadlineTimer = ctx.executor().schedule(this::onDeadline, context.config().requestDeadline().toNanos(),
                TimeUnit.NANOSECONDS);
        if (put != null) {
            startReceiving(put);
        } else {
            onDisk(() -> prepare(request));
        }
    }

    /**
     * The checks a PUT passes before it costs anything: a sink, an authorised client certificate, a length within
     * the limit. Refuses the request and returns false otherwise.
     */
    private boolean mayPut(Request.Put put) {
        ServerConfig config = context.config();
        if (config.chunkSink() == null) {
            refuse(ServerMetrics.Refusal.UNSUPPORTED_REQUEST, Status.UNSUPPORTED_REQUEST, "this node accepts no PUT");
            return false;
        }
        String client = connection.clientFingerprint((QuicChannel) ctx.channel().parent());
        if (!config.ingestClients().contains(client)) {
            refuse(ServerMetrics.Refusal.UNAUTHORIZED, Status.UNAUTHORIZED, config.ingestClients().isEmpty()
                    ? "this node accepts PUT from no client (its list of ingest clients is empty)"
                    : client.isEmpty() ? "PUT needs a client certificate; this connection presented none"
                    : "client certificate " + client + " is not an ingest client of this node");
            return false;
        }
        if (put.length() > config.maxPutBytes()) {
            refuse(ServerMetrics.Refusal.PAYLOAD_TOO_LARGE, Status.PAYLOAD_TOO_LARGE, "a chunk of " + put.length()
                    + " bytes exceeds this node's PUT limit of " + config.maxPutBytes() + " bytes");
            return false;
        }
        putClient = client;
        return true;
    }

    /** Runs on the disk executor: looks the request up in the store; hands the outcome to the event loop. */
    private void prepare(Request request) {
        Runnable next;
        try {
            if (request instanceof Request.Get get) {
                next = prepareGet(get);
            } else if (request instanceof Request.Has has) {
                Optional<ChunkMeta> meta = context.store().meta(has.cid());
                BitSet held = new BitSet();
                meta.ifPresent(m -> m.shards().forEach(s -> held.set(s.index())));
                int total = meta.map(m -> m.spec().totalShards()).orElse(0);
                next = () -> respond(Frames.okHas(ctx.alloc(), total, held));
            } else {
                Optional<ChunkMeta> meta = context.store().meta(request.cid());
                next = meta.isPresent() ? () -> respond(Frames.okManifest(ctx.alloc(), meta.get()))
                        : () -> refuse(ServerMetrics.Refusal.NOT_FOUND, Status.NOT_FOUND, "chunk not stored: "
                                + request.cid());
            }
        } catch (ShardNotFoundException e) {
            next = () -> refuse(ServerMetrics.Refusal.NOT_FOUND, Status.NOT_FOUND, e.getMessage());
        } catch (CorruptShardException e) {
            next = () -> refuse(ServerMetrics.Refusal.CORRUPT, Status.CORRUPT, e.getMessage());
        } catch (RuntimeException e) {
            next = () -> refuse(ServerMetrics.Refusal.INTERNAL, Status.INTERNAL_ERROR, "store failure: " + e);
        }
        onLoop(next, () -> {
            ShardSource src = opening;
            opening = null;
            if (src != null) {
                src.close();
            }
        });
    }

    private Runnable prepareGet(Request.Get get) {
        Optional<ChunkMeta> meta = context.store().meta(get.cid());
        Optional<ShardInfo> info = meta.flatMap(m -> m.shard(get.shardIndex()));
        if (info.isEmpty() || !context.store().containsShard(get.cid(), get.shardIndex())) {
            String what = meta.isEmpty() ? "chunk not stored: " + get.cid()
                    : "shard " + get.shardIndex() + " of " + get.cid() + " not stored";
            return () -> refuse(ServerMetrics.Refusal.NOT_FOUND, Status.NOT_FOUND, what);
        }
        byte[] sha256 = info.get().sha256();
        if (!get.hashMatches(sha256)) {
            return () -> refuse(ServerMetrics.Refusal.HASH_MISMATCH, Status.HASH_MISMATCH, "shard " + get.shardIndex()
                    + " of " + get.cid() + " here has a different SHA-256 than expected");
        }
        long shardLength = info.get().length();
        long offset = get.range() ? get.offset() : 0;
        long length = get.range() ? get.length() : shardLength;
        if (offset > shardLength || length > shardLength - offset) {
            return () -> refuse(ServerMetrics.Refusal.RANGE, Status.RANGE_NOT_SATISFIABLE, "range [" + offset + ", "
                    + offset + "+" + length + ") is outside the " + shardLength + "-byte shard");
        }
        opening = new ShardSource(context.store().openRegion(get.cid(), get.shardIndex(), offset, length));
        return () -> startBody(shardLength, offset, length, sha256);
    }

    // ---- PUT body -----------------------------------------------------------------------------------------

    /** Collects the chunk; its array is allocated on the disk executor, bytes that come first wait for it. */
    private void startReceiving(Request.Put put) {
        incoming = new IncomingChunk(put, context.ingestBudget());
        int length = (int) put.length();
        onDisk(() -> {
            byte[] array;
            try {
                array = new byte[length];
            } catch (OutOfMemoryError e) {
                onLoop(() -> refusePut(ServerMetrics.Refusal.INTERNAL, Status.INTERNAL_ERROR, "no memory for a chunk of "
                        + length + " bytes"), () -> { });
                return;
            }
            onLoop(() -> {
                if (incoming != null && !finished) {
                    incoming.arrayReady(array);
                    storeIfComplete();
                }
            }, () -> { });
        });
    }

    private void receive(ByteBuf body) {
        if (incoming == null || finished) {
            body.release(); // a refused or finished PUT: its bytes are discarded
            return;
        }
        if (!incoming.add(body)) {
            refusePut(ServerMetrics.Refusal.BAD_REQUEST, Status.BAD_REQUEST, "more than the announced "
                    + incoming.put().length() + " chunk bytes arrived; nothing stored");
        }
    }

    /** The client's FIN. */
    private void bodyEnded() {
        if (incoming == null || finished) {
            return;
        }
        incoming.end();
        if (incoming.truncated()) {
            refusePut(ServerMetrics.Refusal.BAD_REQUEST, Status.BAD_REQUEST, "stream ended after " + incoming.received()
                    + " of the announced " + incoming.put().length() + " chunk bytes; nothing stored");
            return;
        }
        storeIfComplete();
    }

    /** Once the whole chunk is in and hashes to its CID: hands it to the sink; the answer waits for the sink. */
    private void storeIfComplete() {
        if (!incoming.complete()) {
            return;
        }
        Request.Put put = incoming.put();
        if (!incoming.matchesCid()) {
            refusePut(ServerMetrics.Refusal.CONTENT_MISMATCH, Status.CONTENT_MISMATCH, "the " + put.length()
                    + " bytes received do not hash to " + put.cid() + "; nothing stored");
            return;
        }
        // The client has delivered: from here on the time is the node's, so no deadline cuts the answer off.
        deadlineTimer.cancel(false);
        ByteBuffer chunk = incoming.handOver();
        incoming = null;
        String client = putClient;
        try {
            context.diskExecutor().execute(() -> handToSink(put, chunk, client));
        } catch (RejectedExecutionException e) {
            context.ingestBudget().release(put.length());
            metrics.refused(ServerMetrics.Refusal.INTERNAL);
            abort(Protocol.ERR_SHUTDOWN);
        }
    }

    /** Runs on the disk executor; the budget reservation of the chunk ends when the sink's stage does. */
    private void handToSink(Request.Put put, ByteBuffer chunk, String client) {
        CompletionStage<PutResult> stage;
        try {
            stage = Objects.requireNonNull(context.config().chunkSink().accept(put.cid(), chunk, put.dealBlocks(),
                    client), "the chunk sink returned no stage");
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((result, error) -> {
            context.ingestBudget().release(put.length());
            onLoop(() -> stored(put, result, error), () -> { });
        });
    }

    private void stored(Request.Put put, PutResult result, Throwable error) {
        if (error == null && result == null) {
            error = new IllegalStateException("the chunk sink completed without a result");
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof StorageFullException) {
                refuse(ServerMetrics.Refusal.STORAGE_FULL, Status.STORAGE_FULL, cause.getMessage());
            } else if (cause instanceof IllegalArgumentException) {
                refuse(ServerMetrics.Refusal.BAD_REQUEST, Status.BAD_REQUEST, "chunk refused: " + cause.getMessage());
            } else {
                refuse(ServerMetrics.Refusal.INTERNAL, Status.INTERNAL_ERROR, "storing the chunk failed: " + cause);
            }
            return;
        }
        if (finished) {
            return; // the client went away; the chunk is stored all the same
        }
        metrics.putBytes.increment(put.length());
        metrics.put.record(System.nanoTime() - admittedAt, TimeUnit.NANOSECONDS);
        respond(Frames.okPut(ctx.alloc(), result));
    }

    /** Refuses the PUT being received and gives its memory back at once. */
    private void refusePut(ServerMetrics.Refusal reason, Status status, String message) {
        dropIncoming();
        refuse(reason, status, message);
    }

    private void dropIncoming() {
        if (incoming != null) {
            incoming.release();
            incoming = null;
        }
    }

    // ---- body -------------------------------------------------------------------------------------------

    private void startBody(long shardLength, long offset, long length, byte[] sha256) {
        source = opening;
        opening = null;
        if (finished) {
            closeSource();
            return;
        }
        position = 0;
        end = length;
        headerSent = true;
        ByteBuf header = format.shardHeader(ctx.alloc(), shardLength, offset, length, sha256);
        if (length == 0) {
            writeLast(header);
            return;
        }
        // Sent with the first body bytes, in the same buffer: one write, one flush.
        pendingHeader = header;
        pump();
    }

    /**
     * Asks for the next read if the stream has room and nothing else is pending: first the client's own cap (if
     * any), then the node's fair sending ({@link FairEgress}), whose grant starts the read.
     */
    private void pump() {
        if (finished || source == null || diskBusy || throttled || ticket != null || position >= end
                || !ctx.channel().isWritable()) {
            return;
        }
        int n = readSize();
        long wait = context.peers().reserveOwn(connection.peer, n);
        if (wait > 0) {
            throttled = true;
            metrics.throttledStreams.incrementAndGet();
            metrics.throttled(wait);
            ctx.executor().schedule(() -> {
                if (finished) {
                    return; // finish() has ended the pause
                }
                throttled = false;
                metrics.throttledStreams.decrementAndGet();
                askEgress(n);
            }, wait, TimeUnit.NANOSECONDS);
        } else {
            askEgress(n);
        }
    }

    /**
     * The bytes of the next read: what the stream can take now (its QUIC send capacity), at least a small read's
     * worth, at most {@link ServerConfig#chunkSize()} and what is left.
     */
    private int readSize() {
        int max = context.config().chunkSize();
        long room = Math.max(ctx.channel().bytesBeforeUnwritable(), Math.min(max, MIN_READ));
        return (int) Math.min(Math.min(max, room), end - position);
    }

    private void askEgress(int n) {
        if (finished) {
            return;
        }
        diskBusy = true;
        ShardSource src = source;
        ticket = context.peers().egress().request(connection.peer.egress, n, ctx.executor(), () -> granted(n),
                src::close);
    }

    /** On the event loop: the fair sending granted {@code n} bytes; paired with one {@link FairEgress#done}. */
    private void granted(int n) {
        ticket = null;
        if (finished) {
            diskBusy = false;
            context.peers().egress().done(n);
            closeSource();
            return;
        }
        readChunk(n);
    }

    private void readChunk(int n) {
        ShardSource src = source;
        long at = position;
        ByteBuf header = pendingHeader;
        pendingHeader = null;
        FairEgress egress = context.peers().egress();
        onDisk(() -> {
            int headerBytes = header == null ? 0 : header.readableBytes();
            ByteBuf chunk = ctx.alloc().directBuffer(headerBytes + n);
            Throwable failure = null;
            try {
                if (header != null) {
                    chunk.writeBytes(header);
                }
                src.read(chunk, at, n);
            } catch (Throwable t) {
                chunk.release();
                chunk = null;
                failure = t;
            } finally {
                ReferenceCountUtil.release(header);
            }
            ByteBuf read = chunk;
            Throwable error = failure;
            onLoop(() -> onChunk(read, n, error), () -> {
                ReferenceCountUtil.release(read);
                egress.done(n);
                src.close();
            });
        }, () -> {
            ReferenceCountUtil.release(header);
            egress.done(n);
        });
    }

    private void onChunk(ByteBuf chunk, int n, Throwable failure) {
        diskBusy = false;
        try {
            if (finished) {
                ReferenceCountUtil.release(chunk);
                closeSource();
                return;
            }
            if (failure != null) {
                metrics.refused(ServerMetrics.Refusal.INTERNAL);
                abort(Protocol.ERR_INTERNAL);
                return;
            }
            position += n;
            metrics.bytesServed.increment(n);
            if (!firstByteSent) {
                firstByteSent = true;
                metrics.timeToFirstByte.record(System.nanoTime() - admittedAt, TimeUnit.NANOSECONDS);
            }
            if (position >= end) {
                writeLast(chunk);
            } else {
                ctx.writeAndFlush(chunk).addListener(this::failOnError);
                // Asks for the next read before giving these bytes back, so this stream is in its client's queue
                // when the freed room is granted: a client with one stream keeps its turn against many.
                pump();
            }
        } finally {
            // Handed to QUIC (or dropped): room for the next grants.
            context.peers().egress().done(n);
        }
    }

    private void failOnError(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess()) {
            abort(Protocol.ERR_CANCELLED);
        }
    }

    /** Writes the final buffer with FIN; the request is complete once QUIC has taken it. */
    private void writeLast(ByteBuf last) {
        boolean body = source != null;
        ChannelFuture f = ctx.writeAndFlush(new DefaultQuicStreamFrame(last, true));
        f.addListener(done -> {
            if (done.isSuccess() && body && admitted) {
                metrics.transfer.record(System.nanoTime() - admittedAt, TimeUnit.NANOSECONDS);
            }
            finish();
            closeStream();
        });
    }

    /**
     * Closes the stream after the response: a client that has not finished its side gets STOP_SENDING
     * first, so QUIC can retire the stream and hand the client its stream credit back.
     */
    private void closeStream() {
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        if (stream.isActive() && !stream.isInputShutdown()) {
            stream.shutdownInput(Protocol.ERR_NO_MORE_INPUT).addListener(f -> stream.close());
        } else {
            stream.close();
        }
    }

    // ---- outcomes -------------------------------------------------------------------------------------

    private void respond(ByteBuf header) {
        if (finished) {
            header.release();
            return;
        }
        headerSent = true;
        writeLast(header);
    }

    private void refuse(ServerMetrics.Refusal reason, Status status, String message) {
        if (finished) {
            return;
        }
        metrics.refused(reason);
        respond(format.error(ctx.alloc(), status, message));
    }

    private void busy(ServerMetrics.Refusal reason, Duration wait, String message) {
        metrics.refused(reason);
        Duration retryAfter = wait.compareTo(context.config().busyRetryAfter()) > 0 ? wait : context.config().busyRetryAfter();
        respond(format.busy(ctx.alloc(), retryAfter, message));
    }

    private void onHeaderTimeout() {
        if (requestSeen || finished) {
            return;
        }
        requestSeen = true;
        refuse(ServerMetrics.Refusal.HEADER_TIMEOUT, Status.TIMEOUT, "no complete request frame within "
                + context.config().requestHeaderTimeout().toMillis() + " ms");
    }

    private void onDeadline() {
        if (finished) {
            return;
        }
        if (incoming != null) {
            refusePut(ServerMetrics.Refusal.DEADLINE, Status.TIMEOUT, "only " + incoming.received() + " of the announced "
                    + incoming.put().length() + " chunk bytes arrived within the request deadline of "
                    + context.config().requestDeadline().toMillis() + " ms; nothing stored");
        } else if (!headerSent) {
            refuse(ServerMetrics.Refusal.DEADLINE, Status.TIMEOUT, "request deadline of "
                    + context.config().requestDeadline().toMillis() + " ms passed");
        } else {
            metrics.refused(ServerMetrics.Refusal.DEADLINE);
            abort(Protocol.ERR_DEADLINE);
        }
    }

    /** Resets both directions of the stream and finishes. */
    /** The node is closing: the stream is reset with the shutdown code (on the event loop). */
    void shutDown() {
        abort(Protocol.ERR_SHUTDOWN);
    }

    private void abort(int errorCode) {
        if (finished) {
            return;
        }
        finish();
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        if (stream.isActive()) {
            stream.shutdown(errorCode).addListener(f -> stream.close());
        }
    }

    /** Releases everything the request holds. Idempotent. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (headerTimer != null) {
            headerTimer.cancel(false);
        }
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        if (throttled) {
            throttled = false;
            metrics.throttledStreams.decrementAndGet();
        }
        if (ticket != null && ticket.cancel()) {
            // Withdrawn before its grant: no read will start (a granted ticket's grant sees finished instead).
            ticket = null;
            diskBusy = false;
        }
        ReferenceCountUtil.release(pendingHeader);
        pendingHeader = null;
        dropIncoming();
        release();
        if (!diskBusy) {
            closeSource();
        }
    }

    /** Gives back what admission took. Idempotent. */
    private void release() {
        if (admitted) {
            admitted = false;
            connection.ended(this);
            metrics.activeStreams.decrementAndGet();
            context.concurrency().release();
        }
    }

    private void closeSource() {
        ShardSource src = source;
        source = null;
        if (src != null) {
            try {
                context.diskExecutor().execute(src::close);
            } catch (RejectedExecutionException e) {
                src.close();
            }
        }
    }

    private void onDisk(Runnable task) {
        onDisk(task, () -> { });
    }

    /** Runs {@code task} on the disk executor; if it refuses (shutting down), runs {@code cleanup} and aborts. */
    private void onDisk(Runnable task, Runnable cleanup) {
        try {
            context.diskExecutor().execute(task);
        } catch (RejectedExecutionException e) {
            cleanup.run();
            diskBusy = false;
            metrics.refused(ServerMetrics.Refusal.INTERNAL);
            abort(Protocol.ERR_SHUTDOWN);
        }
    }

    /**
     * Hands {@code task} to the event loop; if the loop is gone (server shutting down) runs {@code cleanup},
     * which releases what the task would have taken over, on the calling thread instead.
     */
    private void onLoop(Runnable task, Runnable cleanup) {
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            cleanup.run();
        }
    }

}
