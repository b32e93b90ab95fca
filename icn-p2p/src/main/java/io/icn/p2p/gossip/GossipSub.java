package io.icn.p2p.gossip;

import io.icn.p2p.HostIdentity;
import io.icn.p2p.InvalidPeerIdException;
import io.icn.p2p.NoSuchProtocolException;
import io.icn.p2p.P2pHost;
import io.icn.p2p.P2pStream;
import io.icn.p2p.PeerId;
import io.icn.p2p.PeerInfo;
import io.icn.p2p.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A GossipSub v1.1 router ({@code /meshsub/1.1.0}, and {@code /meshsub/1.0.0} for older peers) over a
 * {@link P2pHost}: subscriptions, a mesh per topic kept between Dlo and Dhi by a heartbeat, GRAFT/PRUNE with
 * backoff (no peer exchange), IHAVE/IWANT gossip, fanout, a seen-message cache, flood publishing, StrictSign
 * signing and verification, per-topic validators before forwarding, and basic peer scoring (invalid messages
 * penalised; peers below the thresholds get no gossip, no flood publishes, or are ignored altogether).
 *
 * <pre>{@code
 * GossipSub gossip = GossipSub.builder(host, identity).config(GossipConfig.defaults()).build();
 * gossip.setValidator("/icn/video/1.0.0", m -> trusted.contains(m.from()) ? ACCEPT : REJECT);
 * gossip.subscribe("/icn/video/1.0.0", message -> ingest(message.dataView()));
 * gossip.start();
 * gossip.publish("/icn/video/1.0.0", chunk);
 * }</pre>
 *
 * <p><b>Peers.</b> The router speaks to every connected peer whose identify lists a meshsub protocol (checked at
 * each heartbeat) or that opens a meshsub stream to it: one long-lived outbound stream per peer carries this
 * router's RPCs; the peer's inbound streams are read. A malformed or oversized RPC is a protocol violation: the
 * stream is reset and counted. A message whose length prefix exceeds the limit is refused before any of it is
 * buffered (the host checks the prefix).
 *
 * <p><b>Threading.</b> Thread-safe. All router state lives on one router thread (the scheduler's); the host's
 * event loops only hand frames over to it. Validators and subscribers run on the callback executor, never on an
 * event loop or the router thread. {@link #close()} waits for the router thread (up to 5 s): do not call it from
 * a callback.
 *
 * <p><b>Ownership.</b> The router does not own the host. It owns its scheduler and callback executor unless they
 * were given to the builder. Arrays passed to {@link #publish} are not copied: the caller must not modify them
 * afterwards.
 */
public final class GossipSub implements AutoCloseable {
    /** GossipSub v1.1. */
    public static final String MESHSUB_V11 = "/meshsub/1.1.0";
    /** GossipSub v1.0. */
    public static final String MESHSUB_V10 = "/meshsub/1.0.0";

    /** Frames from this size on are written to few peers at a time (see {@link #sendToAll}). */
    private static final int LARGE_FRAME_BYTES = 1 << 20;
    private static final int LARGE_FRAME_CONCURRENCY = 2;
    /** Frames queued for a peer whose outbound stream is still opening. */
    private static final int MAX_PENDING_FRAMES = 64;

    private final P2pHost host;
    private final HostIdentity identity;
    private final GossipConfig config;
    private final RpcLimits limits;
    private final ScheduledExecutorService router;
    private final boolean ownsRouter;
    private final Executor callbacks;
    private final ExecutorService ownedCallbacks;
    private final Clock clock;
    private final Random random;

    // ---- router-thread state ----
    private final Map<PeerId, PeerState> peers = new HashMap<>();
    private final Map<String, Set<PeerId>> mesh = new HashMap<>();
    private final Map<String, Set<PeerId>> fanout = new HashMap<>();
    private final Map<String, Instant> fanoutLastPublish = new HashMap<>();
    private final Map<String, Map<PeerId, Instant>> backoff = new HashMap<>();
    private final MessageCache cache;
    private final SeenCache seen;
    private long nextSeqno;
    private boolean started;
    private volatile boolean closed;
    private long heartbeats;

    // ---- thread-safe registrations and counters ----
    private final Map<String, Consumer<GossipMessage>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, MessageValidator> validators = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong violations = new AtomicLong();

    /** What the router knows of one peer. */
    private static final class PeerState {
        final PeerId id;
        final Set<String> topics = new HashSet<>();
        P2pStream outbound;
        boolean opening;
        final List<ByteBuffer[]> pending = new ArrayList<>();
        double invalid;
        int iwantAskedThisHeartbeat;
        final Map<MessageId, Integer> iwantServed = new HashMap<>();

        PeerState(PeerId id) {
            this.id = id;
        }
    }

    private GossipSub(Builder b) {
        this.host = b.host;
        this.identity = b.identity;
        this.config = b.config;
        this.limits = config.rpcLimits();
        this.clock = b.clock;
        this.random = b.random;
        if (b.scheduler != null) {
            this.router = b.scheduler;
            this.ownsRouter = false;
        } else {
            this.router = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gossipsub-router"));
            this.ownsRouter = true;
        }
        if (b.callbackExecutor != null) {
            this.callbacks = b.callbackExecutor;
            this.ownedCallbacks = null;
        } else {
            this.ownedCallbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "gossipsub-callbacks"));
            this.callbacks = ownedCallbacks;
        }
        this.cache = new MessageCache(config.historyLength(), config.historyGossip());
        this.seen = new SeenCache(config.seenTtl().toMillis());
        this.nextSeqno = b.random.nextLong() & Long.MAX_VALUE;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A builder of a router over {@code host}, signing with {@code identity} (the host's own identity). */
    public static Builder builder(P2pHost host, HostIdentity identity) {
        return new Builder(host, identity);
    }

    /** The configuration. */
    public GossipConfig config() {
        return config;
    }

    /**
     * Binds the meshsub protocols on the host and starts the heartbeat. Idempotent.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("GossipSub is closed");
        }
        if (started) {
            return;
        }
        started = true;
        for (String protocol : List.of(MESHSUB_V11, MESHSUB_V10)) {
            host.bind(protocol, limits.maxFrameBytes(), stream -> router.execute(() -> onInbound(stream)));
        }
        long period = config.heartbeat().toMillis();
        router.scheduleWithFixedDelay(this::heartbeatSafely, period, period, TimeUnit.MILLISECONDS);
        router.execute(this::syncPeers);
    }

    /**
     * Subscribes to {@code topic}: accepted messages are handed to {@code handler} on the callback executor, once
     * per message id. Replaces an earlier handler of the topic.
     */
    public void subscribe(String topic, Consumer<GossipMessage> handler) {
        requireTopic(topic);
        Objects.requireNonNull(handler, "handler");
        requireOpen();
        boolean added = subscriptions.put(topic, handler) == null;
        if (added) {
            router.execute(() -> join(topic));
        }
    }

    /** Unsubscribes from {@code topic} (its mesh peers are pruned). */
    public void unsubscribe(String topic) {
        if (subscriptions.remove(topic) != null) {
            router.execute(() -> leave(topic));
        }
    }

    /** Sets the validator of {@code topic} (null removes it: every signed message is then accepted). */
    public void setValidator(String topic, MessageValidator validator) {
        requireTopic(topic);
        if (validator == null) {
            validators.remove(topic);
        } else {
            validators.put(topic, validator);
        }
    }

    /**
     * Signs and publishes {@code data} on {@code topic} (to every subscribed peer above the publish threshold under
     * flood publishing, else to the mesh or fanout).
     *
     * @return completes on the router thread with the message id and the number of peers it was sent to
     * @throws IllegalArgumentException when {@code data} exceeds the message limit
     * @throws IllegalStateException after {@link #close()}
     */
    public CompletableFuture<Published> publish(String topic, byte[] data) {
        requireTopic(topic);
        requireOpen();
        if (data.length > config.maxMessageBytes()) {
            throw new IllegalArgumentException("message of " + data.length + " bytes exceeds gossip_max_message_mb ("
                    + config.maxMessageBytes() + " bytes)");
        }
        return CompletableFuture.supplyAsync(() -> publishOnRouter(topic, data), router);
    }

    /** What {@link #publish} did. */
    public record Published(MessageId id, int peers) {
    }

    /** The counters so far. */
    public GossipStats stats() {
        Map<String, Long> byReason = new HashMap<>();
        rejected.forEach((k, v) -> byReason.put(k, v.sum()));
        return new GossipStats(received.get(), accepted.get(), byReason, ignored.get(), duplicates.get(),
                forwarded.get(), published.get(), violations.get());
    }

    /** The mesh peers of {@code topic} (a snapshot taken on the router thread). */
    public CompletableFuture<Set<PeerId>> meshPeers(String topic) {
        return CompletableFuture.supplyAsync(() -> Set.copyOf(mesh.getOrDefault(topic, Set.of())), router);
    }

    /** The peers known to be subscribed to {@code topic} (a snapshot taken on the router thread). */
    public CompletableFuture<Set<PeerId>> topicPeers(String topic) {
        return CompletableFuture.supplyAsync(() -> peers.values().stream().filter(p -> p.topics.contains(topic))
                .map(p -> p.id).collect(Collectors.toUnmodifiableSet()), router);
    }

    /** A peer's current score (0 for unknown peers). */
    public CompletableFuture<Double> score(PeerId peer) {
        return CompletableFuture.supplyAsync(() -> {
            PeerState p = peers.get(peer);
            return p == null ? 0.0 : score(p);
        }, router);
    }

    /** Unbinds the protocols, resets the streams and stops the owned executors (waits up to 5 s). Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        host.unbind(MESHSUB_V11);
        host.unbind(MESHSUB_V10);
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            peers.values().forEach(p -> {
                if (p.outbound != null) {
                    p.outbound.reset();
                }
            });
            peers.clear();
        }, router);
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the router thread is stuck or already stopped; the owned executors are stopped below regardless
        }
        if (ownsRouter) {
            router.shutdownNow();
        }
        if (ownedCallbacks != null) {
            ownedCallbacks.shutdownNow();
        }
    }

    // ---- router thread ----------------------------------------------------------------------------------------

    private PeerState peer(PeerId id) {
        return peers.computeIfAbsent(id, PeerState::new);
    }

    private void onInbound(P2pStream stream) {
        if (closed) {
            stream.reset();
            return;
        }
        PeerState p = peer(stream.remotePeer());
        ensureOutbound(p, stream.protocol());
        readLoop(stream);
    }

    private void readLoop(P2pStream stream) {
        AtomicLong arrived = new AtomicLong();
        // the time is taken where the frame completes (its last byte in), not when the router thread gets to it
        // headroom for StrictSign's prefix, so that the first message's signed bytes can be verified in place
        stream.readMessage(StrictSign.PREFIX_BYTES).whenComplete((frame, error) -> arrived.set(System.nanoTime())).whenCompleteAsync((frame, error) -> {
            if (closed) {
                stream.reset();
                return;
            }
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof ProtocolViolationException) {
                    violations.incrementAndGet();
                }
                return;
            }
            if (frame.isEmpty()) {
                stream.close();
                return;
            }
            Rpc rpc;
            try {
                rpc = RpcCodec.decodeInPlace(frame.get(), limits);
            } catch (ProtocolViolationException e) {
                violations.incrementAndGet();
                stream.reset();
                return;
            }
            handleRpc(stream.remotePeer(), rpc, arrived.get());
            readLoop(stream);
        }, router);
    }

    private void ensureOutbound(PeerState p, String protocol) {
        if (p.outbound != null || p.opening || closed) {
            return;
        }
        p.opening = true;
        host.newStream(p.id, protocol).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            if (cause instanceof NoSuchProtocolException && protocol.equals(MESHSUB_V11)) {
                return host.newStream(p.id, MESHSUB_V10);
            }
            return CompletableFuture.failedFuture(cause);
        }).whenCompleteAsync((stream, error) -> {
            p.opening = false;
            if (error != null || closed || peers.get(p.id) != p) {
                if (stream != null) {
                    stream.reset();
                }
                return;
            }
            p.outbound = stream;
            List<Rpc.Subscription> subs = subscriptions.keySet().stream().map(t -> new Rpc.Subscription(true, t)).toList();
            if (!subs.isEmpty()) {
                write(p, frame(RpcCodec.encode(Rpc.ofSubscriptions(subs))));
            }
            List<ByteBuffer[]> queued = new ArrayList<>(p.pending);
            p.pending.clear();
            queued.forEach(frame -> write(p, frame));
        }, router);
    }

    private void send(PeerState p, Rpc rpc) {
        sendFrame(p, frame(RpcCodec.encode(rpc)));
    }

    /** A frame in one part. */
    private static ByteBuffer[] frame(byte[] bytes) {
        return new ByteBuffer[] {ByteBuffer.wrap(bytes)};
    }

    /**
     * Writes the frame held by {@code parts} (shared, not copied: neither the parts nor their bytes are ever
     * modified, so one encoding serves every peer, and a forwarded message's data is written from the frame it
     * arrived in).
     */
    private CompletableFuture<Void> write(PeerState p, ByteBuffer[] parts) {
        P2pStream stream = p.outbound;
        return stream.writeMessageShared(parts).whenCompleteAsync((v, error) -> {
            if (error != null && p.outbound == stream) {
                p.outbound = null;
            }
        }, router);
    }

    /**
     * Sends {@code frame} to every peer of {@code to}. Writes share the frame's bytes, but a large frame is still
     * written to at most {@link #LARGE_FRAME_CONCURRENCY} peers at a time, so that the connections' outbound
     * buffers hold a few windows of it, not one per mesh peer.
     */
    private void sendToAll(List<PeerState> to, ByteBuffer[] frame) {
        long length = 0;
        for (ByteBuffer part : frame) {
            length += part.remaining();
        }
        if (length < LARGE_FRAME_BYTES) {
            to.forEach(t -> sendFrame(t, frame));
            return;
        }
        Iterator<PeerState> next = new ArrayList<>(to).iterator();
        for (int i = 0; i < LARGE_FRAME_CONCURRENCY; i++) {
            sendNextLarge(next, frame);
        }
    }

    private void sendNextLarge(Iterator<PeerState> next, ByteBuffer[] frame) {
        while (next.hasNext()) {
            PeerState p = next.next();
            if (closed || peers.get(p.id) != p) {
                continue;
            }
            if (p.outbound == null) {
                sendFrame(p, frame);
                continue;
            }
            write(p, frame).whenCompleteAsync((v, error) -> sendNextLarge(next, frame), router);
            return;
        }
    }

    private void syncPeers() {
        if (closed) {
            return;
        }
        Set<PeerId> connected = new HashSet<>();
        for (PeerInfo info : host.peers()) {
            connected.add(info.peerId());
            if (!info.identified() || peers.containsKey(info.peerId())) {
                continue;
            }
            if (info.protocols().contains(MESHSUB_V11)) {
                ensureOutbound(peer(info.peerId()), MESHSUB_V11);
            } else if (info.protocols().contains(MESHSUB_V10)) {
                ensureOutbound(peer(info.peerId()), MESHSUB_V10);
            }
        }
        for (PeerState p : List.copyOf(peers.values())) {
            if (!connected.contains(p.id)) {
                removePeer(p);
            } else if (p.outbound == null && !p.opening) {
                ensureOutbound(p, MESHSUB_V11);
            }
        }
    }

    private void removePeer(PeerState p) {
        peers.remove(p.id);
        mesh.values().forEach(s -> s.remove(p.id));
        fanout.values().forEach(s -> s.remove(p.id));
        if (p.outbound != null) {
            p.outbound.reset();
        }
    }

    private double score(PeerState p) {
        return config.invalidMessageWeight() * p.invalid * p.invalid;
    }

    private void handleRpc(PeerId from, Rpc rpc, long receivedNanos) {
        PeerState p = peer(from);
        if (score(p) < config.graylistThreshold()) {
            ignored.addAndGet(rpc.publish().size());
            return;
        }
        for (Rpc.Subscription s : rpc.subscriptions()) {
            if (s.subscribe()) {
                if (p.topics.size() < limits.maxSubscriptions()) {
                    p.topics.add(s.topic());
                }
            } else {
                p.topics.remove(s.topic());
                Set<PeerId> m = mesh.get(s.topic());
                if (m != null) {
                    m.remove(from);
                }
            }
        }
        for (Rpc.PubMessage m : rpc.publish()) {
            onMessage(p, m, receivedNanos);
        }
        handleControl(p, rpc.control());
    }

    private void onMessage(PeerState p, Rpc.PubMessage m, long receivedNanos) {
        if (!subscriptions.containsKey(m.topic())) {
            ignored.incrementAndGet();
            return;
        }
        Optional<StrictSign.Fault> fault = StrictSign.verify(m);
        if (fault.isPresent()) {
            reject(p, "signature:" + fault.get().name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        PeerId source = PeerId.fromBytes(m.from());
        MessageId id;
        try {
            id = config.messageIdFunction().apply(source, m.seqno(), m.data());
        } catch (IllegalArgumentException | InvalidPeerIdException e) {
            reject(p, "message-id");
            return;
        }
        if (!seen.add(id, clock.instant())) {
            duplicates.incrementAndGet();
            return;
        }
        if (source.equals(identity.peerId())) {
            ignored.incrementAndGet();
            return;
        }
        received.incrementAndGet();
        long seqno = ByteBuffer.wrap(m.seqno()).getLong();
        GossipMessage message = new GossipMessage(m.topic(), m.data(), source, seqno, id, p.id, receivedNanos);
        MessageValidator validator = validators.get(m.topic());
        if (validator == null) {
            onValidated(p, m, message, MessageValidator.Result.ACCEPT, null);
            return;
        }
        CompletableFuture.supplyAsync(() -> validator.validate(message), callbacks)
                .whenCompleteAsync((result, error) -> onValidated(p, m, message, result, error), router);
    }

    private void onValidated(PeerState p, Rpc.PubMessage m, GossipMessage message, MessageValidator.Result result,
            Throwable error) {
        if (error != null || result == null) {
            reject(p, "validator-error");
            return;
        }
        switch (result) {
            case REJECT -> reject(p, "validator");
            case IGNORE -> ignored.incrementAndGet();
            case ACCEPT -> {
                accepted.incrementAndGet();
                cache.put(message.id(), m);
                forward(m, message.from(), p.id);
                Consumer<GossipMessage> handler = subscriptions.get(m.topic());
                if (handler != null) {
                    callbacks.execute(() -> handler.accept(message));
                }
            }
        }
    }

    private void reject(PeerState p, String reason) {
        rejected.computeIfAbsent(reason, k -> new LongAdder()).increment();
        p.invalid += 1;
        if (score(p) < 0) {
            mesh.forEach((topic, peersOfTopic) -> {
                if (peersOfTopic.remove(p.id)) {
                    sendPrune(p, topic);
                }
            });
        }
    }

    private void forward(Rpc.PubMessage m, PeerId source, PeerId receivedFrom) {
        Set<PeerId> targets = mesh.getOrDefault(m.topic(), Set.of());
        List<PeerState> to = new ArrayList<>();
        for (PeerId id : targets) {
            PeerState target = peers.get(id);
            if (target != null && !id.equals(source) && !id.equals(receivedFrom) && score(target) >= 0) {
                to.add(target);
            }
        }
        if (!to.isEmpty()) {
            sendToAll(to, RpcCodec.messageFrameParts(m));
            forwarded.addAndGet(to.size());
        }
    }

    private void sendFrame(PeerState p, ByteBuffer[] frame) {
        if (p.outbound == null) {
            if (p.pending.size() < MAX_PENDING_FRAMES) {
                p.pending.add(frame); // frames are shared, not copied; beyond the bound gossip repairs what is lost
            }
            ensureOutbound(p, MESHSUB_V11);
        } else {
            write(p, frame);
        }
    }

    private Published publishOnRouter(String topic, byte[] data) {
        if (closed) {
            throw new IllegalStateException("GossipSub is closed");
        }
        Rpc.PubMessage m = StrictSign.sign(identity, topic, data, nextSeqno++);
        MessageId id = config.messageIdFunction().apply(identity.peerId(), m.seqno(), data);
        seen.add(id, clock.instant());
        cache.put(id, m);
        Set<PeerId> targets = new LinkedHashSet<>();
        if (config.floodPublish()) {
            for (PeerState p : peers.values()) {
                if (p.topics.contains(topic) && score(p) >= config.publishThreshold()) {
                    targets.add(p.id);
                }
            }
        } else if (mesh.containsKey(topic)) {
            targets.addAll(mesh.get(topic));
        } else {
            Set<PeerId> f = fanout.computeIfAbsent(topic, t -> new HashSet<>(pick(eligible(t, Set.of(), 0), config.d())));
            targets.addAll(f);
        }
        if (!mesh.containsKey(topic)) {
            fanoutLastPublish.put(topic, clock.instant());
        }
        sendToAll(targets.stream().map(peers::get).toList(), RpcCodec.messageFrameParts(m));
        published.incrementAndGet();
        if (subscriptions.containsKey(topic)) {
            Consumer<GossipMessage> handler = subscriptions.get(topic);
            GossipMessage own = new GossipMessage(topic, ByteBuffer.wrap(data), identity.peerId(), ByteBuffer.wrap(m.seqno()).getLong(),
                    id, identity.peerId(), System.nanoTime());
            callbacks.execute(() -> handler.accept(own));
        }
        return new Published(id, targets.size());
    }

    private void join(String topic) {
        if (!subscriptions.containsKey(topic) || mesh.containsKey(topic)) {
            return;
        }
        Set<PeerId> m = new HashSet<>();
        Set<PeerId> f = fanout.remove(topic);
        fanoutLastPublish.remove(topic);
        if (f != null) {
            f.stream().filter(id -> peers.containsKey(id) && !backedOff(topic, id)).limit(config.d()).forEach(m::add);
        }
        if (m.size() < config.d()) {
            m.addAll(pick(eligible(topic, m, 0), config.d() - m.size()));
        }
        mesh.put(topic, m);
        for (PeerState p : peers.values()) {
            Rpc.Control graft = m.contains(p.id)
                    ? new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of()) : Rpc.Control.EMPTY;
            if (p.outbound != null || m.contains(p.id)) {
                send(p, new Rpc(List.of(new Rpc.Subscription(true, topic)), List.of(), graft));
            }
        }
    }

    private void leave(String topic) {
        Set<PeerId> m = mesh.remove(topic);
        for (PeerState p : peers.values()) {
            Rpc.Control prune = m != null && m.contains(p.id)
                    ? new Rpc.Control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune(topic, config.pruneBackoff().toSeconds())))
                    : Rpc.Control.EMPTY;
            if (p.outbound != null) {
                send(p, new Rpc(List.of(new Rpc.Subscription(false, topic)), List.of(), prune));
            }
        }
    }

    private void handleControl(PeerState p, Rpc.Control c) {
        List<Rpc.Prune> prunes = new ArrayList<>();
        for (Rpc.Graft g : c.graft()) {
            String topic = g.topic();
            Set<PeerId> m = mesh.get(topic);
            if (m == null) {
                prunes.add(new Rpc.Prune(topic, config.pruneBackoff().toSeconds()));
            } else if (backedOff(topic, p.id) || score(p) < 0) {
                prunes.add(new Rpc.Prune(topic, config.pruneBackoff().toSeconds()));
            } else {
                m.add(p.id);
            }
        }
        for (Rpc.Prune prune : c.prune()) {
            Set<PeerId> m = mesh.get(prune.topic());
            if (m != null) {
                m.remove(p.id);
            }
            long seconds = Math.max(prune.backoffSeconds(), config.pruneBackoff().toSeconds());
            addBackoff(prune.topic(), p.id, seconds);
        }
        List<MessageId> want = new ArrayList<>();
        if (score(p) >= config.gossipThreshold()) {
            for (Rpc.IHave ihave : c.ihave()) {
                if (!mesh.containsKey(ihave.topic())) {
                    continue;
                }
                for (MessageId id : ihave.messageIds()) {
                    if (p.iwantAskedThisHeartbeat >= config.maxIHaveLength()) {
                        break;
                    }
                    if (!seen.contains(id)) {
                        want.add(id);
                        p.iwantAskedThisHeartbeat++;
                    }
                }
            }
        }
        List<Rpc.PubMessage> answers = new ArrayList<>();
        if (score(p) >= config.gossipThreshold()) {
            for (Rpc.IWant iwant : c.iwant()) {
                for (MessageId id : iwant.messageIds()) {
                    Rpc.PubMessage m = cache.get(id);
                    if (m == null) {
                        continue;
                    }
                    int served = p.iwantServed.merge(id, 1, Integer::sum);
                    if (served <= config.gossipRetransmission()) {
                        answers.add(m);
                    }
                }
            }
        }
        for (Rpc.PubMessage m : answers) {
            sendFrame(p, RpcCodec.messageFrameParts(m));
            forwarded.incrementAndGet();
        }
        if (!prunes.isEmpty() || !want.isEmpty()) {
            List<Rpc.IWant> iwant = want.isEmpty() ? List.of() : List.of(new Rpc.IWant(want));
            send(p, Rpc.ofControl(new Rpc.Control(List.of(), iwant, List.of(), prunes)));
        }
    }

    private void addBackoff(String topic, PeerId peer, long seconds) {
        backoff.computeIfAbsent(topic, t -> new HashMap<>()).merge(peer, clock.instant().plusSeconds(seconds),
                (a, b) -> a.isAfter(b) ? a : b);
    }

    private boolean backedOff(String topic, PeerId peer) {
        Instant until = backoff.getOrDefault(topic, Map.of()).get(peer);
        return until != null && until.isAfter(clock.instant());
    }

    private void sendPrune(PeerState p, String topic) {
        addBackoff(topic, p.id, config.pruneBackoff().toSeconds());
        send(p, Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(),
                List.of(new Rpc.Prune(topic, config.pruneBackoff().toSeconds())))));
    }

    /** Peers subscribed to {@code topic}, not in {@code exclude}, not backed off, with score >= {@code minScore}. */
    private List<PeerId> eligible(String topic, Set<PeerId> exclude, double minScore) {
        List<PeerId> out = new ArrayList<>();
        for (PeerState p : peers.values()) {
            if (p.topics.contains(topic) && !exclude.contains(p.id) && !backedOff(topic, p.id) && score(p) >= minScore) {
                out.add(p.id);
            }
        }
        return out;
    }

    private List<PeerId> pick(List<PeerId> from, int n) {
        List<PeerId> copy = new ArrayList<>(from);
        Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(n, copy.size()));
    }

    private void heartbeatSafely() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            // one failed heartbeat must not stop the schedule (the state is re-derived at the next one); reported
            System.getLogger(GossipSub.class.getName()).log(System.Logger.Level.WARNING, "gossipsub heartbeat failed", e);
        }
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        syncPeers();
        Map<PeerState, List<Rpc.Graft>> grafts = new HashMap<>();
        Map<PeerState, List<Rpc.Prune>> prunes = new HashMap<>();
        for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
            String topic = e.getKey();
            Set<PeerId> m = e.getValue();
            m.removeIf(id -> {
                PeerState p = peers.get(id);
                if (p == null) {
                    return true;
                }
                if (score(p) < 0 || !p.topics.contains(topic)) {
                    prunes.computeIfAbsent(p, k -> new ArrayList<>()).add(new Rpc.Prune(topic, config.pruneBackoff().toSeconds()));
                    addBackoff(topic, id, config.pruneBackoff().toSeconds());
                    return true;
                }
                return false;
            });
            if (m.size() < config.dLo()) {
                for (PeerId id : pick(eligible(topic, m, 0), config.d() - m.size())) {
                    m.add(id);
                    grafts.computeIfAbsent(peers.get(id), k -> new ArrayList<>()).add(new Rpc.Graft(topic));
                }
            } else if (m.size() > config.dHi()) {
                List<PeerId> excess = pick(new ArrayList<>(m), m.size() - config.d());
                for (PeerId id : excess) {
                    m.remove(id);
                    addBackoff(topic, id, config.pruneBackoff().toSeconds());
                    prunes.computeIfAbsent(peers.get(id), k -> new ArrayList<>()).add(new Rpc.Prune(topic, config.pruneBackoff().toSeconds()));
                }
            }
        }
        fanoutLastPublish.entrySet().removeIf(e -> {
            if (e.getValue().plus(config.fanoutTtl()).isBefore(now)) {
                fanout.remove(e.getKey());
                return true;
            }
            return false;
        });
        for (Map.Entry<String, Set<PeerId>> e : fanout.entrySet()) {
            e.getValue().removeIf(id -> !peers.containsKey(id) || !peers.get(id).topics.contains(e.getKey())
                    || score(peers.get(id)) < config.publishThreshold());
            if (e.getValue().size() < config.d()) {
                e.getValue().addAll(pick(eligible(e.getKey(), e.getValue(), config.publishThreshold()),
                        config.d() - e.getValue().size()));
            }
        }
        Map<PeerState, List<Rpc.IHave>> gossip = new HashMap<>();
        Set<String> gossipTopics = new HashSet<>(mesh.keySet());
        gossipTopics.addAll(fanout.keySet());
        for (String topic : gossipTopics) {
            List<MessageId> ids = cache.gossipIds(topic);
            if (ids.isEmpty()) {
                continue;
            }
            Set<PeerId> exclude = new HashSet<>(mesh.getOrDefault(topic, Set.of()));
            exclude.addAll(fanout.getOrDefault(topic, Set.of()));
            List<PeerId> candidates = new ArrayList<>();
            for (PeerState p : peers.values()) {
                if (p.topics.contains(topic) && !exclude.contains(p.id) && score(p) >= config.gossipThreshold()) {
                    candidates.add(p.id);
                }
            }
            int n = Math.max(config.dLazy(), (int) (config.gossipFactor() * candidates.size()));
            List<MessageId> announced = ids.size() > config.maxIHaveLength() ? ids.subList(0, config.maxIHaveLength()) : ids;
            for (PeerId id : pick(candidates, n)) {
                gossip.computeIfAbsent(peers.get(id), k -> new ArrayList<>()).add(new Rpc.IHave(topic, announced));
            }
        }
        Set<PeerState> controlled = new HashSet<>(grafts.keySet());
        controlled.addAll(prunes.keySet());
        controlled.addAll(gossip.keySet());
        for (PeerState p : controlled) {
            send(p, Rpc.ofControl(new Rpc.Control(gossip.getOrDefault(p, List.of()), List.of(),
                    grafts.getOrDefault(p, List.of()), prunes.getOrDefault(p, List.of()))));
        }
        for (PeerState p : peers.values()) {
            p.invalid = p.invalid * config.invalidMessageDecay() < 0.01 ? 0 : p.invalid * config.invalidMessageDecay();
            p.iwantAskedThisHeartbeat = 0;
        }
        if (++heartbeats % config.historyLength() == 0) {
            peers.values().forEach(p -> p.iwantServed.clear()); // ids older than the history are gone from the cache
        }
        backoff.values().forEach(m -> m.values().removeIf(until -> !until.isAfter(now)));
        backoff.values().removeIf(Map::isEmpty);
        cache.shift();
        seen.expire(now);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("GossipSub is closed");
        }
    }

    private static void requireTopic(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("a gossip topic must be non-empty: " + topic);
        }
    }

    /** Builds a {@link GossipSub}. Not thread-safe. */
    public static final class Builder {
        private final P2pHost host;
        private final HostIdentity identity;
        private GossipConfig config = GossipConfig.defaults();
        private ScheduledExecutorService scheduler;
        private Executor callbackExecutor;
        private Clock clock = Clock.systemUTC();
        private Random random = new java.security.SecureRandom();

        private Builder(P2pHost host, HostIdentity identity) {
            this.host = Objects.requireNonNull(host, "host");
            this.identity = Objects.requireNonNull(identity, "identity");
            if (!identity.peerId().equals(host.peerId())) {
                throw new IllegalArgumentException("the gossip identity " + identity.peerId()
                        + " is not the host's " + host.peerId());
            }
        }

        /** The parameters (default {@link GossipConfig#defaults()}). */
        public Builder config(GossipConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** A single-threaded scheduler to run the router on (not shut down by the router); default: its own. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Where validators and subscribers run (not shut down by the router); default: its own thread. */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The clock of caches and backoffs. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The randomness of peer selection and the initial sequence number. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The router (not started). */
        public GossipSub build() {
            return new GossipSub(this);
        }
    }
}
