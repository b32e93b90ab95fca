package io.icn.p2p.kad;

import io.icn.p2p.ProtocolViolationException;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated network of Kademlia nodes in one JVM, for tests and simulations (the 100-node lookup
 * benchmark). Every message is encoded and decoded with the real codec and its size limits, delivered
 * on the given executor after a fixed one-way latency, and counted. Peers can be taken offline, which
 * makes requests to them fail as unreachable.
 *
 * <p>Thread-safe. The executor stays the caller's; {@link #close} makes every endpoint refuse further
 * requests.
 */
public final class InMemoryKadNetwork implements AutoCloseable {
    private final ScheduledExecutorService executor;
    private final long latencyNanos;
    private final Map<ByteBuffer, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param executor delivers messages and runs timeouts
     * @param oneWayLatency the delay of each message (zero: delivered as soon as a thread is free)
     */
    public InMemoryKadNetwork(ScheduledExecutorService executor, Duration oneWayLatency) {
        this.executor = Objects.requireNonNull(executor, "executor");
        if (oneWayLatency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + oneWayLatency);
        }
        this.latencyNanos = oneWayLatency.toNanos();
    }

    /**
     * Adds a node described by {@code self}, enforcing {@code config}'s message limits.
     *
     * @throws IllegalArgumentException if a node with that id already joined
     */
    public KadNetwork join(KadPeer self, KadConfig config) {
        Endpoint e = new Endpoint(self, config);
        if (endpoints.putIfAbsent(self.idKey(), e) != null) {
            throw new IllegalArgumentException("a node with id " + self + " already joined");
        }
        return e;
    }

    /** Takes a node off the network (requests to it fail as unreachable) or back on. */
    public void setOnline(byte[] id, boolean online) {
        Endpoint e = endpoints.get(ByteBuffer.wrap(id));
        if (e == null) {
            throw new IllegalArgumentException("no node with id " + KadRecord.hex(id));
        }
        e.online = online;
    }

    /** Requests and one-way messages sent so far. */
    public long requests() {
        return requests.get();
    }

    /** Bytes of encoded messages sent so far (requests and responses). */
    public long bytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        closed.set(true);
    }

    private final class Endpoint implements KadNetwork {
        private final KadPeer self;
        private final KadConfig config;
        private volatile KadNetwork.InboundHandler handler;
        private volatile boolean online = true;

        Endpoint(KadPeer self, KadConfig config) {
            this.self = self;
            this.config = config;
        }

        @Override
        public KadPeer self() {
            return self;
        }

        @Override
        public void serve(InboundHandler h) {
            this.handler = h;
        }

        @Override
        public CompletableFuture<KadMessage> request(KadPeer peer, KadMessage request, Duration timeout) {
            return exchange(peer, request, timeout, true);
        }

        @Override
        public CompletableFuture<Void> send(KadPeer peer, KadMessage message, Duration timeout) {
            return exchange(peer, message, timeout, false).thenApply(m -> null);
        }

        private CompletableFuture<KadMessage> exchange(KadPeer peer, KadMessage request, Duration timeout,
                boolean expectResponse) {
            CompletableFuture<KadMessage> result = new CompletableFuture<>();
            if (closed.get()) {
                result.completeExceptionally(new KadClosedException("in-memory kad network is closed"));
                return result;
            }
            byte[] wire = KadMessageCodec.encode(request);
            if (wire.length > config.maxOutboundMessageBytes()) {
                result.completeExceptionally(new ProtocolViolationException("request of " + wire.length
                        + " bytes exceeds the outbound limit " + config.maxOutboundMessageBytes()));
                return result;
            }
            requests.incrementAndGet();
            bytes.addAndGet(wire.length);
            ScheduledFuture<?> timer = executor.schedule(() -> {
                if (!result.isDone()) {
                    result.completeExceptionally(new KadTimeoutException("no answer from " + peer + " within " + timeout));
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            result.whenComplete((r, e) -> timer.cancel(false));
            deliver(() -> {
                Endpoint target = endpoints.get(peer.idKey());
                InboundHandler h = target == null ? null : target.handler;
                if (target == null || !target.online || !online || h == null) {
                    result.completeExceptionally(new KadPeerUnreachableException("cannot reach " + peer));
                    return;
                }
                KadMessage response;
                try {
                    KadMessage in = KadMessageCodec.decode(wire, target.config.maxInboundMessageBytes());
                    response = h.handle(self, handler != null, in);
                } catch (RuntimeException e) {
                    result.completeExceptionally(new KadPeerUnreachableException("stream to " + peer + " reset: " + e, e));
                    return;
                }
                if (!expectResponse) {
                    result.complete(null);
                    return;
                }
                if (response == null) {
                    result.completeExceptionally(new KadPeerUnreachableException(peer + " closed the stream without an answer"));
                    return;
                }
                byte[] back = KadMessageCodec.encode(response);
                bytes.addAndGet(back.length);
                deliver(() -> {
                    try {
                        result.complete(KadMessageCodec.decode(back, config.maxInboundMessageBytes()));
                    } catch (KadException e) {
                        result.completeExceptionally(e);
                    }
                });
            });
            return result;
        }

        private void deliver(Runnable r) {
            if (latencyNanos == 0) {
                executor.execute(r);
            } else {
                executor.schedule(r, latencyNanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
