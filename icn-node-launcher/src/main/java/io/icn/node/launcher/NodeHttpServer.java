package io.icn.node.launcher;

import io.icn.node.*;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.icn.chain.ChainUnavailableException;
import io.icn.node.CleanupReport;
import io.icn.chain.InsufficientBalanceException;
import io.icn.chain.NoEligiblePinnersException;
import io.icn.erasure.Kernels;
import io.icn.storage.CacheCounters;
import io.icn.storage.Cid;
import io.icn.storage.CorruptShardException;
import io.icn.storage.InvalidCidException;
import io.icn.storage.RebuildInProgressException;
import io.icn.storage.RebuildReport;
import io.icn.storage.RepairReport;
import io.icn.storage.ScrubReport;
import io.icn.storage.ShardNotFoundException;
import io.icn.storage.StorageFullException;
import io.icn.storage.StorageUsage;
import io.icn.storage.StoreClosedException;
import io.icn.storage.UnrepairableChunkException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP interface on the JDK's {@code com.sun.net.httpserver}, in two listeners:
 *
 * <ul>
 *   <li>{@code metrics_bind:metrics_port}: {@code GET /metrics} (Prometheus text) and {@code GET /health}
 *       (JSON lifecycle state; 200 when RUNNING, else 503);</li>
 *   <li>{@code admin_bind:admin_port} (loopback by default): {@code GET /admin/status}, {@code GET
 *       /admin/usage}, {@code GET /admin/keys}, {@code POST /admin/cleanup[?dry_run=true]},
 *       {@code POST /admin/verify}, {@code POST /admin/repair?cid=}, {@code POST /admin/index/rebuild},
 *       {@code POST /admin/put[?path=FILE][&deal_blocks=N]}, and {@code /health}. With an
 *       {@code admin_token} every admin request needs {@code Authorization: Bearer <token>}.</li>
 * </ul>
 *
 * Every answer of the admin listener is JSON; an error is {@code {"error": "...", "status": n}} with a
 * message naming the bad value. Bodies are bounded: {@code limits.max_put_mb} for {@code put},
 * {@code limits.max_json_body_kb} for the others; beyond, 413.
 *
 * <p>Thread-safe. Requests run on {@code limits.http_threads} threads owned by this server.
 *
 * <p>Shutdown is in two steps. {@link #stopAdmitting()} makes every later admin request fail with 503 ("the
 * node is shutting down") while {@code /health} (which then reports the node's STOPPING) and {@code /metrics}
 * keep answering; {@link #awaitIdle} waits for the requests already running, such as a put, to finish.
 * {@link #close()} then stops both listeners, cutting off whatever still runs, and the threads. Idempotent.
 */
final class NodeHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHttpServer.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final SuperNode node;
    private final NodeConfig config;
    private final HttpServer metrics;
    private final HttpServer admin;
    private final ExecutorService threads;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final byte[] expectedAuthorization;
    private volatile boolean draining;
    /** Notified when the last request in flight ends while draining. */
    private final Object idle = new Object();
    private boolean closed;

    private NodeHttpServer(SuperNode node, NodeConfig config, HttpServer metrics, HttpServer admin,
            ExecutorService threads) {
        this.node = node;
        this.config = config;
        this.metrics = metrics;
        this.admin = admin;
        this.threads = threads;
        this.expectedAuthorization = ("Bearer " + config.adminToken()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Binds both listeners and starts serving.
     *
     * @throws ConfigException if a port cannot be bound (naming the key)
     */
    static NodeHttpServer start(SuperNode node, NodeConfig config) {
        HttpServer metrics = bind("metrics_port", config.metricsBind(), config.metricsPort());
        HttpServer admin;
        try {
            admin = bind("admin_port", config.adminBind(), config.adminPort());
        } catch (RuntimeException e) {
            metrics.stop(0);
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(config.limits().httpThreads(), r -> {
            Thread t = new Thread(r, "icn-node-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        NodeHttpServer server = new NodeHttpServer(node, config, metrics, admin, threads);
        metrics.setExecutor(threads);
        admin.setExecutor(threads);
        metrics.createContext("/", ex -> server.serve(ex, false));
        admin.createContext("/", ex -> server.serve(ex, true));
        metrics.start();
        admin.start();
        return server;
    }

    private static HttpServer bind(String key, String host, int port) {
        try {
            return HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (BindException e) {
            throw new ConfigException(key + " = " + port + " cannot be bound on " + host + " (" + e.getMessage()
                    + "); another program holds it. Stop it or choose another " + key, e);
        } catch (IOException e) {
            throw new ConfigException("cannot listen on " + host + ":" + port + " for " + key + ": " + e, e);
        }
    }

    InetSocketAddress metricsAddress() {
        return metrics.getAddress();
    }

    InetSocketAddress adminAddress() {
        return admin.getAddress();
    }

    /** Requests being served right now. */
    int inFlight() {
        return inFlight.get();
    }

    /** From now on every admin request but {@code /health} is answered 503; the listeners stay open. */
    void stopAdmitting() {
        draining = true;
    }

    /**
     * Waits until no request is being served, at most {@code timeout}.
     *
     * @return whether none is left (false also when interrupted)
     */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return inFlight.get() == 0;
                }
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        metrics.stop(0);
        admin.stop(0);
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- dispatch

    /** An answer: status, content type, body. */
    private record Reply(int status, String contentType, byte[] body) {
        static Reply json(int status, Object value) {
            return new Reply(status, JSON, (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A request that cannot be served, with the status and a message naming the problem. */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void serve(HttpExchange ex, boolean adminListener) throws IOException {
        inFlight.incrementAndGet();
        try (ex) {
            Reply reply;
            try {
                reply = route(ex, adminListener);
            } catch (ApiError e) {
                reply = error(e.status, e.getMessage());
            } catch (RuntimeException e) {
                reply = failure(ex, e);
            }
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(reply.status(), -1);
            } else {
                ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        } finally {
            if (inFlight.decrementAndGet() == 0 && draining) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    private Reply route(HttpExchange ex, boolean adminListener) {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if ("/health".equals(path)) {
            requireMethod(method, "GET");
            drainBody(ex);
            return health();
        }
        if (!adminListener) {
            if ("/metrics".equals(path)) {
                requireMethod(method, "GET");
                drainBody(ex);
                return metrics();
            }
            throw new ApiError(404, "no endpoint " + path + " here; this listener serves /metrics and /health"
                    + " (the admin endpoints listen on admin_bind:admin_port)");
        }
        if (!path.startsWith("/admin/")) {
            throw new ApiError(404, "no endpoint " + path + "; the admin endpoints are under /admin/");
        }
        if (draining) {
            // Read after serve() counted this request, so awaitIdle() cannot miss one admitted before.
            throw new ApiError(503, "the node is shutting down; nothing new is accepted (retry once it runs again)");
        }
        authorize(ex);
        Map<String, String> query = query(ex);
        switch (path) {
            case "/admin/put" -> {
                requireMethod(method, "POST");
                return put(ex, query);
            }
            default -> drainBody(ex);
        }
        return switch (path) {
            case "/admin/status" -> {
                requireMethod(method, "GET");
                yield Reply.json(200, status());
            }
            case "/admin/usage" -> {
                requireMethod(method, "GET");
                yield Reply.json(200, usage());
            }
            case "/admin/keys" -> {
                requireMethod(method, "GET");
                yield Reply.json(200, keys());
            }
            case "/admin/cleanup" -> {
                requireMethod(method, "POST");
                yield Reply.json(200, cleanup(flag(query, "dry_run")));
            }
            case "/admin/verify" -> {
                requireMethod(method, "POST");
                yield Reply.json(200, verify());
            }
            case "/admin/repair" -> {
                requireMethod(method, "POST");
                yield Reply.json(200, repair(query.get("cid")));
            }
            case "/admin/index/rebuild" -> {
                requireMethod(method, "POST");
                yield Reply.json(200, rebuild());
            }
            default -> throw new ApiError(404, "no admin endpoint " + path + "; see docs/operations.md for the list");
        };
    }

    private static void requireMethod(String method, String allowed) {
        if (!allowed.equals(method) && !("GET".equals(allowed) && "HEAD".equals(method))) {
            throw new ApiError(405, "method " + method + " is not allowed here; use " + allowed);
        }
    }

    private void authorize(HttpExchange ex) {
        if (!config.adminTokenRequired()) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"icn-node\"");
            throw new ApiError(401, given == null
                    ? "this node requires 'Authorization: Bearer <admin_token>'; the CLI sends it when --config"
                            + " names the node's configuration file"
                    : "the bearer token does not match this node's admin_token");
        }
    }

    // ---------------------------------------------------------------- endpoints

    private Reply health() {
        SuperNode.State state = node.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", state == SuperNode.State.RUNNING ? "UP" : "DOWN");
        m.put("state", state.name());
        return Reply.json(state == SuperNode.State.RUNNING ? 200 : 503, m);
    }

    private Reply metrics() {
        PrometheusMeterRegistry registry = node.prometheus();
        if (registry == null) {
            throw new ApiError(404, "this node's meters go to its embedder's registry, not to /metrics");
        }
        return new Reply(200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", node.version());
        m.put("state", node.state().name());
        m.put("region", config.region().wireName());
        m.put("account", node.identity().accountHex());
        m.put("uptime_secs", Duration.between(node.startedAt(), node.clock().instant()).toSeconds());
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("endpoint", config.chainEndpoint());
        chain.put("current_block", node.chain().currentBlock());
        chain.put("block_time_secs", config.blockTimeSecs());
        chain.put("audits_tracked", node.monitor().trackedAudits());
        m.put("chain", chain);
        m.put("storage", usage());
        Map<String, Object> kernel = new LinkedHashMap<>();
        kernel.put("name", Kernels.best().name());
        kernel.put("reason", Kernels.selectionReason());
        m.put("kernel", kernel);
        Map<String, Object> endpoints = new LinkedHashMap<>();
        endpoints.put("metrics", node.metricsUrl());
        endpoints.put("admin", node.adminUrl());
        endpoints.put("quic", SuperNode.hostPort(node.quicAddress()));
        endpoints.put("quic_fingerprint", node.quicFingerprint());
        m.put("endpoints", endpoints);
        return m;
    }

    private Map<String, Object> usage() {
        StorageUsage u = node.store().usage();
        CacheCounters c = node.store().cacheCounters();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", config.storagePath().toString());
        m.put("chunks", u.chunkCount());
        m.put("shards", u.shardCount());
        m.put("bytes_stored", u.bytesStored());
        m.put("capacity_bytes", u.capacityBytes());
        m.put("utilization", u.utilization());
        m.put("nearly_full", u.nearlyFull());
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("hits", c.hits());
        cache.put("misses", c.misses());
        cache.put("evictions", c.evictions());
        cache.put("bytes", c.weightBytes());
        cache.put("capacity_bytes", c.capacityBytes());
        m.put("cache", cache);
        return m;
    }

    private Map<String, Object> keys() {
        NodeIdentity id = node.identity();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account", id.accountHex());
        m.put("key_type", "Ed25519");
        m.put("private_key_file", id.privateKeyFile().toString());
        m.put("public_key_file", id.publicKeyFile().toString());
        return m;
    }

    private Map<String, Object> cleanup(boolean dryRun) {
        CleanupReport r = node.cleanup().runNow(dryRun);
        LOG.info("admin cleanup: dry_run={} examined={} deleted={} retained={} skipped={} bytes_freed={}",
                r.dryRun(), r.examined(), r.deleted().size(), r.retained().size(), r.skipped().size(), r.bytesFreed());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("block", r.block());
        m.put("dry_run", r.dryRun());
        m.put("examined", r.examined());
        m.put("deleted", r.deleted());
        m.put("retained", r.retained());
        m.put("skipped", r.skipped());
        m.put("bytes_freed", r.bytesFreed());
        m.put("complete", r.complete());
        return m;
    }

    private Map<String, Object> verify() {
        List<Map<String, Object>> corrupt = new ArrayList<>();
        ScrubReport r = node.store().scrub(c -> corrupt.add(corruptShard(c)));
        LOG.info("admin verify: chunks={} shards={} bytes={} corrupt={} repaired={} unrepairable={}",
                r.chunksScanned(), r.shardsScanned(), r.bytesScanned(), r.corrupt().size(), r.repairedShards(),
                r.unrepairable().size());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chunks_scanned", r.chunksScanned());
        m.put("shards_scanned", r.shardsScanned());
        m.put("bytes_scanned", r.bytesScanned());
        m.put("corrupt", corrupt);
        m.put("repaired_shards", r.repairedShards());
        m.put("unrepairable", r.unrepairable().stream().map(Cid::toString).toList());
        return m;
    }

    private static Map<String, Object> corruptShard(CorruptShardException c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", c.cid().toString());
        m.put("shard", c.shardIndex());
        m.put("reason", c.getMessage());
        return m;
    }

    private Map<String, Object> repair(String cidText) {
        if (cidText == null || cidText.isEmpty()) {
            throw new ApiError(400, "repair needs the chunk to repair: POST /admin/repair?cid=<CID>");
        }
        Cid cid = Cid.parse(cidText);
        RepairReport r = node.store().repair(cid);
        LOG.info("admin repair: cid={} corrupt_found={} regenerated={}", cid, r.corruptFound(), r.regenerated());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", r.cid().toString());
        m.put("corrupt_found", r.corruptFound());
        m.put("regenerated", r.regenerated());
        return m;
    }

    private Map<String, Object> rebuild() {
        RebuildReport r = node.store().rebuildIndex((done, total) -> {
            if (done == total || done % 10_000 == 0) {
                LOG.info("index rebuild: {} of {} chunk directories", done, total);
            }
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chunks", r.chunks());
        m.put("shards", r.shards());
        m.put("bytes", r.bytes());
        m.put("quarantined", r.quarantined());
        m.put("unreadable", r.unreadable());
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (RebuildReport.Skipped k : r.skipped()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", k.name());
            entry.put("reason", k.reason());
            skipped.add(entry);
            LOG.warn("index rebuild left {} in place: {}", k.name(), k.reason());
        }
        m.put("skipped", skipped);
        return m;
    }

    private Reply put(HttpExchange ex, Map<String, String> query) {
        long dealBlocks = query.containsKey("deal_blocks") ? number(query, "deal_blocks") : config.dealBlocks();
        if (dealBlocks <= 0) {
            throw new ApiError(400, "deal_blocks = " + dealBlocks + " must be positive");
        }
        String local = query.get("path");
        ChunkIngest.IngestReport report;
        try (InputStream in = local != null ? openLocal(ex, local) : boundedBody(ex, config.limits().maxPutBytes(),
                "limits.max_put_mb")) {
            report = node.ingest().ingest(in, dealBlocks);
        } catch (IOException e) {
            throw new ApiError(500, "put failed while closing its input: " + e.getMessage());
        }
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (ChunkIngest.IngestedChunk c : report.chunks()) {
            chunks.add(chunk(c));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", report.bytes());
        m.put("chunk_count", chunks.size());
        m.put("cids", report.chunks().stream().map(ChunkIngest.IngestedChunk::cid).toList());
        m.put("chunks", chunks);
        return Reply.json(200, m);
    }

    private static Map<String, Object> chunk(ChunkIngest.IngestedChunk c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", c.cid());
        m.put("offset", c.offset());
        m.put("length", c.length());
        m.put("deal", c.dealId());
        m.put("expires_at", c.expiresAt());
        m.put("already_stored", c.alreadyStored());
        return m;
    }

    private InputStream openLocal(HttpExchange ex, String file) throws IOException {
        drainBody(ex);
        Path p;
        try {
            p = Path.of(file);
        } catch (InvalidPathException e) {
            throw new ApiError(400, "path '" + file + "' is not a valid path on the node's machine: " + e.getReason());
        }
        if (!p.isAbsolute()) {
            throw new ApiError(400, "path '" + file + "' must be absolute (it is read by the node, whose working"
                    + " directory is not the client's)");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new ApiError(400, "path '" + file + "' is not a readable regular file on the node's machine");
        }
        return Files.newInputStream(p);
    }

    // ---------------------------------------------------------------- requests

    private void drainBody(HttpExchange ex) {
        try (InputStream in = boundedBody(ex, config.limits().maxJsonBodyBytes(), "limits.max_json_body_kb")) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (BodyTooLargeException e) {
            throw new ApiError(413, e.getMessage());
        } catch (IOException e) {
            throw new ApiError(400, "could not read the request body: " + e.getMessage());
        }
    }

    private static InputStream boundedBody(HttpExchange ex, long max, String key) {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new ApiError(400, "Content-Length '" + declared + "' is not a number");
            }
            if (length > max) {
                if (length <= DRAIN_BYTES) {
                    drainQuietly(ex.getRequestBody()); // so that an ordinary client reads the 413
                }
                throw new ApiError(413, tooLarge(length, max, key));
            }
        }
        return new BoundedInputStream(ex.getRequestBody(), max, key);
    }

    /**
     * A refused body up to this size is read and discarded before the 413, so that the client, still sending,
     * is not cut off by a reset; a larger one is not read and its connection closes after the answer.
     */
    private static final long DRAIN_BYTES = 4L << 20;

    private static void drainQuietly(InputStream body) {
        try {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client went away; the 413 is moot
        }
    }

    private static String tooLarge(long length, long max, String key) {
        return "request body of " + length + " bytes exceeds the limit of " + max + " bytes (" + key
                + "); raise " + key + " in the node's configuration, or for put pass ?path= of a file on the node";
    }

    /** The body was longer than its limit (a chunked upload, discovered while reading). */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** Counts the bytes read and fails once more than the limit arrive. Not thread-safe. */
    private static final class BoundedInputStream extends FilterInputStream {
        private final long max;
        private final String key;
        private long read;

        BoundedInputStream(InputStream in, long max, String key) {
            super(in);
            this.max = max;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > max) {
                throw new BodyTooLargeException(tooLarge(read, max, key));
            }
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        String raw = ex.getRequestURI().getRawQuery();
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static boolean flag(Map<String, String> query, String key) {
        String v = query.get(key);
        if (v == null || "false".equalsIgnoreCase(v) || "0".equals(v)) {
            return false;
        }
        if ("true".equalsIgnoreCase(v) || "1".equals(v)) {
            return true;
        }
        throw new ApiError(400, key + "=" + v + " is not a boolean; use " + key + "=true or " + key + "=false");
    }

    private static long number(Map<String, String> query, String key) {
        String v = query.get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ApiError(400, key + "=" + v + " is not a whole number");
        }
    }

    // ---------------------------------------------------------------- errors

    private static Reply error(int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        m.put("status", status);
        return Reply.json(status, m);
    }

    private Reply failure(HttpExchange ex, RuntimeException e) {
        String what = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
        if (e instanceof ChunkIngest.PartialIngestException p) {
            int status = statusOf(p.getCause() instanceof RuntimeException r ? r : p);
            if (p.getCause() != null && p.getCause().getCause() instanceof BodyTooLargeException) {
                status = 413;
            }
            LOG.warn("{} failed: {}", what, p.getMessage());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", p.getMessage());
            m.put("status", status);
            List<Map<String, Object>> stored = new ArrayList<>();
            for (ChunkIngest.IngestedChunk c : p.stored()) {
                stored.add(chunk(c));
            }
            m.put("stored_before_failure", stored);
            return Reply.json(status, m);
        }
        int status = statusOf(e);
        if (status >= 500 && status != 503 && status != 507) {
            LOG.error("{} failed unexpectedly", what, e);
        } else {
            LOG.warn("{} refused ({}): {}", what, status, e.getMessage());
        }
        return error(status, e.getMessage() == null ? e.toString() : e.getMessage());
    }

    private static int statusOf(RuntimeException e) {
        if (e instanceof InvalidCidException || e instanceof IllegalArgumentException) {
            return 400;
        } else if (e instanceof ShardNotFoundException) {
            return 404;
        } else if (e instanceof UnrepairableChunkException || e instanceof NoEligiblePinnersException
                || e instanceof InsufficientBalanceException) {
            return 409;
        } else if (e instanceof StorageFullException) {
            return 507;
        } else if (e instanceof ChainUnavailableException || e instanceof StoreClosedException
                || e instanceof RebuildInProgressException || e instanceof IllegalStateException) {
            return 503;
        }
        return 500;
    }
}
