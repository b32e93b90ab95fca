package io.icn.node;

import io.icn.p2p.PeerId;
import io.icn.p2p.gossip.GossipMessage;
import io.icn.p2p.gossip.GossipStats;
import io.icn.p2p.gossip.GossipSub;
import io.icn.p2p.gossip.MessageValidator;
import io.icn.storage.Cid;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunks directors publish on GossipSub topic {@value #TOPIC}, taken into the node: the topic's validator
 * accepts a message only when its StrictSign-verified {@code from} is one of {@code trusted_directors} (anything
 * else is rejected before it is forwarded: counted by reason, and the peer that relayed it is penalised by the
 * router's scoring); an accepted message goes into a bounded queue, and one worker thread takes each through the
 * node's {@link ChunkIngest} (CID v1 raw SHA-256 of the data, encode, durable store, pinning, manifest and provider
 * into the DHT), as a put does. A chunk the node holds already (from a put, or from another peer's gossip under a
 * message id that differs) is stored once.
 *
 * <p><b>Backpressure.</b> Neither the router nor the host's event loops wait for ingest: the subscriber only
 * offers the message to the queue ({@code gossip_ingest_queue} chunks). When ingest falls behind and the queue is
 * full, the message is dropped (it was still forwarded), counted in {@code icn_super_node_gossip_ingest_dropped}
 * and logged with its id, size and publisher.
 *
 * <p><b>Memory.</b> The message's data, a slice of the RPC frame it was received in, is handed to the ingest as it
 * is ({@link GossipMessage#sharedData()}): no copy is made between the receive buffer and the store, which writes the
 * data shards from it.
 *
 * <p>Thread-safe. Owns its worker thread and its meters; not the router (the {@link NetworkService}'s) or the
 * ingest.
 */
public final class GossipIngest implements NodeService {
    /** The topic of video chunks. */
    public static final String TOPIC = "/icn/video/1.0.0";
    /** Rejection reason of a message whose signed publisher is not a trusted director. */
    public static final String UNTRUSTED = "untrusted_publisher";
    /** Rejection reason of a message without data. */
    public static final String EMPTY = "empty";

    private static final Logger LOG = LoggerFactory.getLogger(GossipIngest.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
    private static final long SYNC_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final GossipSub gossip;
    private final Set<PeerId> trusted;
    private final ChunkIngest ingest;
    private final long dealBlocks;
    private final BlockingQueue<GossipMessage> queue;
    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Counter> ownRejects = new ConcurrentHashMap<>();
    private final Set<String> routerReasons = ConcurrentHashMap.newKeySet();
    private final Counter dropped;
    private final Counter stored;
    private final Counter alreadyStored;
    private final Counter failed;
    private final Timer storedAndAnnounced;
    private final Thread worker;
    private volatile boolean closed;
    private volatile long lastSync;

    /**
     * @param gossip the node's router (started by the network service)
     * @param trusted the directors whose messages are accepted; not empty
     * @param dealBlocks the life of the deal the node makes for a chunk on the embedded chain
     * @param queueChunks accepted chunks waiting for ingest at most
     */
    GossipIngest(GossipSub gossip, Set<PeerId> trusted, ChunkIngest ingest, long dealBlocks, int queueChunks,
            MeterRegistry registry) {
        this.gossip = Objects.requireNonNull(gossip, "gossip");
        this.trusted = Set.copyOf(trusted);
        if (this.trusted.isEmpty()) {
            throw new IllegalArgumentException("gossip ingest needs at least one trusted director");
        }
        this.ingest = Objects.requireNonNull(ingest, "ingest");
        if (dealBlocks <= 0) {
            throw new IllegalArgumentException("dealBlocks must be positive: " + dealBlocks);
        }
        this.dealBlocks = dealBlocks;
        this.queue = new ArrayBlockingQueue<>(queueChunks);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.dropped = add(Counter.builder("icn_super_node_gossip_ingest_dropped")
                .description("accepted gossip chunks dropped because the ingest queue was full").register(registry));
        this.stored = chunks("stored");
        this.alreadyStored = chunks("already_stored");
        this.failed = chunks("failed");
        this.storedAndAnnounced = add(Timer.builder("icn_super_node_gossip_ingest_seconds")
                .description("from the last byte of a gossip chunk received to the chunk stored, pinned and announced")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry));
        this.worker = Threads.daemon("icn-gossip-ingest").newThread(this::run);
    }

    private Counter chunks(String result) {
        return add(Counter.builder("icn_super_node_gossip_chunks").tag("result", result)
                .description("gossip chunks taken through ingest, by result").register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    @Override
    public String name() {
        return "gossip-ingest";
    }

    @Override
    public void start() {
        routerCounter("icn_super_node_gossip_received", "gossip messages received for the first time", GossipStats::received);
        routerCounter("icn_super_node_gossip_accepted", "gossip messages accepted (delivered and forwarded)",
                GossipStats::accepted);
        routerCounter("icn_super_node_gossip_forwarded", "gossip message copies forwarded to peers",
                GossipStats::forwarded);
        routerCounter("icn_super_node_gossip_duplicates", "gossip messages received again (by message id)",
                GossipStats::duplicates);
        routerCounter("icn_super_node_gossip_ignored", "gossip messages ignored (topics not subscribed, graylisted"
                + " peers, own messages echoed)", GossipStats::ignored);
        routerCounter("icn_super_node_gossip_protocol_violations", "gossip RPC frames that broke the protocol",
                GossipStats::protocolViolations);
        add(Gauge.builder("icn_super_node_gossip_ingest_queue", queue, BlockingQueue::size)
                .description("accepted gossip chunks waiting for ingest").register(registry));
        ownRejects.computeIfAbsent(UNTRUSTED, this::rejectCounter);
        ownRejects.computeIfAbsent(EMPTY, this::rejectCounter);
        gossip.setValidator(TOPIC, this::validate);
        gossip.subscribe(TOPIC, this::enqueue);
        worker.start();
        LOG.info("gossip ingest on: topic={} trusted_directors={} message_id={} max_message_mb={} queue={}", TOPIC,
                trusted, gossip.config().messageIdFunction().configName(), gossip.config().maxMessageBytes() >> 20,
                queue.remainingCapacity());
    }

    private void routerCounter(String name, String doc, ToDoubleFunction<GossipStats> value) {
        add(FunctionCounter.builder(name, gossip, g -> value.applyAsDouble(g.stats())).description(doc).register(registry));
    }

    private Counter rejectCounter(String reason) {
        return add(Counter.builder("icn_super_node_gossip_rejected").tag("reason", reason)
                .description("gossip messages rejected before forwarding, by reason").register(registry));
    }

    /**
     * The router's own rejection reasons (bad signatures, message ids, validator errors) as meters, each once it
     * has occurred; the validator's verdicts are counted here under their own reasons instead of the router's
     * {@code validator}.
     */
    private void syncRouterReasons() {
        lastSync = System.nanoTime();
        for (String reason : gossip.stats().rejected().keySet()) {
            if (!"validator".equals(reason) && routerReasons.add(reason)) {
                add(FunctionCounter.builder("icn_super_node_gossip_rejected", gossip,
                        g -> g.stats().rejected().getOrDefault(reason, 0L)).tag("reason", reason)
                        .description("gossip messages rejected before forwarding, by reason").register(registry));
            }
        }
    }

    /** The topic's validator: runs on the router's callback thread, never blocks. */
    private MessageValidator.Result validate(GossipMessage m) {
        if (!trusted.contains(m.from())) {
            ownRejects.get(UNTRUSTED).increment();
            LOG.debug("gossip message {} rejected: publisher {} is not a trusted director (relayed by {})", m.id(),
                    m.from(), m.receivedFrom());
            return MessageValidator.Result.REJECT;
        }
        if (m.size() == 0) {
            ownRejects.get(EMPTY).increment();
            return MessageValidator.Result.REJECT;
        }
        return MessageValidator.Result.ACCEPT;
    }

    /** The topic's subscriber: queues the chunk, or drops it when the queue is full. Never blocks. */
    private void enqueue(GossipMessage m) {
        if (closed || !queue.offer(m)) {
            dropped.increment();
            LOG.warn("gossip ingest {}: dropped chunk message {} ({} bytes from {}); {} chunk(s) wait for ingest",
                    closed ? "is closing" : "is behind", m.id(), m.size(), m.from(), queue.size());
        }
    }

    private void run() {
        while (!closed) {
            GossipMessage m;
            try {
                m = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - lastSync > SYNC_NANOS) {
                syncRouterReasons();
            }
            if (m != null) {
                ingestOne(m);
            }
        }
    }

    private void ingestOne(GossipMessage m) {
        try {
            ByteBuffer chunk = m.sharedData(); // a slice of the RPC frame, read only: the router's cache shares it
            ChunkIngest.IngestedChunk done = ingest.ingestChunk(Cid.ofRaw(chunk), chunk, dealBlocks);
            storedAndAnnounced.record(System.nanoTime() - m.receivedNanos(), TimeUnit.NANOSECONDS);
            (done.alreadyStored() ? alreadyStored : stored).increment();
            LOG.info("gossip chunk stored cid={} bytes={} from={} already_stored={} deal={}", done.cid(), done.length(),
                    m.from(), done.alreadyStored(), done.dealId());
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warn("gossip chunk {} ({} bytes from {}) was not stored: {}", m.id(), m.size(), m.from(), e.toString());
        }
    }

    /** Chunks waiting for ingest now. */
    public int queued() {
        return queue.size();
    }

    /**
     * Unsubscribes, lets the chunk being ingested finish (up to 60 s; the worker is not interrupted, so no store
     * write is cut) and drops those still queued, logging how many. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            gossip.unsubscribe(TOPIC);
            gossip.setValidator(TOPIC, null);
        } catch (RuntimeException e) {
            LOG.debug("gossip router already closed: {}", e.toString());
        }
        int left = queue.size();
        queue.clear();
        if (left > 0) {
            LOG.warn("gossip ingest closing: {} queued chunk(s) dropped", left);
        }
        try {
            if (worker.isAlive()) {
                worker.join(CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn("gossip ingest: the chunk in progress did not finish within {} s", CLOSE_WAIT.toSeconds());
        }
        meters.forEach(registry::remove);
    }
}
