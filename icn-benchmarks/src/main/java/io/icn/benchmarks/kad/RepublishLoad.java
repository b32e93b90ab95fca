package io.icn.benchmarks.kad;

import io.icn.p2p.kad.InMemoryKadNetwork;
import io.icn.p2p.kad.KadConfig;
import io.icn.p2p.kad.KadMessage;
import io.icn.p2p.kad.KadNetwork;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.Kademlia;
import io.icn.p2p.kad.ManifestDht;
import io.icn.p2p.kad.ManifestRecord;
import io.icn.p2p.kad.ManifestSource;
import io.icn.p2p.kad.RecordValidator;
import io.icn.p2p.kad.RecordValidators;
import io.icn.p2p.kad.RepublishConfig;
import io.icn.storage.Cid;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load tool (not JMH): what republishing costs a node that holds many chunks. One publisher node and
 * {@code --peers} other real Kademlia nodes share an {@link InMemoryKadNetwork}; the publisher holds
 * {@code --chunks} chunks ({@link ManifestDht#hold}) and runs one record sweep (every manifest put under
 * {@code /icn/manifest/<cid>} and the bare CID to the 20 closest peers: two lookups and 40 PUT_VALUE per chunk) and
 * one provider sweep (a lookup and 20 ADD_PROVIDER per chunk), unpaced, {@code --in-flight} chunks at a time.
 * Measured: wall time, requests, and CPU time of the publisher's own threads (its lookups, sweeps, encoding and
 * the manifest source) beside the CPU of the whole process (which also runs the other nodes' request handling:
 * on a real network that is their CPU, not ours). Per hour of the default schedule (records hourly, providers
 * every 12 h) the CPU scales to {@code records + providers / 12}, and to 140,000 chunks linearly (every chunk costs
 * the same lookups in a network of a given size). The manifests carry placeholder signatures: republication does
 * not validate the node's own records again (a source keeps their signatures), and the peers here accept all.
 *
 * <pre>
 * java -Xmx6g -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.kad.RepublishLoad \
 *     [--chunks 20000] [--peers 200] [--in-flight 32] [--seed 1]
 * </pre>
 */
public final class RepublishLoad {
    private static final String FAKE_SIGNATURE = Base64.getEncoder().encodeToString(new byte[64]);

    private RepublishLoad() {
    }

