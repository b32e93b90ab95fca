package io.icn.transport.quic;

import io.icn.erasure.ErasureCodec;
import io.icn.erasure.Gf256Kernel;
import io.icn.erasure.Kernels;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ShardClient} on Netty's QUIC codec: one UDP socket, one QUIC connection per node, each node's
 * certificate checked against the pin for its address once the handshake is done. Thread-safe.
 */
final class QuicShardClient implements ShardClient {

    private static final Duration BASE_BACKOFF = Duration.ofMillis(50);
    /**
     * Full-sized packets received per acknowledgement while the ACK delay has not run out (see AckCoalescer): eight,
     * not TCP's two. Each ACK is a {@code sendto} at the client and a packet the node processes; with 16,383-byte
     * packets on loopback (a GRO read is three of them) a 50 MiB chunk fetch took 0.096-0.102 s with two, 0.085-0.092
     * with eight and 0.084-0.085 with sixteen (medians of 30 fetches per JVM, three JVMs each, alternating, 2026-12-07).
     * At 1,350-byte packets eight are 10.8 KB, which the 250 µs delay bounds below about 350 Mbit/s anyway.
     */
    private static final int ACK_PACKETS = 8;

    private final ShardClientBuilder config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Channel datagram;
    private final Executor decodeExecutor;
    /** The builder's kernel, or null for {@link Kernels#best()}, probed at the first codec, not at construction. */
    private final Gf256Kernel erasureKernel;
    private final ConcurrentHashMap<Long, ErasureCodec> codecs = new ConcurrentHashMap<>();
    private final RetryBudget retryBudget;
    private final ConcurrentHashMap<InetSocketAddress, NodeConnection> connections = new ConcurrentHashMap<>();
    /** Fingerprints pinned to one node each ({@link ShardClientBuilder#pinnedNodes}); changes while running. */
    private final ConcurrentHashMap<InetSocketAddress, String> nodePins = new ConcurrentHashMap<>();
    /** Fingerprints any node may present, or {@code null}. */
    private final Set<String> anyNodePins;
    private final boolean trustAny;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Requests not yet decided. {@link #close()} fails them itself: one waiting for its retry timer would
     * otherwise never hear of it, as the timer dies with the event loops.
     */
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    QuicShardClient(ShardClientBuilder builder) {
        QuicIo.ensureQuic();
        this.config = builder;
        this.ownsGroup = builder.eventLoopGroup == null;
        this.group = ownsGroup ? QuicIo.newGroup(builder.ioThreads, "icn-shard-client") : builder.eventLoopGroup;
        this.decodeExecutor = builder.decodeExecutor != null ? builder.decodeExecutor : ForkJoinPool.commonPool();
        // Kernels.best() probes the SIMD widths (some 0.2 s in a JVM just started): only a client that decodes pays.
        this.erasureKernel = builder.erasureKernel;
        this.retryBudget = new RetryBudget(builder.retryRatio, builder.retryCap);
        this.trustAny = builder.trustAny;
        this.anyNodePins = builder.pins == null ? null : Set.copyOf(builder.pins);
        if (builder.nodePins != null) {
            nodePins.putAll(builder.nodePins);
        }
        // With pins per node, the handshake admits any certificate (it proves the node holds that certificate's
        // key) and whether it is the one pinned for the node's address is checked once the handshake is done
        // (identityRefusal), before any request is sent, so that a refusal names the node and both fingerprints.
        QuicSslContextBuilder tls = QuicSslContextBuilder.forClient()
                .trustManager(new FingerprintTrustManager(trustAny || builder.nodePins != null ? null
                        : anyNodePins::contains))
                .applicationProtocols(Protocol.ALPN);
        if (builder.clientCertificate != null) {
            // Presented to nodes that ask (those that accept PUT); a node decides per PUT whether it may.
            tls.keyManager(builder.clientCertificate.privateKey(), null, builder.clientCertificate.certificate());
        }
        QuicSslContext ssl = tls.build();
        var codec = new QuicClientCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(builder.idleTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .congestionControlAlgorithm(builder.congestionControl.algorithm())
                .maxSendUdpPayloadSize(QuicIo.sendPayload(builder.maxUdpPayloadSize))
                .maxRecvUdpPayloadSize(builder.maxUdpPayloadSize)
                .initialMaxData(builder.connectionReceiveWindow)
                .initialMaxStreamDataBidirectionalLocal(builder.streamReceiveWindow)
                .initialMaxStreamDataBidirectionalRemote(0)
                .initialMaxStreamsBidirectional(0)
                .initialMaxStreamsUnidirectional(0)
                .build();
        try {
            this.datagram = QuicIo.datagramBootstrap(group, builder.maxUdpPayloadSize, QuicIo.CLIENT_SOCKET_BUFFER,
                            QuicIo.CLIENT_SOCKET_BUFFER)
                    .handler(builder.ackDelay.isZero() ? codec : new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new AckCoalescer(ACK_PACKETS * QuicIo.sendPayload(
                                    builder.maxUdpPayloadSize), builder.ackDelay.toNanos()), codec);
                        }
                    })
                    .bind(new InetSocketAddress(0)).sync().channel();
        } catch (Exception e) {
            if (ownsGroup) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new TransportException("cannot open the client's UDP socket", e);
        }
    }

    // ---- public API -------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<ShardData> fetchShard(InetSocketAddress node, Cid cid, int shardIndex) {
        return fetchShard(node, cid, shardIndex, null);
    }

    @Override
    public CompletableFuture<ShardData> fetchShard(InetSocketAddress node, Cid cid, int shardIndex, byte[] expectedSha256) {
        return withRetries(node, new Request.Get(cid, shardIndex, false, 0, 0, expectedSha256));
    }

    @Override
    public CompletableFuture<ShardData> fetchRange(InetSocketAddress node, Cid cid, int shardIndex, long offset,
            long length) {
        checkRange(offset, length);
        return withRetries(node, new Request.Get(cid, shardIndex, true, offset, length, null));
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || length > config.maxShardBytes) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
    }

    @Override
    public CompletableFuture<ShardReceipt> fetchShard(InetSocketAddress node, Cid cid, int shardIndex,
            byte[] expectedSha256, ByteBuffer target) {
        return withRetries(node, new Request.Get(cid, shardIndex, false, 0, 0, expectedSha256), null,
                BodyTarget.of(target));
    }

    @Override
    public CompletableFuture<ShardReceipt> fetchShard(InetSocketAddress node, Cid cid, int shardIndex,
            byte[] expectedSha256, WritableByteChannel target) {
        return withRetries(node, new Request.Get(cid, shardIndex, false, 0, 0, expectedSha256), null,
                BodyTarget.of(target));
    }

    @Override
    public CompletableFuture<ShardReceipt> fetchShard(InetSocketAddress node, Cid cid, int shardIndex,
            byte[] expectedSha256, FileChannel file, long position) {
        return withRetries(node, new Request.Get(cid, shardIndex, false, 0, 0, expectedSha256), null,
                BodyTarget.of(file, position));
    }

    @Override
    public CompletableFuture<ShardReceipt> fetchRange(InetSocketAddress node, Cid cid, int shardIndex, long offset,
            long length, WritableByteChannel target) {
        checkRange(offset, length);
        return rangeInto(node, cid, shardIndex, offset, length, BodyTarget.of(target));
    }

    @Override
    public CompletableFuture<ShardReceipt> fetchRange(InetSocketAddress node, Cid cid, int shardIndex, long offset,
            long length, FileChannel file, long position) {
        checkRange(offset, length);
        return rangeInto(node, cid, shardIndex, offset, length, BodyTarget.of(file, position));
    }

    private CompletableFuture<ShardReceipt> rangeInto(InetSocketAddress node, Cid cid, int shardIndex, long offset,
            long length, BodyTarget target) {
        return withRetries(node, new Request.Get(cid, shardIndex, true, offset, length, null), null, target);
    }

    @Override
    public CompletableFuture<SortedSet<Integer>> has(InetSocketAddress node, Cid cid) {
        return withRetries(node, new Request.Has(cid));
    }

    @Override
    public CompletableFuture<ChunkMeta> manifest(InetSocketAddress node, Cid cid) {
        return withRetries(node, new Request.Manifest(cid));
    }

    @Override
    public CompletableFuture<PutResult> putChunk(InetSocketAddress node, byte[] chunk, long dealBlocks) {
        Objects.requireNonNull(node, "node");
        checkPut(chunk, dealBlocks);
        return CompletableFuture.supplyAsync(() -> Cid.ofRaw(chunk), decodeExecutor)
                .thenCompose(cid -> putChunk(node, cid, chunk, dealBlocks));
    }

    /** A PUT of {@code chunk} under a CID the caller vouches for (tests send a wrong one on purpose). */
    CompletableFuture<PutResult> putChunk(InetSocketAddress node, Cid cid, byte[] chunk, long dealBlocks) {
        checkPut(chunk, dealBlocks);
        return withRetries(node, new Request.Put(cid, chunk.length, dealBlocks), chunk);
    }

    private static void checkPut(byte[] chunk, long dealBlocks) {
        Objects.requireNonNull(chunk, "chunk");
        if (chunk.length == 0) {
            throw new IllegalArgumentException("an empty chunk cannot be stored");
        }
        if (dealBlocks < 0) {
            throw new IllegalArgumentException("dealBlocks must be >= 0 (0 = the node's default): " + dealBlocks);
        }
    }

    @Override
    public CompletableFuture<byte[]> fetchChunk(List<InetSocketAddress> nodes, Cid cid) {
        List<InetSocketAddress> targets = List.copyOf(nodes);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no nodes to fetch " + cid + " from");
        }
        return ChunkFetcher.start(this, targets, Objects.requireNonNull(cid, "cid"), null);
    }

    @Override
    public CompletableFuture<byte[]> fetchChunk(List<InetSocketAddress> nodes, ChunkMeta manifest) {
        List<InetSocketAddress> targets = List.copyOf(nodes);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no nodes to fetch " + manifest.cid() + " from");
        }
        return ChunkFetcher.start(this, targets, manifest.cid(), manifest);
    }

    @Override
    public CompletableFuture<FetchedShards> fetchShards(List<InetSocketAddress> nodes, ShardFetchRequest request) {
        List<InetSocketAddress> targets = List.copyOf(nodes);
        Objects.requireNonNull(request, "request");
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no nodes to fetch " + request + " from");
        }
        return ChunkFetcher.start(this, targets, request);
    }

    @Override
    public void pinNode(InetSocketAddress node, String fingerprint) {
        Objects.requireNonNull(node, "node");
        String pin = NodeCertificate.normaliseFingerprint(Objects.requireNonNull(fingerprint, "fingerprint"));
        String before = nodePins.put(node, pin);
        if (before != null && !before.equals(pin)) {
            drop(node, "re-pinned to " + pin);
        }
    }

    @Override
    public void unpinNode(InetSocketAddress node) {
        if (nodePins.remove(Objects.requireNonNull(node, "node")) != null) {
            drop(node, "unpinned");
        }
    }

    /** Closes the connection to {@code node}, if any; its requests fail as on a lost connection (and retry). */
    private void drop(InetSocketAddress node, String why) {
        NodeConnection c = connections.remove(node);
        if (c != null) {
            c.failed(new ConnectionFailedException("connection to " + node + " closed: " + why, null));
            c.ready().thenAccept(ch -> ch.close());
        }
    }

    /**
     * Why the node at {@code node} may not be trusted with {@code fingerprint} (from its handshake; {@code null} when
     * none is known yet), or {@code null} if it may.
     */
    private NodeIdentityException identityRefusal(InetSocketAddress node, String fingerprint) {
        String pinned = nodePins.get(node);
        if (pinned != null) {
            return fingerprint == null || pinned.equals(fingerprint) ? null : new NodeIdentityException(node,
                    node + " presented certificate fingerprint " + fingerprint + ", but " + pinned + " is pinned for it");
        }
        if (trustAny || anyNodePins != null && (fingerprint == null || anyNodePins.contains(fingerprint))) {
            return null;
        }
        return new NodeIdentityException(node, fingerprint == null ? "no certificate fingerprint is pinned for " + node
                : node + " presented certificate fingerprint " + fingerprint + ", which is not pinned for it");
    }

    private static String peerFingerprint(QuicChannel channel) {
        try {
            Certificate[] chain = channel.sslEngine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? NodeCertificate.fingerprintOf(x) : "(none)";
        } catch (javax.net.ssl.SSLPeerUnverifiedException | RuntimeException e) {
            return "(unverified: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (NodeConnection c : connections.values()) {
            c.ready().thenAccept(ch -> ch.close());
            c.failed(new TransportClosedException("client closed"));
        }
        connections.clear();
        for (CompletableFuture<?> request : pending) {
            request.completeExceptionally(new TransportClosedException("client closed"));
        }
        datagram.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- internals used by ChunkFetcher -----------------------------------------------------------------

    Duration hedgeAfter() {
        return config.hedgeAfter;
    }

    Executor decodeExecutor() {
        return decodeExecutor;
    }

    /** The client's RS(k, m) codec, on its kernel; created once per (k, m). */
    ErasureCodec codec(int dataShards, int parityShards) {
        return codecs.computeIfAbsent(((long) dataShards << 32) | parityShards,
                key -> ErasureCodec.reedSolomon(dataShards, parityShards,
                        erasureKernel != null ? erasureKernel : Kernels.best()));
    }

    EventLoopGroup group() {
        return group;
    }

    // ---- requests ---------------------------------------------------------------------------------------

    private <T> CompletableFuture<T> withRetries(InetSocketAddress node, Request request) {
        return withRetries(node, request, null, null);
    }

    private <T> CompletableFuture<T> withRetries(InetSocketAddress node, Request request, byte[] body) {
        return withRetries(node, request, body, null);
    }

    /** @param body the bytes that follow the request frame (a PUT's chunk), or {@code null} */
    @SuppressWarnings("unchecked")
    /**
     * @param body the chunk of a PUT, or null
     * @param target where a GET's body goes, or null for a {@link ShardData}
     */
    private <T> CompletableFuture<T> withRetries(InetSocketAddress node, Request request, byte[] body,
            BodyTarget target) {
        Objects.requireNonNull(node, "node");
        CompletableFuture<T> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((v, e) -> pending.remove(result));
        if (closed.get()) { // checked after adding: close() either sees the request or the request sees close()
            result.completeExceptionally(new TransportClosedException("client closed"));
            return result;
        }
        retryBudget.onAttempt();
        attempt(node, request, body, target, 1, null, (CompletableFuture<Object>) result);
        return result;
    }

    /**
     * @param earlier the failure of the attempt before this one, or null: it goes with this attempt's failure, as a
     *     suppressed exception, so that the final error tells the whole story (a BUSY "shutting down", then no
     *     connection, say)
     */
    private void attempt(InetSocketAddress node, Request request, byte[] body, BodyTarget target, int attempt,
            Throwable earlier, CompletableFuture<Object> result) {
        if (result.isDone()) {
            return;
        }
        send(node, request, body, target).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (earlier != null && earlier != cause && !(cause instanceof TransportClosedException)) { // this attempt's own
                cause.addSuppressed(earlier);
            }
            Duration delay = retryDelay(cause, attempt);
            if (delay != null && attempt < config.maxAttempts && closed.get()) {
                // it would have waited to retry; the close, not the node's answer, ends it (as for a waiting one)
                TransportClosedException closedFirst = new TransportClosedException("client closed before retrying after: "
                        + cause.getMessage());
                closedFirst.addSuppressed(cause);
                result.completeExceptionally(closedFirst);
                return;
            }
            if (delay == null || attempt >= config.maxAttempts || result.isDone() || !retryBudget.tryRetry()) {
                result.completeExceptionally(cause);
                return;
            }
            try {
                group.schedule(() -> attempt(node, request, body, target, attempt + 1, cause, result), delay.toNanos(),
                        TimeUnit.NANOSECONDS);
            } catch (RuntimeException e) {
                result.completeExceptionally(cause);
            }
        });
    }

    /** The wait before retrying after {@code cause}, or {@code null} if it is not worth retrying. */
    private static Duration retryDelay(Throwable cause, int attempt) {
        long backoff = BASE_BACKOFF.toMillis() << Math.min(attempt - 1, 6);
        long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        if (cause instanceof ServerBusyException busy) {
            return busy.retryAfter().compareTo(Duration.ofMillis(jittered)) > 0 ? busy.retryAfter()
                    : Duration.ofMillis(jittered);
        }
        if (cause instanceof ConnectionFailedException || cause instanceof RequestTimeoutException) {
            return Duration.ofMillis(jittered);
        }
        return null;
    }

    /** One attempt: a stream on the node's connection carrying {@code request}, then {@code body} if not null. */
    CompletableFuture<Object> send(InetSocketAddress node, Request request, byte[] body) {
        return send(node, request, body, null);
    }

    private CompletableFuture<Object> send(InetSocketAddress node, Request request, byte[] body, BodyTarget target) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        if (closed.get()) {
            result.completeExceptionally(new TransportClosedException("client closed"));
            return result;
        }
        int token = target == null ? 0 : target.attempt();
        if (token < 0) {
            result.completeExceptionally(new TransportException(request + ": not retried, its first attempt already"
                    + " wrote bytes to a channel that cannot be rewound", null));
            return result;
        }
        ScheduledFuture<?> timeout = group.schedule(() -> {
            result.completeExceptionally(new RequestTimeoutException(request + " to " + node + " took longer than "
                    + config.requestTimeout.toMillis() + " ms"));
        }, config.requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((v, e) -> timeout.cancel(false));
        NodeIdentityException unpinned = identityRefusal(node, null);
        if (unpinned != null) {
            result.completeExceptionally(unpinned);
            return result;
        }
        NodeConnection connection = connection(node);
        connection.ready().whenComplete((channel, error) -> {
            if (error != null) {
                connections.remove(node, connection);
                // a connection's failure is shared by its requests: each gets its own exception (see attempt)
                result.completeExceptionally(error instanceof ConnectionFailedException shared
                        ? new ConnectionFailedException(shared.getMessage(), shared)
                        : error instanceof NodeIdentityException refused
                        ? new NodeIdentityException(refused.node(), refused.getMessage())
                        : error instanceof TransportException t ? t
                        : new ConnectionFailedException("cannot connect to " + node, error));
                return;
            }
            channel.eventLoop().execute(() -> connection.acquire(() -> openStream(channel, connection, request, body,
                    target, token, result)));
        });
        return result;
    }

    private void openStream(QuicChannel channel, NodeConnection connection, Request request, byte[] body,
            BodyTarget target, int token, CompletableFuture<Object> result) {
        if (result.isDone() || !channel.isActive()) {
            connection.release();
            String byNode = connection.closedByNode();
            result.completeExceptionally(new ConnectionFailedException("connection to " + connection.address + " closed"
                    + (byNode == null ? "" : " by the node: " + byNode), null));
            return;
        }
        channel.createStream(QuicStreamType.BIDIRECTIONAL, new ResponseReader(request, connection, result, config.maxShardBytes,
                target, token))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        connection.release();
                        result.completeExceptionally(new ConnectionFailedException("cannot open a stream to "
                                + connection.address, f.cause()));
                        return;
                    }
                    QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
                    stream.closeFuture().addListener(x -> connection.release());
                    result.whenComplete((v, e) -> {
                        if (e != null) {
                            stream.eventLoop().execute(() -> {
                                if (stream.isActive()) {
                                    stream.shutdown(Protocol.ERR_CANCELLED).addListener(x -> stream.close());
                                }
                            });
                        }
                    });
                    if (body != null) {
                        stream.pipeline().addLast(new ChunkUploader((Request.Put) request, body, result));
                    } else {
                        stream.writeAndFlush(Frames.encodeRequest(stream.alloc(), request))
                                .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
                    }
                });
    }

    private NodeConnection connection(InetSocketAddress node) {
        NodeConnection existing = connections.get(node);
        if (existing != null && !existing.ready().isCompletedExceptionally()) {
            return existing;
        }
        NodeConnection created = new NodeConnection(node, config.maxStreamsPerConnection);
        NodeConnection winner = connections.compute(node, (k, current) ->
                current != null && !current.ready().isCompletedExceptionally() ? current : created);
        if (winner == created) {
            connect(created);
        }
        return winner;
    }

    private void connect(NodeConnection connection) {
        QuicChannel.newBootstrap(datagram)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicIo.segmentation(group,
                        QuicIo.sendPayload(config.maxUdpPayloadSize)))
                .handler(connection)
                .streamHandler(new RejectStreams())
                .remoteAddress(connection.address)
                .connect()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        QuicChannel channel = (QuicChannel) f.getNow();
                        channel.closeFuture().addListener(x -> connections.remove(connection.address, connection));
                        NodeIdentityException refused = identityRefusal(connection.address, peerFingerprint(channel));
                        if (refused != null) {
                            connections.remove(connection.address, connection);
                            connection.failed(refused);
                            channel.close();
                        } else if (!connection.established(channel)) {
                            channel.close();
                        }
                    } else {
                        connections.remove(connection.address, connection);
                        connection.failed(new ConnectionFailedException("cannot connect to " + connection.address,
                                f.cause()));
                    }
                });
        group.schedule(() -> {
            if (connection.ready().completeExceptionally(new ConnectionFailedException("no QUIC handshake with "
                    + connection.address + " within " + config.connectTimeout.toMillis() + " ms", null))) {
                connections.remove(connection.address, connection);
            }
        }, config.connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Nodes never open streams towards clients in {@code icn-shard/1}; any such stream is closed. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class RejectStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
