package io.icn.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The exact in-memory index: chunk entries by CID, an expiry-ordered set, and usage counters kept
 * in step with every change. Reads are lock-free; changes are serialized by the monitor, so no usage
 * update is lost. Thread-safe.
 */
final class StoreIndex {

    private record ExpiryKey(long block, Cid cid) implements Comparable<ExpiryKey> {
        @Override
        public int compareTo(ExpiryKey o) {
            int c = Long.compare(block, o.block);
            return c != 0 ? c : cid.compareTo(o.cid);
        }
    }

    private record Totals(long chunks, long shards, long bytes) {
    }

    private final ConcurrentHashMap<Cid, ChunkEntry> chunks = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<ExpiryKey> byExpiry = new ConcurrentSkipListSet<>();
    private volatile Totals totals = new Totals(0, 0, 0);

    ChunkEntry get(Cid cid) {
        return chunks.get(cid);
    }

    /** Installs {@code entry} (or removes the CID when {@code entry} is null or empty); returns the previous entry. */
    synchronized ChunkEntry put(Cid cid, ChunkEntry entry) {
        ChunkEntry old = entry == null || entry.isEmpty() ? chunks.remove(cid) : chunks.put(cid, entry);
        if (old != null) {
            byExpiry.remove(new ExpiryKey(old.spec.expiryBlock(), cid));
        }
        boolean present = entry != null && !entry.isEmpty();
        if (present) {
            byExpiry.add(new ExpiryKey(entry.spec.expiryBlock(), cid));
        }
        Totals t = totals;
        totals = new Totals(t.chunks + (present ? 1 : 0) - (old != null ? 1 : 0),
                t.shards + (present ? entry.healthyCount() : 0) - (old != null ? old.healthyCount() : 0),
                t.bytes + (present ? entry.bytes() : 0) - (old != null ? old.bytes() : 0));
        return old;
    }

    /** Replaces the whole content (load and rebuild). */
    synchronized void replaceAll(Collection<ChunkEntry> entries) {
        chunks.clear();
        byExpiry.clear();
        long shards = 0;
        long bytes = 0;
        for (ChunkEntry e : entries) {
            if (e.isEmpty()) {
                continue;
            }
            chunks.put(e.cid, e);
            byExpiry.add(new ExpiryKey(e.spec.expiryBlock(), e.cid));
            shards += e.healthyCount();
            bytes += e.bytes();
        }
        totals = new Totals(chunks.size(), shards, bytes);
    }

    long chunkCount() {
        return totals.chunks;
    }

    long shardCount() {
        return totals.shards;
    }

    long bytesStored() {
        return totals.bytes;
    }

    StorageUsage usage(long capacity) {
        Totals t = totals;
        return new StorageUsage(t.chunks, t.shards, t.bytes, capacity);
    }

    List<Cid> expiredBefore(long block) {
        List<Cid> out = new ArrayList<>();
        for (ExpiryKey k : byExpiry) {
            if (k.block >= block) {
                break;
            }
            out.add(k.cid);
        }
        return out;
    }

    Collection<ChunkEntry> entries() {
        return chunks.values();
    }

    java.util.Set<Cid> cids() {
        return java.util.Set.copyOf(chunks.keySet());
    }
}
