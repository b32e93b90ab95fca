package io.icn.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The exact in-memory index: chunk entries by CID, an expiry-ordered set, usage counters and the shard
 * hash index ({@link ShardHashIndex}) kept in step with every change. Reads are lock-free, except
 * {@link #locate}; changes are serialized by the monitor, so no usage update is lost. Thread-safe.
 *
 * <p>The shard hash index is built from the entries on the first {@link #locate} (a store that is never
 * audited, and every open, pays nothing for it) and from then on changed with every {@link #put}; a
 * {@link #replaceAll} drops it until the next {@link #locate}.
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
    /** Null until the first {@link #locate} after construction or {@link #replaceAll}; guarded by the monitor. */
    private ShardHashIndex byHash;

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
        if (byHash != null) {
            if (old != null) {
                byHash.remove(old);
            }
            if (present) {
                byHash.add(entry);
            }
        }
        Totals t = totals;
        totals = new Totals(t.chunks + (present ? 1 : 0) - (old != null ? 1 : 0),
                t.shards + (present ? entry.healthyCount() : 0) - (old != null ? old.healthyCount() : 0),
                t.bytes + (present ? entry.bytes() : 0) - (old != null ? old.bytes() : 0));
        return old;
    }

    /** Replaces the whole content (load and rebuild). */
    synchronized void replaceAll(Collection<ChunkEntry> entries) {
        byHash = null;
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

    /**
     * A shard whose SHA-256 or Merkle root is {@code hash} (32 bytes), healthy rather than quarantined
     * when both are held; null if none. The first call builds the shard hash index (O(shards)); later
     * calls cost O(1).
     */
    synchronized ShardLocation locate(byte[] hash) {
        if (byHash == null) {
            byHash = ShardHashIndex.of(chunks.values());
        }
        return byHash.locate(hash);
    }

    /** The shard hash index's slots (0 while it is not built), for tests and measurements. */
    synchronized long shardHashSlots() {
        return byHash == null ? 0 : byHash.capacity();
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
