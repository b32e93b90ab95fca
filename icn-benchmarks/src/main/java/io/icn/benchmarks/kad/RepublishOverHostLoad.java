package io.icn.benchmarks.kad;

import io.icn.p2p.HostIdentity;
import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pHost;
import io.icn.p2p.kad.HostKadNetwork;
import io.icn.p2p.kad.KadConfig;
import io.icn.p2p.kad.KadNetwork;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.Kademlia;
import io.icn.p2p.kad.ManifestDht;
import io.icn.p2p.kad.RecordValidator;
import io.icn.p2p.kad.RecordValidators;
import io.icn.p2p.kad.RepublishConfig;
import io.icn.storage.Cid;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load tool (not JMH): a record sweep as {@link RepublishLoad} runs it, but over the real libp2p host (TCP,
 * Noise, Yamux, a stream per request) on 127.0.0.1: one publisher and {@code --peers} peer nodes, all in this
 * process, each host with one event-loop thread. Reports the process CPU per request: both ends of every request
 * (the publisher's and the peer's work), so an upper bound of the publisher's own share.
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.kad.RepublishOverHostLoad [--chunks 1000] [--peers 30]
 * </pre>
 */
public final class RepublishOverHostLoad {
    private RepublishOverHostLoad() {
    }

    public static void main(String[] args) throws Exception {
        int chunks = 1000;
        int peers = 30;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--chunks" -> chunks = Integer.parseInt(args[i + 1]);
                case "--peers" -> peers = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (HostNetwork network = HostNetwork.start(peers)) {
            AtomicLong requests = network.requests;
            try (ManifestDht dht = new ManifestDht(network.publisher(), RepublishLoad.manifests(network.publisherPeerId()),
                    RepublishConfig.defaults(), network.executor, System::nanoTime)) {
                for (int i = 0; i < chunks; i++) {
                    dht.hold(Cid.ofRaw(ByteBuffer.allocate(8).putLong(i).array()));
                }
                com.sun.management.OperatingSystemMXBean os =
                        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                System.out.printf(Locale.ROOT, "records sweep over the host: %d chunks, %d peers on 127.0.0.1, JDK %s%n",
                        chunks, peers, Runtime.version());
                for (String round : List.of("warm-up", "measured")) {
                    long r0 = requests.get();
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    ManifestDht.SweepResult r = dht.republishRecords(Duration.ZERO).orTimeout(1, TimeUnit.HOURS).join();
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double cpu = (os.getProcessCpuTime() - c0) / 1e9;
                    long n = requests.get() - r0;
                    System.out.printf(Locale.ROOT, "%s: %d chunks (%d failed) in %.1f s, %d requests (%.1f per chunk),"
                            + " process CPU %.1f s = %.0f us per request (both ends)%n", round, r.chunks(), r.failed(),
                            wall, n, (double) n / r.chunks(), cpu, 1e6 * cpu / n);
                }
            }
        }
    }

    /**
     * One publisher and {@code peers} peer nodes over real hosts on 127.0.0.1 in this process (one event loop each),
     * bootstrapped through the first; the publisher counts its requests and validates as the node does, the peers
     * accept every record. Closing closes every node and host.
     */
    static final class HostNetwork implements AutoCloseable {
        final List<P2pHost> hosts = new ArrayList<>();
        final List<Kademlia> nodes = new ArrayList<>();
        final AtomicLong requests = new AtomicLong();
        final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);

        static HostNetwork start(int peers) throws Exception {
            return start(peers, true, List.of());
        }

        /**
         * {@code peers} peer nodes (accepting every record), and a publisher after them if {@code publisher}; each
         * bootstraps through {@code bootstrap} if given, else through the first node.
         */
        static HostNetwork start(int peers, boolean publisher, List<KadPeer> bootstrap) throws Exception {
            HostNetwork n = new HostNetwork();
            try {
                n.build(peers, publisher, bootstrap);
                return n;
            } catch (Exception | Error e) {
                n.close();
                throw e;
            }
        }

        private void build(int peers, boolean withPublisher, List<KadPeer> bootstrap) throws Exception {
            Random random = new Random(1);
            KadConfig config = KadConfig.builder().refreshInterval(Duration.ofDays(1)).requestTimeout(Duration.ofSeconds(30))
                    .queryTimeout(Duration.ofSeconds(120)).maxRecords(1_000_000).build();
            RecordValidators acceptAll = RecordValidators.of(RecordValidator.acceptAll()).with("icn", RecordValidator.acceptAll());
            int count = peers + (withPublisher ? 1 : 0);
            for (int i = 0; i < count; i++) {
                boolean publisher = withPublisher && i == count - 1;
                P2pHost host = P2pHost.builder().identity(HostIdentity.generate(new SecureRandom()))
                        .listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).ioThreads(1).build();
                hosts.add(host);
                host.start().get(10, TimeUnit.SECONDS);
                KadNetwork net = new HostKadNetwork(host, config, executor, executor, host::listenAddresses);
                if (publisher) {
                    net = new RepublishLoad.Publisher(net, Runnable::run, requests);
                }
                Kademlia k = Kademlia.builder(net).config(config).validators(publisher ? RecordValidators.icn() : acceptAll)
                        .scheduler(executor).random(new Random(random.nextLong())).build().start();
                nodes.add(k);
                if (!bootstrap.isEmpty()) {
                    k.bootstrap(bootstrap).orTimeout(60, TimeUnit.SECONDS).join();
                } else if (i > 0) {
                    k.bootstrap(List.of(nodes.get(0).self())).orTimeout(60, TimeUnit.SECONDS).join();
                }
            }
        }

        /** The first node's dialable address, {@code /ip4/127.0.0.1/tcp/<port>/p2p/<id>}. */
        Multiaddr firstAddress() {
            return hosts.get(0).listenAddresses().get(0).withPeerId(hosts.get(0).peerId());
        }

        Kademlia publisher() {
            return nodes.get(nodes.size() - 1);
        }

        String publisherPeerId() {
            return hosts.get(hosts.size() - 1).peerId().toString();
        }

        @Override
        public void close() {
            nodes.forEach(Kademlia::close);
            hosts.forEach(P2pHost::close);
            executor.shutdownNow();
        }
    }
}
