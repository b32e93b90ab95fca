package io.icn.node.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.icn.storage.Cid;
import io.icn.storage.CorruptShardException;
import io.icn.storage.RebuildReport;
import io.icn.storage.RepairReport;
import io.icn.storage.ScrubReport;
import io.icn.storage.ShardNotFoundException;
import io.icn.storage.ShardStore;
import io.icn.storage.StoreClosedException;
import io.icn.storage.UnrepairableChunkException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long admin operations, each started as an {@link AdminJobs} job: {@code POST /admin/verify},
 * {@code POST /admin/index/rebuild}, {@code POST /admin/repair} answer 202 with the job at once; {@code GET
 * /admin/jobs/<id>} shows its state, progress and, once finished, its result (the report the operation used to
 * answer with) or error; {@code GET /admin/jobs} lists the kept jobs. What can be checked before a job starts (a
 * CID's syntax, that the chunk is stored) is checked on the request, so that such mistakes are still a 400 or 404.
 * Stateless; the handlers are thread-safe.
 */
final class JobEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(JobEndpoints.class);
    /** The most CIDs one repair takes. */
    static final int MAX_REPAIR_CIDS = 100_000;

    private JobEndpoints() {
    }

    /** {@code GET /admin/jobs/<id>}. */
    static Handler get(AdminJobs jobs, String prefix) {
        return request -> {
            String id = request.path().substring(prefix.length());
            AdminJobs.Job job = jobs.get(id).orElseThrow(() -> new ApiError(404, "no admin job " + id + " on this"
                    + " node; it never existed, or it finished long enough ago to be forgotten (GET /admin/jobs"
                    + " lists the kept ones)"));
            return Reply.json(200, job.toJson());
        };
    }

    /** {@code GET /admin/jobs}. */
    static Handler list(AdminJobs jobs) {
        return request -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jobs", jobs.list().stream().map(AdminJobs.Job::toJson).toList());
            return Reply.json(200, m);
        };
    }

    /**
     * {@code POST /admin/verify}: re-hash every stored shard (the store's scrub), quarantine and repair what fails.
     * Progress is in bytes: the store's scrub-bytes counter ({@code scrubbedBytes}) since the start, of the bytes
     * stored at the start (approximate while a background scrub pass runs at the same time).
     */
    static Handler verify(AdminJobs jobs, ShardStore store, LongSupplier scrubbedBytes) {
        return request -> accepted(jobs.submit("verify", progress -> {
            long from = scrubbedBytes.getAsLong();
            progress.track("bytes", store.usage().bytesStored(), () -> scrubbedBytes.getAsLong() - from);
            List<Map<String, Object>> corrupt = new ArrayList<>();
            ScrubReport r = store.maintenance().scrub(c -> corrupt.add(corruptShard(c)));
            LOG.info("admin verify: chunks={} shards={} bytes={} corrupt={} repaired={} unrepairable={}",
                    r.chunksScanned(), r.shardsScanned(), r.bytesScanned(), r.corrupt().size(), r.repairedShards(),
                    r.unrepairable().size());
            progress.update("bytes", r.bytesScanned(), r.bytesScanned());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chunks_scanned", r.chunksScanned());
            m.put("shards_scanned", r.shardsScanned());
            m.put("bytes_scanned", r.bytesScanned());
            m.put("corrupt", corrupt);
            m.put("repaired_shards", r.repairedShards());
            m.put("unrepairable", r.unrepairable().stream().map(Cid::toString).toList());
            return m;
        }));
    }

    private static Map<String, Object> corruptShard(CorruptShardException c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", c.cid().toString());
        m.put("shard", c.shardIndex());
        m.put("reason", c.getMessage());
        return m;
    }

    /** {@code POST /admin/index/rebuild}: the store's index from the chunk directories; progress in chunks. */
    static Handler rebuild(AdminJobs jobs, ShardStore store) {
        return request -> accepted(jobs.submit("index_rebuild", progress -> {
            RebuildReport r = store.maintenance().rebuildIndex((done, total) -> {
                progress.update("chunks", done, total);
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
        }));
    }

    /**
     * {@code POST /admin/repair?cid=<CID>[&cid=...]}, or a body {@code {"cids": [...]}}: regenerate the missing or
     * corrupt shards of each chunk from its healthy ones; progress in chunks. One CID: the result is that chunk's
     * report, and an unrepairable chunk fails the job. Several: {@code {"repaired": [...], "failed": [...]}}, each
     * chunk tried whatever happened to the others.
     */
    static Handler repair(AdminJobs jobs, ShardStore store) {
        return request -> {
            List<Cid> cids = cidsOf(request);
            for (Cid cid : cids) {
                if (!store.contains(cid)) {
                    throw new ApiError(404, "chunk " + cid + " is not stored on this node; nothing to repair");
                }
            }
            if (cids.size() == 1) {
                Cid cid = cids.get(0);
                return accepted(jobs.submit("repair", progress -> {
                    progress.update("chunks", 0, 1);
                    Map<String, Object> report = repairReport(store.maintenance().repair(cid));
                    progress.update("chunks", 1, 1);
                    return report;
                }));
            }
            return accepted(jobs.submit("repair", progress -> repairAll(store, cids, progress)));
        };
    }

    private static Map<String, Object> repairAll(ShardStore store, List<Cid> cids, AdminJobs.Progress progress) {
        AtomicLong done = new AtomicLong();
        progress.track("chunks", cids.size(), done::get);
        List<Map<String, Object>> repaired = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Cid cid : cids) {
            try {
                repaired.add(repairReport(store.maintenance().repair(cid)));
            } catch (UnrepairableChunkException | ShardNotFoundException e) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("cid", cid.toString());
                f.put("error", HttpErrors.message(e));
                f.put("status", HttpErrors.statusOf(e));
                failed.add(f);
            } catch (StoreClosedException e) {
                throw e; // the node stops: the rest cannot be tried
            }
            done.incrementAndGet();
        }
        LOG.info("admin repair of {} chunks: {} repaired, {} failed", cids.size(), repaired.size(), failed.size());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repaired", repaired);
        m.put("failed", failed);
        return m;
    }

    private static Map<String, Object> repairReport(RepairReport r) {
        LOG.info("admin repair: cid={} corrupt_found={} regenerated={}", r.cid(), r.corruptFound(), r.regenerated());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cid", r.cid().toString());
        m.put("corrupt_found", r.corruptFound());
        m.put("regenerated", r.regenerated());
        return m;
    }

    /** The CIDs of a repair: {@code cid} query parameters and a body's {@code cids}, distinct, in order. */
    private static List<Cid> cidsOf(Request request) {
        Set<String> texts = new LinkedHashSet<>(request.params("cid"));
        String body = request.text();
        if (!body.isBlank()) {
            JsonNode json;
            try {
                json = Json.read(body);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "the body of a repair is {\"cids\": [\"bafk...\", ...]}; it is "
                        + e.getMessage());
            }
            JsonNode list = json.get("cids");
            if (list == null || !list.isArray()) {
                throw new ApiError(400, "the body of a repair is {\"cids\": [\"bafk...\", ...]}; it has no array"
                        + " \"cids\"");
            }
            for (JsonNode n : list) {
                if (!n.isTextual()) {
                    throw new ApiError(400, "\"cids\" holds " + n + ", not a CID string");
                }
                texts.add(n.asText());
            }
        }
        if (texts.isEmpty()) {
            throw new ApiError(400, "repair needs the chunks to repair: POST /admin/repair?cid=<CID>, or a body"
                    + " {\"cids\": [...]}");
        }
        if (texts.size() > MAX_REPAIR_CIDS) {
            throw new ApiError(400, texts.size() + " CIDs in one repair; send at most " + MAX_REPAIR_CIDS);
        }
        List<Cid> cids = new ArrayList<>();
        for (String t : texts) {
            cids.add(Cid.parse(t)); // InvalidCidException: 400 naming the text
        }
        return cids;
    }

    /** 202 with the job: {@code {"job": {...}}}; the client polls {@code GET /admin/jobs/<id>}. */
    private static Reply accepted(AdminJobs.Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job.toJson());
        m.put("poll", "/admin/jobs/" + job.id());
        return Reply.json(202, m);
    }
}
