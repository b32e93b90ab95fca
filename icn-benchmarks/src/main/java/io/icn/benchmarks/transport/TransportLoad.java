package io.icn.benchmarks.transport;

import io.icn.erasure.ErasureCodec;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardStore;
import io.icn.transport.quic.CongestionControl;
import io.icn.transport.quic.NodeCertificate;
import io.icn.transport.quic.PeerKey;
import io.icn.transport.quic.ServerBusyException;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardClientBuilder;
import io.icn.transport.quic.ShardData;
import io.icn.transport.quic.ShardServer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Load tool (not JMH) for the transport figures in docs/benchmarks.md, "Transport (QUIC)", driven by
 * icn-benchmarks/run-transport-benchmarks.sh. It uses only the public API of {@code io.icn.transport.quic}.
 * A {@code main} with modes
 *
 * <ul>
 *   <li>{@code serve ROOT PORT CHUNKS SHARD_BYTES PAYLOAD [IO_THREADS]}: a file store at ROOT (filled with CHUNKS
 *       random RS(10,4) chunks if empty, CIDs listed in ROOT/cids.txt) served on 127.0.0.1:PORT ({@code -Dicn.load.host} for another address) by IO_THREADS
 *       event loops (default: available processors), socket buffers at the server's defaults; reads commands
 *       {@code stats} / {@code reset} (of the heap baseline) / {@code quit} on stdin and prints heap and meter
 *       figures (meter percentiles are Micrometer's decaying window of the last minutes);
 *       {@code -Dicn.load.congestionControl=bbr|cubic|reno} (default cubic) and {@code -Dicn.load.chunkKiB=N}
 *       (the server's read size, default 64) set those options;</li>
 *   <li>{@code relays PORT FP ROOT COUNT PAYLOAD}: COUNT clients (one connection each) fetch COUNT different
 *       whole shards at once, after {@code -Dicn.load.relayWarmRounds} (default 1) untimed rounds of the same;</li>
 *   <li>{@code streams PORT FP ROOT CONNECTIONS PER_CONNECTION RANGE PAYLOAD}: that many concurrent range requests;</li>
 *   <li>{@code single PORT FP ROOT REPEAT PARALLEL PAYLOAD}: PARALLEL connections each fetching whole shards
 *       REPEAT times;</li>
 *   <li>{@code https BASE_URL ROOT REPEAT PARALLEL}: the same over HTTPS (e.g. nginx serving ROOT) with the
 *       JDK HttpClient, one HTTP/1.1 connection per parallel worker.</li>
 *   <li>{@code chunk PORT FP ROOT REPEAT PAYLOAD}: one client fetches whole chunks through
 *       {@code ShardClient.fetchChunk} (its 10 data shards in parallel, rebuilt), 30 warm-up fetches (C2 has
 *       the receive path by then) then REPEAT timed ones, one at a time; prints each time and the median and minimum.</li>
 * </ul>
 */
public final class TransportLoad {

    private TransportLoad() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    args.length > 6 ? Integer.parseInt(args[6]) : Runtime.getRuntime().availableProcessors());
            case "relays" -> relays(Integer.parseInt(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            case "streams" -> streams(Integer.parseInt(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]));
            case "single" -> single(Integer.parseInt(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            case "https" -> https(args[1], Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "chunk" -> chunk(Integer.parseInt(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ---- server -----------------------------------------------------------------------------------------

    private static void serve(Path root, int port, int chunks, int shardBytes, int payload, int ioThreads)
            throws Exception {
        Path cidsFile = root.resolve("cids.txt");
        try (ShardStore store = ShardStore.open(root)) {
            if (!Files.exists(cidsFile)) {
                List<String> cids = new ArrayList<>();
                ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
                for (int c = 0; c < chunks; c++) {
                    byte[] chunk = new byte[shardBytes * 10];
                    new Random(c).nextBytes(chunk);
                    Cid cid = Cid.ofRaw(chunk);
                    store.putChunk(cid, codec.encode(chunk), new ChunkSpec(chunk.length, 10, 4, "", Long.MAX_VALUE));
                    cids.add(cid.toString());
                }
                Files.write(cidsFile, cids);
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            HeapSampler heap = new HeapSampler();
            try (ShardServer server = ShardServer.builder(store)
                    .bindAddress(new InetSocketAddress(HOST, port))
                    .certificate(NodeCertificate.selfSigned("bench", new SecureRandom()))
                    .perClientBandwidth(0, 1 << 20)
                    .peerKey(PeerKey.IP_AND_PORT)
                    .perClientRequestRate(1_000_000, 1_000_000)
                    .maxConnections(4096)
                    .maxUdpPayloadSize(payload)
                    .ioThreads(ioThreads)
                    .congestionControl(CongestionControl.parse(
                            System.getProperty("icn.load.congestionControl", "cubic")))
                    .chunkSize(Integer.getInteger("icn.load.chunkKiB", 64) * 1024)
                    .meterRegistry(registry)
                    .start()) {
                heap.reset();
                System.out.println("# server io_threads=" + ioThreads + " " + socketBufferReport());
                System.out.println("READY " + server.localAddress().getPort() + " " + server.certificateFingerprint());
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null;) {
                    switch (line.trim()) {
                        case "reset" -> {
                            heap.reset();
                            System.out.println("OK");
                        }
                        case "stats" -> {
                            System.out.println(heap.report() + " " + meters(registry));
                        }
                        case "quit" -> {
                            heap.close();
                            return;
                        }
                        default -> System.out.println("? " + line);
                    }
                    System.out.flush();
                }
            }
        }
    }

    /**
     * What the kernel grants for the server's default 8 MiB socket buffer request: Linux caps a request at
     * net.core.rmem_max / wmem_max (and books twice the granted value; the JDK reports the granted value).
     */
    private static String socketBufferReport() throws Exception {
        int requested = 8 * 1024 * 1024;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            probe.setReceiveBufferSize(requested);
            probe.setSendBufferSize(requested);
            return "socket_buffer_requested=" + requested + " rmem_max=" + sysctl("net/core/rmem_max") + " wmem_max="
                    + sysctl("net/core/wmem_max") + " effective_rcvbuf=" + probe.getReceiveBufferSize()
                    + " effective_sndbuf=" + probe.getSendBufferSize();
        }
    }

    private static String sysctl(String name) {
        try {
            // One buffered read: sysctl files answer a read at a non-zero offset with EOF.
            return Files.readAllLines(Path.of("/proc/sys", name)).get(0).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String meters(SimpleMeterRegistry registry) {
        StringBuilder sb = new StringBuilder();
        var ttfb = registry.find("icn.transport.ttfb").timer();
        if (ttfb != null) {
            sb.append("server_ttfb_count=").append(ttfb.count());
            for (ValueAtPercentile p : ttfb.takeSnapshot().percentileValues()) {
                sb.append(" server_ttfb_p").append((int) (p.percentile() * 100)).append("_ms=")
                        .append(String.format("%.2f", p.value(TimeUnit.MILLISECONDS)));
            }
        }
        registry.find("icn.transport.requests.refused").counters().forEach(c -> {
            if (c.count() > 0) {
                sb.append(" refused_").append(c.getId().getTag("reason")).append('=').append((long) c.count());
            }
        });
        var bytes = registry.find("icn.transport.bytes.served").counter();
        if (bytes != null) {
            sb.append(" bytes_served=").append((long) bytes.count());
        }
        return sb.toString();
    }

    /** Samples heap use every 5 ms; reports the peak above the baseline taken after a GC at reset. */
    private static final class HeapSampler implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong peak = new AtomicLong();
        private volatile long baseline;
        private volatile boolean running = true;
        private final Thread thread;

        HeapSampler() {
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void reset() {
            System.gc();
            baseline = memory.getHeapMemoryUsage().getUsed();
            peak.set(baseline);
        }

        String report() {
            long max = memory.getHeapMemoryUsage().getMax();
            return String.format("heap_baseline_mb=%.1f heap_peak_growth_mb=%.1f heap_max_mb=%.0f", baseline / 1e6,
                    (peak.get() - baseline) / 1e6, max / 1e6);
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }

    // ---- clients ----------------------------------------------------------------------------------------

    /** Client event loops: epoll where available, like the transport itself. The caller shuts them down. */
    private static EventLoopGroup eventLoops(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return new MultiThreadIoEventLoopGroup(threads, factory,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private static List<Cid> cids(Path root) throws Exception {
        List<Cid> list = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("cids.txt"))) {
            list.add(Cid.parse(line.trim()));
        }
        return list;
    }

    /**
     * A client of the load; {@code -Dicn.load.connectionWindowKiB=N} sets its connection receive window and
     * {@code -Dicn.load.ackDelayMicros=N} its ACK delay (0: an ACK at every read), the defaults are the library's.
     */
    private static ShardClientBuilder clientBuilder(String fingerprint, EventLoopGroup group, int payload) {
        ShardClientBuilder builder = ShardClient.builder();
        Long ackDelay = Long.getLong("icn.load.ackDelayMicros");
        if (ackDelay != null) {
            builder.ackDelay(Duration.ofNanos(ackDelay * 1000));
        }
        Long window = Long.getLong("icn.load.connectionWindowKiB");
        if (window != null) {
            builder.connectionReceiveWindow(window * 1024).streamReceiveWindow(Math.min(window * 1024, 4L << 20));
        }
        return builder.pinnedFingerprints(List.of(fingerprint)).eventLoopGroup(group)
                .maxUdpPayloadSize(payload).requestTimeout(Duration.ofSeconds(60)).connectTimeout(Duration.ofSeconds(20));
    }

    private static void relays(int port, String fp, Path root, int count, int payload) throws Exception {
        List<Cid> cids = cids(root);
        InetSocketAddress node = new InetSocketAddress(HOST, port);
        EventLoopGroup group = eventLoops(2, "load-relays");
        List<ShardClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(clientBuilder(fp, group, payload).maxAttempts(1).build());
            }
            // Connect every relay first so the figure is the transfer, as for relays with warm connections.
            List<CompletableFuture<?>> warm = new ArrayList<>();
            for (ShardClient c : clients) {
                warm.add(c.has(node, cids.get(0)));
            }
            CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            // One untimed round first (-Dicn.load.relayWarmRounds, default 1): the 100 relays share this one JVM,
            // whose receive path would otherwise run interpreted for much of the timed round, where real relays are
            // separate machines with warm JVMs. The first round's time is printed too.
            int warmRounds = Integer.getInteger("icn.load.relayWarmRounds", 1);
            for (int round = 0; round <= warmRounds; round++) {
                long start = System.nanoTime();
                List<CompletableFuture<ShardData>> fetches = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    fetches.add(clients.get(i).fetchShard(node, cids.get(i / 14 % cids.size()), i % 14));
                }
                long bytes = 0;
                int failed = 0;
                for (int i = 0; i < count; i++) {
                    try {
                        bytes += fetches.get(i).get(120, TimeUnit.SECONDS).bytes().length;
                    } catch (ExecutionException e) {
                        failed++;
                        System.out.println("failed: " + e.getCause());
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("%s relays=%d total_s=%.3f bytes=%d failed=%d aggregate_MBps=%.1f%n",
                        round < warmRounds ? "warm-up round:" : "timed round:", count, seconds, bytes, failed,
                        bytes / seconds / 1e6);
            }
        } finally {
            clients.forEach(ShardClient::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static void streams(int port, String fp, Path root, int connections, int perConnection, int range,
            int payload) throws Exception {
        List<Cid> cids = cids(root);
        InetSocketAddress node = new InetSocketAddress(HOST, port);
        EventLoopGroup group = eventLoops(2, "load-streams");
        List<ShardClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(clientBuilder(fp, group, payload).maxAttempts(1).build());
            }
            List<CompletableFuture<?>> warm = new ArrayList<>();
            for (ShardClient c : clients) {
                warm.add(c.has(node, cids.get(0)));
            }
            CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            Random random = new Random(7);
            long start = System.nanoTime();
            List<CompletableFuture<ShardData>> fetches = new ArrayList<>();
            long[] latency = new long[connections * perConnection];
            for (int c = 0; c < connections; c++) {
                for (int s = 0; s < perConnection; s++) {
                    int n = c * perConnection + s;
                    long submitted = System.nanoTime();
                    CompletableFuture<ShardData> f = clients.get(c).fetchRange(node, cids.get(n % cids.size()), n % 14,
                            (long) random.nextInt(64) * range, range);
                    f.whenComplete((d, e) -> latency[n] = System.nanoTime() - submitted);
                    fetches.add(f);
                }
            }
            Map<String, Integer> outcomes = new HashMap<>();
            List<Long> okLatency = new ArrayList<>();
            for (int n = 0; n < fetches.size(); n++) {
                String outcome;
                try {
                    fetches.get(n).get(120, TimeUnit.SECONDS);
                    outcome = "ok";
                } catch (ExecutionException e) {
                    outcome = e.getCause() instanceof ServerBusyException ? "busy" : e.getCause().getClass().getSimpleName();
                } catch (java.util.concurrent.TimeoutException e) {
                    outcome = "hung";
                }
                outcomes.merge(outcome, 1, Integer::sum);
                if (outcome.equals("ok")) {
                    okLatency.add(latency[n]);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] sorted = okLatency.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("streams=%d outcomes=%s total_s=%.3f client_64k_latency_p50_ms=%.1f p99_ms=%.1f%n",
                    fetches.size(), outcomes, seconds, pct(sorted, 0.50) / 1e6, pct(sorted, 0.99) / 1e6);
        } finally {
            clients.forEach(ShardClient::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static void single(int port, String fp, Path root, int repeat, int parallel, int payload) throws Exception {
        List<Cid> cids = cids(root);
        InetSocketAddress node = new InetSocketAddress(HOST, port);
        EventLoopGroup group = eventLoops(Math.min(parallel, 2), "load-single");
        List<ShardClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < parallel; i++) {
                clients.add(clientBuilder(fp, group, payload).build());
            }
            runWorkers("quic", parallel, repeat, (worker, i) -> clients.get(worker)
                    .fetchShard(node, cids.get(i % cids.size()), (worker + i) % 14).get(60, TimeUnit.SECONDS).bytes().length);
        } finally {
            clients.forEach(ShardClient::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The address the server binds and the clients connect to: {@code -Dicn.load.host} (default 127.0.0.1), e.g. the
     * server's end of a veth pair in a network namespace.
     */
    private static final String HOST = System.getProperty("icn.load.host", "127.0.0.1");

    /**
     * Fetches before the timed ones in {@code chunk} mode: after three, C2 had not yet compiled the receive path, and
     * fetches 10 to 19 still ran about 7 % slower than those after the twentieth (one JVM, 40 fetches, 2026-12-07).
     */
    private static final int CHUNK_WARMUPS = 30;

    private static void chunk(int port, String fp, Path root, int repeat, int payload) throws Exception {
        List<Cid> cids = cids(root);
        InetSocketAddress node = new InetSocketAddress(HOST, port);
        EventLoopGroup group = eventLoops(1, "load-chunk");
        try (ShardClient client = clientBuilder(fp, group, payload).build()) {
            double[] seconds = new double[repeat];
            long bytes = 0;
            for (int i = -CHUNK_WARMUPS; i < repeat; i++) {
                long start = System.nanoTime();
                long dropsBefore = ownUdpDrops();
                byte[] chunk = client.fetchChunk(List.of(node), cids.get(Math.floorMod(i, cids.size())))
                        .get(120, TimeUnit.SECONDS);
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                    bytes = chunk.length;
                    System.out.printf("chunk fetch %d: %d bytes %.3f s, datagrams dropped at this client's sockets %d%n",
                            i, chunk.length, seconds[i], ownUdpDrops() - dropsBefore);
                }
            }
            java.util.Arrays.sort(seconds);
            System.out.printf("chunk bytes=%d fetches=%d median_s=%.3f min_s=%.3f%n", bytes, repeat,
                    seconds[repeat / 2], seconds[0]);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Datagrams the kernel dropped at this process's UDP sockets (receive buffer full): the {@code drops} column of
     * {@code /proc/net/udp} and {@code udp6} for the socket inodes among {@code /proc/self/fd}. Unlike
     * {@code netstat -su} it counts no other process's drops. -1 where {@code /proc} is not there.
     */
    static long ownUdpDrops() {
        try {
            java.util.Set<String> inodes = new java.util.HashSet<>();
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        String link = Files.readSymbolicLink(fd).toString();
                        if (link.startsWith("socket:[")) {
                            inodes.add(link.substring(8, link.length() - 1));
                        }
                    } catch (java.io.IOException e) {
                        // closed meanwhile
                    }
                }
            }
            long drops = 0;
            for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (inodes.contains(f[9])) {
                        drops += Long.parseLong(f[f.length - 1]);
                    }
                }
            }
            return drops;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static void https(String base, Path root, int repeat, int parallel) throws Exception {
        List<Cid> cids = cids(root);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            clients.add(HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build());
        }
        runWorkers("https", parallel, repeat, (worker, i) -> {
            String path = String.format("%s/%s/shard_%02d.bin", base, cids.get(i % cids.size()), (worker + i) % 14);
            HttpResponse<byte[]> r = clients.get(worker).send(HttpRequest.newBuilder(URI.create(path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " -> " + r.statusCode());
            }
            return r.body().length;
        });
    }

    @FunctionalInterface
    private interface Fetch {
        int fetch(int worker, int iteration) throws Exception;
    }

    /** Each worker warms up twice, then fetches {@code repeat} times; prints throughput of the timed part. */
    private static void runWorkers(String label, int parallel, int repeat, Fetch fetch) throws Exception {
        List<Thread> threads = new ArrayList<>();
        long[] bytes = new long[parallel];
        long[][] perFetch = new long[parallel][repeat];
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(parallel + 1);
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < parallel; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                try {
                    fetch.fetch(worker, 100);
                    fetch.fetch(worker, 101);
                    barrier.await();
                    for (int i = 0; i < repeat; i++) {
                        long s = System.nanoTime();
                        bytes[worker] += fetch.fetch(worker, i);
                        perFetch[worker][i] = System.nanoTime() - s;
                    }
                    barrier.await();
                } catch (Throwable e) {
                    errors.add(e);
                    barrier.reset();
                }
            });
            t.start();
            threads.add(t);
        }
        long start = 0;
        double seconds = 0;
        try {
            barrier.await();
            start = System.nanoTime();
            barrier.await();
            seconds = (System.nanoTime() - start) / 1e9;
        } catch (java.util.concurrent.BrokenBarrierException e) {
            // A worker failed; its error is reported below.
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("worker failed", errors.get(0));
        }
        long total = Arrays.stream(bytes).sum();
        long[] all = Arrays.stream(perFetch).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%s parallel=%d fetches=%d bytes=%d total_s=%.3f aggregate_MBps=%.1f per_fetch_median_ms=%.1f"
                + " per_fetch_max_ms=%.1f%n", label, parallel, all.length, total, seconds, total / seconds / 1e6,
                pct(all, 0.5) / 1e6, all.length == 0 ? Double.NaN : all[all.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
