package io.icn.benchmarks.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import io.icn.benchmarks.LoadProcesses;
import io.icn.node.NodeConfig;
import io.icn.node.ServiceConfig;
import io.icn.node.SuperNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gossip ingest of a super-node on loopback, beside js↔js delivery of the same message in the same run: a js-libp2p
 * director ({@code interop/js/host-peer.mjs}, Ed25519 seed 01×32) is connected to a {@link SuperNode} in this JVM
 * (the director trusted, fsync on, its own embedded chain) and to a js subscriber; each round it publishes one
 * {@code --mib} message on {@code /icn/video/1.0.0}, flood-published to both at once. Reported per round:
 * <ul>
 *   <li>{@code node_ms}: the publish command sent → the node's chunk stored, pinned and announced (its
 *       {@code icn_super_node_gossip_chunks_total{result="stored"}} incremented, polled every 5 ms);</li>
 *   <li>{@code js_js_ms}: the same command → the js subscriber's delivery (its own clock's {@code t}); {@code lost}
 *       when it did not come within {@code --js-wait} seconds of the publish (js↔js sometimes loses a 50 MiB
 *       message on a loaded machine), which ends the run after that round's line;</li>
 *   <li>{@code heap_inflight_mib}: the highest used heap (sampled every millisecond) above the used heap after GC
 *       before the round, until the router accepted the message (received, decoded, verified, validated);</li>
 *   <li>{@code heap_total_mib}: the same until stored and announced (adds ingest: the chunk's 14 shards);</li>
 *   <li>{@code allocated_mib}: bytes allocated by every thread of this JVM during the round.</li>
 * </ul>
 * Sampled heap includes garbage not yet collected, so it bounds the cost from above. Takes the JMH lock.
 *
 * <pre>
 *   java -Xmx2g -cp benchmarks.jar io.icn.benchmarks.p2p.GossipIngestLoad --interop interop/js [--mib 50] [--rounds 3]
 *       [--js-wait 240]
 * </pre>
 */
public final class GossipIngestLoad {
    private static final String TOPIC = "/icn/video/1.0.0";
    private static final String DIRECTOR_SEED = "01".repeat(32);
    private static final String DIRECTOR = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5";

    private GossipIngestLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = LoadProcesses.options(args,
                "usage: GossipIngestLoad --interop DIR [--mib 50] [--rounds 3] [--js-wait 240] [--lock true|false]");
        Path interop = Path.of(o.getOrDefault("interop", "interop/js"));
        int mib = Integer.parseInt(o.getOrDefault("mib", "50"));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
        int jsWait = Integer.parseInt(o.getOrDefault("js-wait", "240"));
        if (!Files.isDirectory(interop.resolve("node_modules"))) {
            throw new IllegalStateException("no js peer in " + interop + ": run npm install there (or ./mvnw -pl icn-p2p verify)");
        }
        Path storage = Files.createTempDirectory("icn-gossip-load");
        NodeConfig d = NodeConfig.defaults(storage);
        NodeConfig config = d.withQuic(d.quic().withBind("127.0.0.1", 0))
                .withNetwork(d.network().withEnabled(true).withListenAddress("/ip4/127.0.0.1/tcp/0"))
                .withGossip(ServiceConfig.Gossip.DEFAULT.withTrustedDirectors(List.of(DIRECTOR)));
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(Boolean.parseBoolean(o.getOrDefault("lock", "true")), 3600);
                SuperNode node = SuperNode.builder(config).calibrateKernels(false).build()) {
            node.start();
            String nodeAddr = node.network().orElseThrow().listenAddresses().get(0);
            try (P2pThroughputLoad.Node director = P2pThroughputLoad.Node.start(interop, Map.of("RUN_SECONDS", "3600",
                    "SEND_COMMANDS", "1", "GOSSIP_TOPIC", TOPIC, "MSG_ID_FN", "blake3-hex", "SEED_HEX", DIRECTOR_SEED,
                    "DIAL", nodeAddr))) {
                String directorAddr = director.await("listening", 60).path("addrs").get(0).asText();
                try (P2pThroughputLoad.Node subscriber = P2pThroughputLoad.Node.start(interop, Map.of("RUN_SECONDS",
                        "3600", "GOSSIP_TOPIC", TOPIC, "MSG_ID_FN", "blake3-hex", "DIAL", directorAddr))) {
                    subscriber.await("ready", 60);
                    awaitMesh(director, 2);
                    for (int r = 0; r < rounds; r++) {
                        if (!round(node, director, subscriber, mib, r, jsWait)) {
                            LoadProcesses.log("the js subscriber did not deliver round %d's message in %d s; no more rounds"
                                    + " (js↔js lost it: the node's figures of the round stand)", r, jsWait);
                            break;
                        }
                    }
                }
            }
        } finally {
            LoadProcesses.run(120, "rm", "-rf", storage.toString());
        }
    }

    private static void awaitMesh(P2pThroughputLoad.Node director, int peers) throws Exception {
        for (int i = 0; i < 300; i++) {
            director.command("{\"id\":" + i + ",\"cmd\":\"mesh\"}");
            if (director.await("gossip:mesh", 10).path("peers").size() >= peers) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the director's mesh did not reach " + peers + " peers in 60 s");
    }

    /** One round; false when the js subscriber did not deliver the message within {@code jsWait} s of its publish. */
    private static boolean round(SuperNode node, P2pThroughputLoad.Node director, P2pThroughputLoad.Node subscriber,
            int mib, int round, int jsWait) throws Exception {
        MeterRegistry registry = node.meterRegistry();
        Counter stored = registry.find("icn_super_node_gossip_chunks").tag("result", "stored").counter();
        FunctionCounter accepted = registry.find("icn_super_node_gossip_accepted").functionCounter();
        double storedBefore = stored.count();
        double acceptedBefore = accepted.count();
        long baseline = LoadProcesses.usedHeapAfterGc();
        long allocatedBefore = allocatedBytes();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        AtomicLong peakInFlight = new AtomicLong(-1);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = memory.getHeapMemoryUsage().getUsed();
                peak.accumulateAndGet(used, Math::max);
                if (peakInFlight.get() < 0 && accepted.count() > acceptedBefore) {
                    peakInFlight.set(peak.get());
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long sent = System.currentTimeMillis();
        director.command("{\"id\":" + (1000 + round) + ",\"cmd\":\"publish\",\"bytes\":" + ((long) mib << 20)
                + ",\"seed\":\"round-" + round + "\"}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (stored.count() <= storedBefore) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the node did not store round " + round + "'s chunk in 600 s");
            }
            Thread.sleep(5);
        }
        long storedAt = System.currentTimeMillis();
        sampler.interrupt();
        sampler.join();
        long allocated = allocatedBytes() - allocatedBefore;
        long jsJs;
        try {
            JsonNode delivered = subscriber.await("gossip:message",
                    Math.max(1, jsWait - (System.currentTimeMillis() - sent) / 1000));
            jsJs = delivered.path("t").asLong() - sent;
        } catch (java.util.concurrent.TimeoutException e) {
            jsJs = -1;
        }
        long nodeMs = storedAt - sent;
        double size = (double) mib * (1 << 20);
        LoadProcesses.result(String.format(Locale.ROOT,
                "round=%d mib=%d node_ms=%d js_js_ms=%s node_over_js=%s heap_inflight_mib=%.0f (%.2fx) "
                        + "heap_total_mib=%.0f (%.2fx) allocated_mib=%.0f (%.2fx) loadavg=%s",
                round, mib, nodeMs, jsJs < 0 ? "lost" : Long.toString(jsJs),
                jsJs < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) nodeMs / jsJs),
                (peakInFlight.get() - baseline) / 1048576.0,
                (peakInFlight.get() - baseline) / size, (peak.get() - baseline) / 1048576.0, (peak.get() - baseline) / size,
                allocated / 1048576.0, allocated / size, loadAverage()));
        return jsJs >= 0;
    }

    /** Bytes allocated so far by every live thread of this JVM (HotSpot's per-thread counters). */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long n : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, n);
        }
        return total;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
