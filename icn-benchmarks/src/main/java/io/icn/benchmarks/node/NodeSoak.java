package io.icn.benchmarks.node;

import static io.icn.benchmarks.LoadProcesses.log;

import io.icn.benchmarks.LoadProcesses;
import io.icn.storage.Cid;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardData;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load tool (not JMH): a soak of one super-node under mixed load, with its heap and RSS sampled at a fixed
 * interval, for issue 6's "no growth trend". Default 30 minutes, a sample a minute.
 *
 * <h2>The node</h2>
 * Started as an operator starts it, {@code bin/icn-node run --config node.toml} (its own JVM, so the RSS is
 * the node's), on a fresh storage directory with the configuration defaults except: ports chosen by the system
 * on loopback, {@code block_time_secs = 1} and {@code audit_interval_blocks = 1} (an audit draw every block: at
 * the minimum stake's 2 %, about one audit of this node a minute, answered by its {@code AuditMonitor}),
 * {@code cleanup_interval_blocks = 60} (the node's own cleanup every minute), {@code chain_retention_blocks = 300}
 * (the chain forgets an expired deal 5 minutes after its end, so its memory reaches its steady state within the
 * run; the default, a day, would not). Storage stays bounded because every deal is short: 30 to 120 blocks.
 *
 * <h2>The load</h2>
 * Each on its own thread, paced, every result checked:
 * <ul>
 *   <li><b>puts</b> every {@code --put-interval-ms}: a chunk of 1 to 8 MiB of fresh random bytes through
 *       {@code POST /admin/put?deal_blocks=N} (N uniform in 30..120); the answer must name the chunk's raw CID,
 *       not {@code already_stored};</li>
 *   <li><b>QUIC gets</b> every {@code --get-interval-ms}, alternating: a whole chunk ({@code fetchChunk} with a
 *       long-lived {@link ShardClient} pinned to the node's certificate; the bytes must hash to the CID) and a
 *       random range of up to 64 KiB of a random data shard (compared with the bytes that were put). Only chunks
 *       whose deal has at least 15 blocks left are read, so that no read races the cleanup;</li>
 *   <li><b>gets via the admin path</b> every {@code --admin-get-secs}: what {@code icn-node get} does without
 *       {@code --from}: {@code GET /admin/status} for the QUIC address and fingerprint, a new client pinned to
 *       it, a whole chunk, the client closed (a connection set up and torn down each time);</li>
 *   <li><b>cleanups</b> every {@code --cleanup-secs}: {@code POST /admin/cleanup}; every CID it deletes must
 *       have expired (its deal's expiry at or before the pass's block); besides, the node's own scheduled
 *       cleanup runs every 60 blocks;</li>
 *   <li><b>audits</b>: the local chain's, answered by the node; the outcome is read from its metrics
 *       ({@code icn_super_node_audit_success_total}, {@code icn_super_node_audit_failure_total}).</li>
 * </ul>
 *
 * <h2>Samples</h2>
 * At the start and every {@code --sample-secs}: the node's {@code VmRSS}; {@code /metrics} (used heap, the
 * collector's live-data size, non-heap, direct buffers, live threads, open file descriptors, audit and cleanup
 * counters); then a full GC in the node ({@code jcmd GC.run}) and the used heap and RSS after it; then
 * {@code /admin/usage} (chunks, bytes stored, hot-shard cache bytes) and the tool's operation counts. One CSV row
 * each ({@code samples.csv}). At the end: the least-squares slope, in MB per minute, of the heap after GC, the
 * RSS and the others over all samples and over those after the warm-up (the first third of the run, at most
 * 10 minutes: stored chunks, the chain's retained deals and the JIT settle), the operation totals, and every
 * error. Any error of the load, an ERROR line in the node's log, a failed audit, or the node's death fails the
 * run (exit 1).
 *
 * <pre>
 * java -cp icn-benchmarks/target/benchmarks.jar io.icn.benchmarks.node.NodeSoak \
 *     [--minutes 30] [--sample-secs 60] [--out DIR] [--dir /tmp] [--script bin/icn-node] [--java-opts ''] \
 *     [--put-interval-ms 1000] [--min-mib 1] [--max-mib 8] [--get-interval-ms 500] [--admin-get-secs 10] \
 *     [--cleanup-secs 30] [--seed n] [--keep false] [--lock-wait 3600] [--lock-held-by-caller false]
 * </pre>
 */
public final class NodeSoak {
    private static final int MIN_DEAL_BLOCKS = 30;
    private static final int MAX_DEAL_BLOCKS = 120;
    private static final int READ_MARGIN_BLOCKS = 15;
    private static final int MAX_RANGE = 64 << 10;
    private static final Pattern PUT = Pattern.compile(
            "\"cid\":\"([a-z2-7]+)\",\"offset\":0,\"length\":(\\d+),\"deal\":\"[0-9a-f]+\",\"expires_at\":(\\d+),"
                    + "\"already_stored\":(true|false)");
    private static final Pattern QUIC = Pattern.compile("\"quic\":\"([^\"]+)\"");
    private static final Pattern FINGERPRINT = Pattern.compile("\"quic_fingerprint\":\"([0-9a-f]{64})\"");
    private static final Pattern DELETED = Pattern.compile("\"deleted\":\\[([^\\]]*)\\]");

    /** A chunk the soak put and may read: where its bytes come from, and when its deal ends. */
    private record Live(Cid cid, long contentId, int length, long expiresAt) {
    }

    private final Map<String, String> opt;
    private final NodeProcess node;
    private final long seed;
    private final Map<Cid, Live> live = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong errorCount = new AtomicLong();
    private final AtomicLong block = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong putBytes = new AtomicLong();
    private final AtomicLong quicChunks = new AtomicLong();
    private final AtomicLong quicRanges = new AtomicLong();
    private final AtomicLong adminGets = new AtomicLong();
    private final AtomicLong getBytes = new AtomicLong();
    private final AtomicLong cleanups = new AtomicLong();
    private final AtomicLong cleanupDeleted = new AtomicLong();
    private final AtomicLong cleanupFreed = new AtomicLong();
    private final List<Double> putMs = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Double> chunkGetMs = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Double> rangeGetMs = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;

    private NodeSoak(Map<String, String> opt, NodeProcess node, long seed) {
        this.opt = opt;
        this.node = node;
        this.seed = seed;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        double minutes = Double.parseDouble(opt.getOrDefault("minutes", "30"));
        int sampleSecs = Integer.parseInt(opt.getOrDefault("sample-secs", "60"));
        Path script = Path.of(opt.getOrDefault("script", "bin/icn-node")).toAbsolutePath();
        Path out = Files.createDirectories(Path.of(opt.getOrDefault("out",
                "icn-benchmarks/target/results/node/soak")).toAbsolutePath());
        Path dir = Path.of(opt.getOrDefault("dir", System.getProperty("java.io.tmpdir")));
        long seed = Long.parseLong(opt.getOrDefault("seed", Long.toString(System.nanoTime())));
        long lockWait = Long.parseLong(opt.getOrDefault("lock-wait", "3600"));
        boolean keep = Boolean.parseBoolean(opt.getOrDefault("keep", "false"));
        if (!Files.isExecutable(script)) {
            throw new IllegalArgumentException("--script " + script + " is not an executable (run from the checkout's"
                    + " root, or pass --script /path/to/bin/icn-node)");
        }
        boolean takeLock = !Boolean.parseBoolean(opt.getOrDefault("lock-held-by-caller", "false"));
        int exit;
        try (LoadProcesses.JmhLock lock = LoadProcesses.jmhLock(takeLock, lockWait)) {
            Path work = Files.createTempDirectory(dir, "icn-node-soak-");
            try {
                Path toml = writeConfig(work);
                log("soak: %.1f min, a sample every %d s, seed %d, node storage %s, results %s", minutes, sampleSecs,
                        seed, work.resolve("data"), out);
                try (NodeProcess node = NodeProcess.start(script, toml, out.resolve("node.log"),
                        opt.getOrDefault("java-opts", ""), Map.of())) {
                    node.awaitRunning(Duration.ofMinutes(5));
                    log("node RUNNING after %.0f ms: pid %d, admin %s, quic %s:%d, java %s", node.msToRunning(),
                            node.pid(), node.adminUrl(), node.quicHost(), node.quicPort(), node.javaHome());
                    exit = new NodeSoak(opt, node, seed).run(Duration.ofMillis(Math.round(minutes * 60_000)),
                            Duration.ofSeconds(sampleSecs), out);
                }
            } finally {
                if (keep) {
                    log("kept %s", work);
                } else {
                    new ProcessBuilder("rm", "-rf", work.toString()).inheritIO().start().waitFor();
                }
            }
        }
        System.exit(exit);
    }

    private static Path writeConfig(Path work) throws IOException {
        Path toml = work.resolve("node.toml");
        Files.writeString(toml, NodeProcess.loopbackConfig(
                "# NodeSoak: the defaults of docs/configuration.md but for these", work.resolve("data"),
                "block_time_secs = 1",
                "audit_interval_blocks = 1",
                "cleanup_interval_blocks = 60",
                "chain_retention_blocks = 300",
                "deal_blocks = " + MAX_DEAL_BLOCKS));
        return toml;
    }

    // ---- the run -------------------------------------------------------------------------------------------

    private int run(Duration duration, Duration interval, Path out) throws Exception {
        int putIntervalMs = Integer.parseInt(opt.getOrDefault("put-interval-ms", "1000"));
        int getIntervalMs = Integer.parseInt(opt.getOrDefault("get-interval-ms", "500"));
        int adminGetSecs = Integer.parseInt(opt.getOrDefault("admin-get-secs", "10"));
        int cleanupSecs = Integer.parseInt(opt.getOrDefault("cleanup-secs", "30"));
        int minMib = Integer.parseInt(opt.getOrDefault("min-mib", "1"));
        int maxMib = Integer.parseInt(opt.getOrDefault("max-mib", "8"));
        InetSocketAddress quic = new InetSocketAddress(node.quicHost(), node.quicPort());

        List<Thread> load = new ArrayList<>();
        try (ShardClient client = ShardClient.builder().pinnedFingerprints(List.of(node.fingerprint())).build();
                PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("samples.csv")), true)) {
            readBlock();
            load.add(loop("status", 2_000, this::readBlock));
            SplittableRandom putRandom = new SplittableRandom(seed);
            AtomicLong contentIds = new AtomicLong();
            load.add(loop("put", putIntervalMs, () -> put(putRandom, contentIds.getAndIncrement(), minMib, maxMib)));
            SplittableRandom getRandom = new SplittableRandom(seed + 1);
            AtomicLong gets = new AtomicLong();
            load.add(loop("quic-get", getIntervalMs, () -> {
                if (gets.getAndIncrement() % 2 == 0) {
                    getChunk(client, quic, getRandom);
                } else {
                    getRange(client, quic, getRandom);
                }
            }));
            SplittableRandom adminRandom = new SplittableRandom(seed + 2);
            load.add(loop("admin-get", adminGetSecs * 1000, () -> getViaAdmin(adminRandom)));
            load.add(loop("cleanup", cleanupSecs * 1000, this::cleanup));
            for (Thread t : load) {
                t.start();
            }

            List<Sample> samples = new ArrayList<>();
            csv.println(Sample.HEADER);
            long t0 = System.nanoTime();
            long end = t0 + duration.toNanos();
            for (long next = t0; ; next += interval.toNanos()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
                if (!node.alive()) {
                    error("node", "the node process ended (exit " + node.exitCode() + ")");
                    break;
                }
                Sample s = sample((System.nanoTime() - t0) / 60e9);
                samples.add(s);
                csv.println(s.csv());
                log("%s", s.line());
                if (next + interval.toNanos() > end + interval.toNanos() / 2) {
                    break;
                }
            }
            stopping = true;
            for (Thread t : load) {
                t.interrupt();
                t.join(120_000);
            }
            double stopMs = node.alive() ? node.stop(Duration.ofMinutes(2)) : Double.NaN;
            String summary = summary(samples, duration, interval, stopMs);
            Files.writeString(out.resolve("summary.md"), summary);
            Files.write(out.resolve("errors.txt"), errors);
            System.out.println("\n" + summary);
            return errorCount.get() == 0 ? 0 : 1;
        } finally {
            stopping = true;
            for (Thread t : load) {
                t.interrupt();
            }
        }
    }

    /** An operation the load repeats. */
    private interface Op {
        void run() throws Exception;
    }

    /** A thread running {@code op} every {@code periodMs} (fixed rate; a slow op delays the next) until stopped. */
    private Thread loop(String name, long periodMs, Op op) {
        Thread t = new Thread(() -> {
            long next = System.nanoTime();
            while (!stopping) {
                try {
                    op.run();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception | AssertionError e) {
                    if (!stopping) {
                        error(name, e.toString());
                    }
                }
                next += TimeUnit.MILLISECONDS.toNanos(periodMs);
                long wait = next - System.nanoTime();
                try {
                    if (wait > 0) {
                        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                    } else {
                        next = System.nanoTime(); // behind: do not burst to catch up
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "soak-" + name);
        t.setDaemon(true);
        return t;
    }

    private void error(String op, String message) {
        long n = errorCount.incrementAndGet();
        String line = Instant.now() + " " + op + ": " + message;
        errors.add(line);
        if (n <= 100) {
            log("ERROR %s", line);
        }
    }

    // ---- operations ----------------------------------------------------------------------------------------

    private void readBlock() throws Exception {
        block.set(NodeColdStartLoad.jsonLong(node.admin("/admin/status"), "current_block"));
    }

    /** The bytes of content {@code id}: reproducible, so that reads can be compared without keeping them. */
    private byte[] content(long id, int length) {
        byte[] b = new byte[length];
        new SplittableRandom(NodeColdStartLoad.streamSeed(seed, id)).nextBytes(b);
        return b;
    }

    private void put(SplittableRandom r, long id, int minMib, int maxMib) throws Exception {
        int length = r.nextInt(minMib << 20, (maxMib << 20) + 1);
        int dealBlocks = r.nextInt(MIN_DEAL_BLOCKS, MAX_DEAL_BLOCKS + 1);
        byte[] bytes = content(id, length);
        Cid cid = Cid.ofRaw(bytes);
        long t0 = System.nanoTime();
        NodeProcess.Reply reply = node.http("POST", node.adminUrl() + "/admin/put?deal_blocks=" + dealBlocks, bytes,
                Duration.ofMinutes(2)).requireOk("put");
        putMs.add((System.nanoTime() - t0) / 1e6);
        Matcher m = PUT.matcher(reply.body());
        if (!m.find() || !m.group(1).equals(cid.toString()) || Integer.parseInt(m.group(2)) != length
                || !m.group(4).equals("false")) {
            throw new IllegalStateException("put of " + cid + " (" + length + " B) answered " + reply.body().trim());
        }
        live.put(cid, new Live(cid, id, length, Long.parseLong(m.group(3))));
        puts.incrementAndGet();
        putBytes.addAndGet(length);
    }

    /** A random chunk whose deal has a margin left, or null if there is none yet. */
    private Live pick(SplittableRandom r) {
        long now = block.get();
        List<Live> readable = live.values().stream().filter(l -> l.expiresAt - now >= READ_MARGIN_BLOCKS).toList();
        return readable.isEmpty() ? null : readable.get(r.nextInt(readable.size()));
    }

    private void getChunk(ShardClient client, InetSocketAddress quic, SplittableRandom r) throws Exception {
        Live l = pick(r);
        if (l == null) {
            return;
        }
        long t0 = System.nanoTime();
        byte[] chunk = client.fetchChunk(List.of(quic), l.cid).get(2, TimeUnit.MINUTES);
        chunkGetMs.add((System.nanoTime() - t0) / 1e6);
        check(l, chunk);
        quicChunks.incrementAndGet();
        getBytes.addAndGet(chunk.length);
    }

    private void getRange(ShardClient client, InetSocketAddress quic, SplittableRandom r) throws Exception {
        Live l = pick(r);
        if (l == null) {
            return;
        }
        int shardLength = (l.length + 9) / 10;
        int shard = r.nextInt(10);
        int length = r.nextInt(1, Math.min(MAX_RANGE, shardLength) + 1);
        int offset = r.nextInt(shardLength - length + 1);
        long t0 = System.nanoTime();
        ShardData data = client.fetchRange(quic, l.cid, shard, offset, length).get(2, TimeUnit.MINUTES);
        rangeGetMs.add((System.nanoTime() - t0) / 1e6);
        byte[] got = data.bytes();
        byte[] want = new byte[length]; // data shard i is the chunk's bytes [i*L, (i+1)*L), zero-padded at the end
        byte[] content = content(l.contentId, l.length);
        long from = (long) shard * shardLength + offset;
        int available = (int) Math.max(0, Math.min(length, content.length - from));
        System.arraycopy(content, (int) Math.min(from, content.length), want, 0, available);
        if (!Arrays.equals(got, want)) {
            throw new IllegalStateException("range " + offset + "+" + length + " of shard " + shard + " of " + l.cid
                    + " differs from the bytes put (" + got.length + " bytes read)");
        }
        quicRanges.incrementAndGet();
        getBytes.addAndGet(got.length);
    }

    private void getViaAdmin(SplittableRandom r) throws Exception {
        Live l = pick(r);
        if (l == null) {
            return;
        }
        String status = node.admin("/admin/status");
        Matcher q = QUIC.matcher(status);
        Matcher f = FINGERPRINT.matcher(status);
        if (!q.find() || !f.find()) {
            throw new IllegalStateException("/admin/status names no QUIC endpoint: " + status);
        }
        String hostPort = q.group(1);
        int colon = hostPort.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        try (ShardClient fresh = ShardClient.builder().pinnedFingerprints(List.of(f.group(1))).build()) {
            byte[] chunk = fresh.fetchChunk(List.of(address), l.cid).get(2, TimeUnit.MINUTES);
            check(l, chunk);
            adminGets.incrementAndGet();
            getBytes.addAndGet(chunk.length);
        }
    }

    private static void check(Live l, byte[] chunk) throws Exception {
        if (chunk.length != l.length
                || !Arrays.equals(MessageDigest.getInstance("SHA-256").digest(chunk), l.cid.digest())) {
            throw new IllegalStateException("chunk " + l.cid + " read back as " + chunk.length + " bytes that do not"
                    + " hash to its CID (put " + l.length + " bytes)");
        }
    }

    private void cleanup() throws Exception {
        NodeProcess.Reply r = node.http("POST", node.adminUrl() + "/admin/cleanup", null, Duration.ofMinutes(2))
                .requireOk("cleanup");
        long passBlock = NodeColdStartLoad.jsonLong(r.body(), "block");
        Matcher m = DELETED.matcher(r.body());
        if (!m.find()) {
            throw new IllegalStateException("cleanup answered without a deleted list: " + r.body());
        }
        for (String quoted : m.group(1).split(",")) {
            if (quoted.isBlank()) {
                continue;
            }
            Cid cid = Cid.parse(quoted.trim().replace("\"", ""));
            Live l = live.remove(cid);
            if (l != null && l.expiresAt > passBlock) {
                error("cleanup", "deleted " + cid + " at block " + passBlock + ", but its deal runs to " + l.expiresAt);
            }
            cleanupDeleted.incrementAndGet();
        }
        cleanupFreed.addAndGet(NodeColdStartLoad.jsonLong(r.body(), "bytes_freed"));
        cleanups.incrementAndGet();
        // Content the node's own cleanup deleted is no longer ours to read.
        live.values().removeIf(l -> l.expiresAt <= passBlock);
    }

    // ---- samples -------------------------------------------------------------------------------------------

    /** One row of samples.csv. */
    private record Sample(double minute, long block, double rssMb, double heapMb, double heapAfterGcMb,
            double rssAfterGcMb, double liveDataMb, double nonHeapMb, double directMb, double threads, double fds,
            long chunks, double storedMb, double cacheMb, double cpuS, long puts, long quicChunks, long quicRanges,
            long adminGets, long cleanups, long deleted, double auditsPassed, double auditsFailed,
            double nodeCleanups, long errors) {
        static final String HEADER = "minute,block,rss_mb,heap_used_mb,heap_after_gc_mb,rss_after_gc_mb,"
                + "gc_live_data_mb,nonheap_mb,direct_mb,threads,open_fds,chunks,stored_mb,cache_mb,node_cpu_s,puts,"
                + "quic_chunk_gets,quic_range_gets,admin_gets,admin_cleanups,cleanup_deleted,audits_passed,"
                + "audits_failed,node_cleanup_runs,errors";

        String csv() {
            return String.format(Locale.ROOT, "%.2f,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.0f,%.0f,%d,%.1f,%.1f,%.1f,"
                    + "%d,%d,%d,%d,%d,%d,%.0f,%.0f,%.0f,%d", minute, block, rssMb, heapMb, heapAfterGcMb, rssAfterGcMb,
                    liveDataMb, nonHeapMb, directMb, threads, fds, chunks, storedMb, cacheMb, cpuS, puts, quicChunks,
                    quicRanges, adminGets, cleanups, deleted, auditsPassed, auditsFailed, nodeCleanups, errors);
        }

        String line() {
            return String.format(Locale.ROOT, "t=%5.1f min block %d: rss %.0f MB, heap %.0f MB, after GC heap %.1f MB"
                    + " rss %.0f MB; threads %.0f fds %.0f; %d chunks %.0f MB stored, cache %.0f MB;"
                    + " puts %d gets %d+%d+%d"
                    + " cleanups %d (%d deleted) audits %.0f/%.0f failed; errors %d", minute, block, rssMb, heapMb,
                    heapAfterGcMb, rssAfterGcMb, threads, fds, chunks, storedMb, cacheMb, puts, quicChunks, quicRanges,
                    adminGets, cleanups, deleted, auditsPassed, auditsFailed, errors);
        }
    }

    private Sample sample(double minute) throws Exception {
        long rss = node.rssBytes();
        NodeProcess.Scrape m = node.metrics();
        node.fullGc();
        NodeProcess.Scrape after = node.metrics();
        long rssAfter = node.rssBytes();
        String usage = node.admin("/admin/usage");
        double failed = m.sum("icn_super_node_audit_failure_total");
        return new Sample(minute, block.get(), rss / 1e6, m.heapUsed() / 1e6, after.heapUsed() / 1e6, rssAfter / 1e6,
                m.sum("jvm_gc_live_data_size_bytes") / 1e6, m.sum("jvm_memory_used_bytes", "area=\"nonheap\"") / 1e6,
                m.sum("jvm_buffer_memory_used_bytes", "id=\"direct\"") / 1e6, m.value("jvm_threads_live_threads"),
                m.value("process_files_open_files"), NodeColdStartLoad.jsonLong(usage, "chunks"),
                NodeColdStartLoad.jsonLong(usage, "bytes_stored") / 1e6, cacheBytes(usage) / 1e6,
                node.cpuMillis() / 1e3, puts.get(), quicChunks.get(), quicRanges.get(), adminGets.get(),
                cleanups.get(), cleanupDeleted.get(), m.sum("icn_super_node_audit_success_total"), failed,
                m.sum("icn_super_node_cleanup_runs_total", "dry_run=\"false\""), errorCount.get());
    }

    private static long cacheBytes(String usage) {
        Matcher m = Pattern.compile("\"cache\":\\{[^}]*\"bytes\":(\\d+)").matcher(usage);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    // ---- summary -------------------------------------------------------------------------------------------

    private String summary(List<Sample> samples, Duration duration, Duration interval, double stopMs) throws Exception {
        Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        if (last != null && last.auditsFailed > 0) {
            error("audit", String.format(Locale.ROOT, "%.0f audits of the node failed (icn_super_node_audit_failure)",
                    last.auditsFailed));
        }
        if (last != null && last.auditsPassed == 0 && duration.toMinutes() >= 10) {
            error("audit", "no audit of the node passed in " + duration.toMinutes() + " minutes");
        }
        if (node.errorLines() > 0) {
            error("node", node.errorLines() + " ERROR line(s) in the node's log");
        }
        double warmup = Math.min(10, duration.toSeconds() / 60.0 / 3);
        List<Sample> steady = samples.stream().filter(s -> s.minute >= warmup - 1e-9).toList();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "NodeSoak %s; seed %d; tool java %s; %d cores; load average at end: %s%n%n",
                opt, seed, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim()));
        b.append(String.format(Locale.ROOT, "%d samples over %.1f min (every %d s); slopes by least squares, MB/min"
                + " (threads and fds: per min); \"steady\" = samples from minute %.1f on (%d samples).%n%n",
                samples.size(), last == null ? 0 : last.minute, interval.toSeconds(), warmup, steady.size()));
        b.append("| series | first | last | min | max | slope, all | slope, steady |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        series(b, "heap after full GC, MB", samples, steady, Sample::heapAfterGcMb);
        series(b, "RSS, MB", samples, steady, Sample::rssMb);
        series(b, "RSS after full GC, MB", samples, steady, Sample::rssAfterGcMb);
        series(b, "heap used (no GC), MB", samples, steady, Sample::heapMb);
        series(b, "GC live data size, MB", samples, steady, Sample::liveDataMb);
        series(b, "non-heap, MB", samples, steady, Sample::nonHeapMb);
        series(b, "direct buffers, MB", samples, steady, Sample::directMb);
        series(b, "hot-shard cache, MB", samples, steady, Sample::cacheMb);
        series(b, "stored, MB", samples, steady, Sample::storedMb);
        series(b, "chunks", samples, steady, s -> s.chunks);
        series(b, "live threads", samples, steady, Sample::threads);
        series(b, "open fds", samples, steady, Sample::fds);
        b.append('\n');
        double mins = last == null ? 0 : last.minute;
        b.append(String.format(Locale.ROOT, "Operations (%.1f min): puts %d (%.0f MB, %s),"
                + " QUIC whole-chunk gets %d (%s),"
                + " QUIC range gets %d (%s), gets via the admin path %d, %.0f MB read; admin cleanups %d (%d chunks"
                + " deleted, %.0f MB freed), node cleanup passes %.0f; audits passed %.0f, failed %.0f; node CPU %.0f s"
                + " (%.0f %% of a core); stop after SIGTERM %.0f ms.%n", mins, puts.get(), putBytes.get() / 1e6,
                pct(putMs), quicChunks.get(), pct(chunkGetMs), quicRanges.get(), pct(rangeGetMs), adminGets.get(),
                getBytes.get() / 1e6, cleanups.get(), cleanupDeleted.get(), cleanupFreed.get() / 1e6,
                last == null ? 0 : last.nodeCleanups, last == null ? 0 : last.auditsPassed,
                last == null ? 0 : last.auditsFailed, last == null ? 0 : last.cpuS - samples.get(0).cpuS,
                last == null || mins == 0 ? 0 : (last.cpuS - samples.get(0).cpuS) / (mins * 60) * 100, stopMs));
        b.append(String.format(Locale.ROOT, "Node log: %d ERROR, %d WARN line(s)%s%n", node.errorLines(),
                node.warnLines(), node.problems().isEmpty() ? "" : "; first ones:"));
        for (String p : node.problems().subList(0, Math.min(10, node.problems().size()))) {
            b.append("    ").append(p.length() > 300 ? p.substring(0, 300) + "..." : p).append('\n');
        }
        b.append(String.format(Locale.ROOT, "Errors of the load: %d%s%n", errorCount.get(),
                errors.isEmpty() ? "" : ":"));
        errors.stream().limit(20).forEach(e -> b.append("    ").append(e).append('\n'));
        b.append(errorCount.get() == 0 ? "RESULT: pass\n" : "RESULT: FAIL\n");
        return b.toString();
    }

    private static void series(StringBuilder b, String what, List<Sample> all, List<Sample> steady,
            java.util.function.ToDoubleFunction<Sample> f) {
        if (all.isEmpty()) {
            return;
        }
        double[] v = all.stream().mapToDouble(f).toArray();
        b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %+.3f | %+.3f |%n", what, v[0],
                v[v.length - 1], Arrays.stream(v).min().orElse(0), Arrays.stream(v).max().orElse(0), slope(all, f),
                slope(steady, f)));
    }

    /** Least-squares slope of {@code f} against the sample's minute; NaN with fewer than two samples. */
    static double slope(List<Sample> xs, java.util.function.ToDoubleFunction<Sample> f) {
        int n = xs.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = xs.stream().mapToDouble(Sample::minute).average().orElse(0);
        double my = xs.stream().mapToDouble(f).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Sample s : xs) {
            sxy += (s.minute - mx) * (f.applyAsDouble(s) - my);
            sxx += (s.minute - mx) * (s.minute - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    private static String pct(List<Double> ms) {
        List<Double> s;
        synchronized (ms) {
            s = new ArrayList<>(ms);
        }
        if (s.isEmpty()) {
            return "-";
        }
        s.sort(null);
        return String.format(Locale.ROOT, "P50 %.0f ms, P99 %.0f ms", s.get(s.size() / 2),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static Map<String, String> options(String[] args) {
        return LoadProcesses.options(args, "usage: NodeSoak [--minutes m] [--sample-secs s] [--out dir]"
                + " [--dir d] [--script f] [--java-opts s] [--put-interval-ms n] [--min-mib n] [--max-mib n]"
                + " [--get-interval-ms n] [--admin-get-secs n] [--cleanup-secs n] [--seed n] [--keep b]"
                + " [--lock-wait s] [--lock-held-by-caller b]");
    }
}
