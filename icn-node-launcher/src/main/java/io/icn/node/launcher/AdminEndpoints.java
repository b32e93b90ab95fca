package io.icn.node.launcher;

import io.icn.node.ChunkIngest;
import io.icn.node.CleanupReport;
import io.icn.node.NodeIdentity;
import io.icn.node.SuperNode;
import io.icn.storage.CacheCounters;
import io.icn.storage.ShardStore;
import io.icn.storage.StorageUsage;
import io.icn.storage.StoreHealth;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The short endpoints of the launcher's HTTP interface, each a {@link Handler} built from only what it needs:
 * {@code /health} from the lifecycle state, {@code /metrics} from a scrape, {@code /admin/status} from a
 * {@link StatusView}, {@code /admin/usage} from the store, {@code /admin/keys} from the identity,
 * {@code /admin/cleanup} from the cleanup, {@code /admin/put} from the ingest. The long operations are
 * {@link JobEndpoints}. Stateless; the handlers are thread-safe.
 */
final class AdminEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoints.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private AdminEndpoints() {
    }

    /** The cleanup service's one operation the admin interface uses. */
    @FunctionalInterface
    interface Cleanup {
        CleanupReport runNow(boolean dryRun);
    }

    /** The ingest service's one operation the admin interface uses. */
    @FunctionalInterface
    interface Ingest {
        ChunkIngest.IngestReport ingest(InputStream in, long dealBlocks);
    }

    /**
     * {@code GET /health}: the lifecycle state, 200 when RUNNING, else 503; and, while the store is open, its health
     * ({@link StoreHealth}: a write fault, failed index checkpoints), which does not change the status code.
     */
    static Handler health(Supplier<SuperNode.State> state, Supplier<Optional<StoreHealth>> storage) {
        return request -> {
            SuperNode.State s = state.get();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", s == SuperNode.State.RUNNING ? "UP" : "DOWN");
            m.put("state", s.name());
            storage.get().ifPresent(h -> {
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("healthy", h.healthy());
                h.writeFault().ifPresent(f -> st.put("write_fault", f));
                st.put("checkpoint_failures", h.checkpointFailures());
                h.checkpointFault().ifPresent(f -> st.put("checkpoint_fault", f));
                h.lastCheckpoint().ifPresent(t -> st.put("last_checkpoint", t.toString()));
                m.put("storage", st);
            });
            return Reply.json(s == SuperNode.State.RUNNING ? 200 : 503, m);
        };
    }

    /** {@code GET /metrics}: Prometheus text. */
    static Handler metrics(Supplier<String> scrape) {
        return request -> new Reply(200, PROMETHEUS_TEXT, scrape.get().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET /admin/status}. */
    static Handler status(StatusView node, Supplier<Map<String, Object>> usage) {
        return request -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", node.version());
            m.put("state", node.state().name());
            m.put("region", node.region().wireName());
            m.put("account", node.account());
            m.put("uptime_secs", node.uptime().toSeconds());
            Map<String, Object> chain = new LinkedHashMap<>();
            chain.put("endpoint", node.chainEndpoint());
            chain.put("current_block", node.currentBlock());
            chain.put("block_time_secs", node.blockTime().toSeconds());
            chain.put("audits_tracked", node.trackedAudits());
            m.put("chain", chain);
            m.put("storage", usage.get());
            Map<String, Object> kernel = new LinkedHashMap<>();
            kernel.put("name", node.kernelName());
            kernel.put("reason", node.kernelReason());
            m.put("kernel", kernel);
            m.put("endpoints", node.endpoints());
            m.put("network", node.network());
            return Reply.json(200, m);
        };
    }

    /** {@code GET /admin/usage}. */
    static Handler usage(Supplier<Map<String, Object>> usage) {
        return request -> Reply.json(200, usage.get());
    }

    /** The store's usage and cache counters, as {@code /admin/usage} and {@code /admin/status} show them. */
    static Supplier<Map<String, Object>> usageOf(ShardStore store, Path storagePath) {
        return () -> {
            StorageUsage u = store.usage();
            CacheCounters c = store.maintenance().cacheCounters();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", storagePath.toString());
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
        };
    }

    /** {@code GET /admin/keys}. */
    static Handler keys(NodeIdentity id) {
        return request -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("account", id.accountHex());
            m.put("key_type", "Ed25519");
            m.put("private_key_file", id.privateKeyFile().toString());
            m.put("public_key_file", id.publicKeyFile().toString());
            return Reply.json(200, m);
        };
    }

    /** {@code POST /admin/cleanup[?dry_run=true]}: one pass, at most as long as a scheduled one. */
    static Handler cleanup(Cleanup cleanup) {
        return request -> {
            CleanupReport r = cleanup.runNow(request.flag("dry_run"));
            LOG.info("admin cleanup: dry_run={} examined={} deleted={} retained={} skipped={} bytes_freed={}",
                    r.dryRun(), r.examined(), r.deleted().size(), r.retained().size(), r.skipped().size(),
                    r.bytesFreed());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("block", r.block());
            m.put("dry_run", r.dryRun());
            m.put("examined", r.examined());
            m.put("deleted", r.deleted());
            m.put("retained", r.retained());
            m.put("skipped", r.skipped());
            m.put("bytes_freed", r.bytesFreed());
            m.put("complete", r.complete());
            return Reply.json(200, m);
        };
    }

    /**
     * {@code POST /admin/put[?path=FILE][&deal_blocks=N]}: the body (at most {@code maxPutBytes}), or a file on the
     * node's machine, cut into chunks, each stored and pinned. Runs on the HTTP thread for as long as the upload
     * lasts: it is bounded by the client's sending, and the drain on shutdown waits for it.
     */
    static Handler put(Ingest ingest, long defaultDealBlocks, long maxPutBytes) {
        return request -> {
            long dealBlocks = request.number("deal_blocks", defaultDealBlocks);
            if (dealBlocks <= 0) {
                throw new ApiError(400, "deal_blocks = " + dealBlocks + " must be positive");
            }
            String local = request.param("path");
            ChunkIngest.IngestReport report;
            try (InputStream in = local != null ? openLocal(request, local)
                    : request.body(maxPutBytes, "limits.max_put_mb")) {
                report = ingest.ingest(in, dealBlocks);
            } catch (ChunkIngest.PartialIngestException p) {
                return partial(request, p);
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
        };
    }

    private static Reply partial(Request request, ChunkIngest.PartialIngestException p) {
        int status = HttpErrors.statusOf(p.getCause() instanceof RuntimeException r ? r : p);
        if (p.getCause() != null && p.getCause().getCause() instanceof Request.BodyTooLargeException) {
            status = 413;
        }
        LOG.warn("{} {} failed: {}", request.method(), request.path(), p.getMessage());
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

    private static InputStream openLocal(Request request, String file) throws IOException {
        request.bufferBody();
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
}
