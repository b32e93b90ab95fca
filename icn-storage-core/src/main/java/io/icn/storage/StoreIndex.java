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
 * {@link #replaceAll} drops it until the next {@link #locate}. The build (about 0.75 s of CPU for two million
 * shards) runs outside the monitor, from a snapshot of the entries taken under it; the changes made
 * meanwhile are recorded and replayed onto the built tables before they are published, so writers never
 * wait for a build, and other lookups wait for the one build under way.
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
    /**
     * While a build of {@link #byHash} runs outside the monitor: the changes made since its snapshot, each
     * {@code {old, new}} (either may be null), in order; null otherwise. Guarded by the monitor.
     */
    private List<ChunkEntry[]> changedDuringBuild;
    /** Bumped by {@link #replaceAll}, so that a build from an older snapshot is discarded. Guarded by the monitor. */
    private long generation;

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
        } else if (changedDuringBuild != null && (old != null || present)) {
            changedDuringBuild.add(new ChunkEntry[] {old, present ? entry : null});
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
        changedDuringBuild = null;
        generation++;
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
     * when both are held; null if none. The first call builds the shard hash index (O(shards), outside the
     * monitor, see the class comment); later calls cost O(1).
     */
    ShardLocation locate(byte[] hash) {
        while (true) {
            List<ChunkEntry> snapshot;
            long gen;
            synchronized (this) {
                awaitBuild();
                if (byHash != null) {
                    return byHash.locate(hash);
                }
                snapshot = new ArrayList<>(chunks.values());
                changedDuringBuild = new ArrayList<>();
                gen = generation;
            }
            ShardHashIndex built = null;
            try {
                built = ShardHashIndex.of(snapshot);
            } finally {
                publish(built, gen);
            }
        }
    }

    /** Waits, without giving up on an interrupt (which it restores), while another thread builds the index. */
    private void awaitBuild() {
        boolean interrupted = false;
        while (byHash == null && changedDuringBuild != null) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends the build from generation {@code gen}: replays the changes made meanwhile onto {@code built} and
     * publishes it, unless a {@link #replaceAll} came in between or the build failed ({@code built} null).
     */
    private synchronized void publish(ShardHashIndex built, long gen) {
        if (gen == generation) {
            if (built != null) {
                for (ChunkEntry[] change : changedDuringBuild) {
                    if (change[0] != null) {
                        built.remove(change[0]);
                    }
                    if (change[1] != null) {
                        built.add(change[1]);
                    }
                }
                byHash = built;
            }
            changedDuringBuild = null;
        }
        notifyAll();
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