    public static void main(String[] args) throws Exception {
        int chunks = 20_000;
        int peers = 200;
        int inFlight = 32;
        long seed = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--chunks" -> chunks = Integer.parseInt(args[i + 1]);
                case "--peers" -> peers = Integer.parseInt(args[i + 1]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Random random = new Random(seed);
        List<Thread> ownThreads = new CopyOnWriteArrayList<>();
        ScheduledExecutorService own = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "publisher");
            t.setDaemon(true);
            ownThreads.add(t);
            return t;
        });
        ScheduledExecutorService others = Executors.newScheduledThreadPool(2);
        KadConfig peerConfig = KadConfig.builder().refreshInterval(Duration.ofDays(1)).requestTimeout(Duration.ofSeconds(60))
                .queryTimeout(Duration.ofSeconds(120)).maxRecords(1_000_000).build();
        RecordValidators acceptAll = RecordValidators.of(RecordValidator.acceptAll()).with("icn", RecordValidator.acceptAll());
        List<Kademlia> nodes = new ArrayList<>();
        try (InMemoryKadNetwork network = new InMemoryKadNetwork(others, Duration.ZERO)) {
            for (int i = 0; i < peers; i++) {
                Kademlia k = Kademlia.builder(network.join(KadPeer.of(DhtLookupLoad.randomId(random), List.of()), peerConfig))
                        .config(peerConfig).validators(acceptAll).scheduler(others).random(new Random(random.nextLong()))
                        .build().start();
                nodes.add(k);
                if (i > 0) {
                    k.bootstrap(List.of(nodes.get(0).self())).orTimeout(60, TimeUnit.SECONDS).join();
                }
            }
            KadNetwork publisherNet = new Publisher(network.join(KadPeer.of(DhtLookupLoad.randomId(random), List.of()),
                    peerConfig), own, new AtomicLong());
            Kademlia publisher = Kademlia.builder(publisherNet).config(peerConfig).validators(RecordValidators.icn())
                    .scheduler(own).random(new Random(random.nextLong())).build().start();
            publisher.bootstrap(List.of(nodes.get(0).self())).orTimeout(60, TimeUnit.SECONDS).join();

            RepublishConfig schedule = new RepublishConfig(Duration.ofHours(1), Duration.ofHours(12), 0.8, inFlight, true);
            try (ManifestDht dht = new ManifestDht(publisher, manifests("12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5"),
                    schedule, own, System::nanoTime)) {
                for (int i = 0; i < chunks; i++) {
                    dht.hold(Cid.ofRaw(ByteBuffer.allocate(8).putLong(i).array()));
                }
                System.out.printf(Locale.ROOT, "republish sweep: %d chunks held by one node among %d peers, %d in flight,"
                        + " JDK %s, %d cores%n", chunks, peers, inFlight, Runtime.version(),
                        Runtime.getRuntime().availableProcessors());
                // warm-up: a tenth of the chunks, not measured
                Sweep warm = measure("warm-up (records)", ownThreads, network, () -> dht.republishRecords(Duration.ZERO));
                Sweep records = measure("records", ownThreads, network, () -> dht.republishRecords(Duration.ZERO));
                Sweep providers = measure("providers", ownThreads, network, () -> dht.reprovide(Duration.ZERO));
                double scale = 140_000.0 / chunks;
                double ownPerHour = (records.ownCpuSeconds + providers.ownCpuSeconds / 12) * scale;
                double allPerHour = (records.processCpuSeconds + providers.processCpuSeconds / 12) * scale;
                double wallPerHour = (records.wallSeconds + providers.wallSeconds / 12) * scale;
                System.out.printf(Locale.ROOT, "per hour of schedule at 140,000 chunks (x%.1f): publisher CPU %.0f s"
                        + " (%.2f %% of one core over the hour), whole simulation CPU %.0f s, unpaced wall %.0f s;"
                        + " warm-up sweep %.1f s%n", scale, ownPerHour, 100 * ownPerHour / 3600, allPerHour, wallPerHour,
                        warm.wallSeconds);
            }
            publisher.close();
        } finally {
            nodes.forEach(Kademlia::close);
            own.shutdownNow();
            others.shutdownNow();
        }
    }

    private record Sweep(double wallSeconds, double ownCpuSeconds, double processCpuSeconds) {
    }

    private static Sweep measure(String name, List<Thread> ownThreads, InMemoryKadNetwork network,
            java.util.function.Supplier<CompletableFuture<ManifestDht.SweepResult>> sweep) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long ownBefore = cpu(threads, ownThreads);
        long processBefore = os.getProcessCpuTime();
        long requestsBefore = network.requests();
        long t = System.nanoTime();
        ManifestDht.SweepResult r = sweep.get().orTimeout(2, TimeUnit.HOURS).join();
        double wall = (System.nanoTime() - t) / 1e9;
        double ownCpu = (cpu(threads, ownThreads) - ownBefore) / 1e9;
        double processCpu = (os.getProcessCpuTime() - processBefore) / 1e9;
        long requests = network.requests() - requestsBefore;
        System.out.printf(Locale.ROOT, "%s: %d chunks (%d failed) in %.1f s wall, %d requests (%.1f per chunk),"
                + " publisher CPU %.1f s (%.0f us per chunk), process CPU %.1f s%n", name, r.chunks(), r.failed(), wall,
                requests, (double) requests / Math.max(1, r.chunks()), ownCpu, 1e6 * ownCpu / Math.max(1, r.chunks()),
                processCpu);
        return new Sweep(wall, ownCpu, processCpu);
    }

    private static long cpu(ThreadMXBean threads, List<Thread> ownThreads) {
        long sum = 0;
        for (Thread t : ownThreads) {
            long c = threads.getThreadCpuTime(t.getId());
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    /**
     * The publisher's network: counts its requests and hops their callbacks to {@code own} (its own threads, so
     * that their CPU time is its own; {@code Runnable::run} to stay on the network's).
     */
    record Publisher(KadNetwork inner, Executor own, AtomicLong requests) implements KadNetwork {
        @Override
        public KadPeer self() {
            return inner.self();
        }

        @Override
        public CompletableFuture<KadMessage> request(KadPeer peer, KadMessage request, Duration timeout) {
            requests.incrementAndGet();
            return inner.request(peer, request, timeout).thenApplyAsync(m -> m, own);
        }

        @Override
        public CompletableFuture<Void> send(KadPeer peer, KadMessage message, Duration timeout) {
            requests.incrementAndGet();
            return inner.send(peer, message, timeout).thenApplyAsync(m -> m, own);
        }

        @Override
        public void serve(InboundHandler handler) {
            inner.serve(handler);
        }
    }

    /**
     * Manifests of every CID with placeholder signatures (republication does not validate the node's own records),
     * as a node's source would build them from its store's metadata.
     */
    static ManifestSource manifests(String publisherId) {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            hashes.add(ManifestRecord.sha256Hex(new byte[] {(byte) i}));
        }
        String fingerprint = ManifestRecord.sha256Hex(new byte[0]);
        return cid -> Optional.of(new ManifestRecord(cid, 14, List.of("/ip4/203.0.113.5/udp/9002/quic-v1"), fingerprint,
                1_765_000_000L, publisherId, 10, 4, 5_242_880, 52_428_800L, hashes, FAKE_SIGNATURE, FAKE_SIGNATURE));
    }
}
