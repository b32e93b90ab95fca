package io.icn.storage;

import java.util.Collection;

/**
 * The store's index from a shard hash to the chunk and slot holding that shard: every shard the index
 * records (healthy or quarantined) is found by its SHA-256 and by its Merkle root, the two values a chain
 * names a shard by (hash and Merkle proof schemes).
 *
 * <p>Two open-addressing tables with linear probing, one keyed by the SHA-256 and one by the Merkle root.
 * A table slot holds only a reference to the {@link ChunkEntry} and the shard's index (5 bytes with
 * compressed references): the hash itself is read from the entry, which already keeps it, so the index
 * adds no copy of any hash. The bucket is the hash's first four bytes (SHA-256 output is uniform). A
 * shard whose Merkle root is its SHA-256 (one block) is entered once. The same hash may be held in several
 * places (equal shards of one chunk, or of two chunks); each is an entry of its own.
 *
 * <p>Not thread-safe: {@link StoreIndex} calls it under its monitor.
 */
final class ShardHashIndex {

    /** Offsets of the two hashes in a slot's 64 hash bytes (see {@link ChunkEntry}). */
    private static final int SHA256 = 0;
    private static final int MERKLE_ROOT = 32;
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;

    private final Table bySha256 = new Table(SHA256);
    private final Table byMerkleRoot = new Table(MERKLE_ROOT);

    /** An index of {@code entries}, its tables sized for them at once. */
    static ShardHashIndex of(Collection<ChunkEntry> entries) {
        ShardHashIndex idx = new ShardHashIndex();
        long sha = 0;
        long roots = 0;
        for (ChunkEntry e : entries) {
            for (int i = 0; i < e.slots(); i++) {
                if (e.state(i) != ChunkEntry.ABSENT) {
                    sha++;
                    roots += e.merkleRootIsSha256(i) ? 0 : 1;
                }
            }
        }
        idx.bySha256.resize(capacityFor(sha));
        idx.byMerkleRoot.resize(capacityFor(roots));
        for (ChunkEntry e : entries) {
            idx.add(e);
        }
        return idx;
    }

    /** Enters every recorded shard of {@code e}. */
    void add(ChunkEntry e) {
        forEachKey(e, Table::add);
    }

    /** Removes what {@link #add} entered for this very instance. */
    void remove(ChunkEntry e) {
        forEachKey(e, Table::remove);
    }

    private interface KeyAction {
        void apply(Table table, ChunkEntry e, int shard);
    }

    private void forEachKey(ChunkEntry e, KeyAction action) {
        for (int i = 0; i < e.slots(); i++) {
            if (e.state(i) != ChunkEntry.ABSENT) {
                action.apply(bySha256, e, i);
                if (!e.merkleRootIsSha256(i)) {
                    action.apply(byMerkleRoot, e, i);
                }
            }
        }
    }

    /**
     * A shard whose SHA-256 or Merkle root is {@code hash} (32 bytes): a healthy one if any, else a
     * quarantined one; null if none.
     */
    ShardLocation locate(byte[] hash) {
        Found found = new Found();
        bySha256.find(hash, found);
        if (!found.healthy) {
            byMerkleRoot.find(hash, found);
        }
        return found.entry == null ? null : new ShardLocation(found.entry.cid, found.shard);
    }

    /** Slots of both tables: what the index costs, 5 bytes (reference + index byte) each with compressed oops. */
    long capacity() {
        return (long) bySha256.entries.length + byMerkleRoot.entries.length;
    }

    /** Entries of both tables. */
    long size() {
        return (long) bySha256.size + byMerkleRoot.size;
    }

    private static int capacityFor(long keys) {
        long want = Math.max(MIN_CAPACITY, keys * 4 / 3 + 1);
        if (want > MAX_CAPACITY) {
            throw new IllegalStateException("shard hash index cannot hold " + keys + " shards");
        }
        return Integer.highestOneBit((int) want - 1) << 1;
    }

    /** The best match so far of a lookup. */
    private static final class Found {
        ChunkEntry entry;
        int shard;
        boolean healthy;

        void offer(ChunkEntry e, int index) {
            if (entry == null || (!healthy && e.healthy(index))) {
                entry = e;
                shard = index;
                healthy = e.healthy(index);
            }
        }
    }

    /** One open-addressing table keyed by the hash at {@code hashOffset} of each slot's hash bytes. */
    private static final class Table {
        private final int hashOffset;
        private ChunkEntry[] entries = new ChunkEntry[MIN_CAPACITY];
        private byte[] shards = new byte[MIN_CAPACITY];
        private int size;

        Table(int hashOffset) {
            this.hashOffset = hashOffset;
        }

        private int home(ChunkEntry e, int shard, int mask) {
            return e.hashBits(shard, hashOffset) & mask;
        }

        void add(ChunkEntry e, int shard) {
            if (size + 1 > entries.length - (entries.length >> 2)) {
                if (entries.length == MAX_CAPACITY) {
                    throw new IllegalStateException("shard hash index is full: " + size + " shards");
                }
                resize(entries.length << 1);
            }
            put(e, shard);
            size++;
        }

        private void put(ChunkEntry e, int shard) {
            int mask = entries.length - 1;
            int i = home(e, shard, mask);
            while (entries[i] != null) {
                i = (i + 1) & mask;
            }
            entries[i] = e;
            shards[i] = (byte) shard;
        }

        void remove(ChunkEntry e, int shard) {
            int mask = entries.length - 1;
            int i = home(e, shard, mask);
            while (entries[i] != e || (shards[i] & 0xff) != shard) {
                if (entries[i] == null) {
                    throw new IllegalStateException("shard " + shard + " of " + e.cid + " is not in the hash index");
                }
                i = (i + 1) & mask;
            }
            // backward-shift deletion: pull later entries of the run into the hole when their home allows
            int hole = i;
            for (int j = (i + 1) & mask; entries[j] != null; j = (j + 1) & mask) {
                int h = home(entries[j], shards[j] & 0xff, mask);
                if (((j - h) & mask) >= ((j - hole) & mask)) {
                    entries[hole] = entries[j];
                    shards[hole] = shards[j];
                    hole = j;
                }
            }
            entries[hole] = null;
            shards[hole] = 0;
            size--;
            if (entries.length > MIN_CAPACITY && size < entries.length >> 3) {
                resize(entries.length >> 1);
            }
        }

        void find(byte[] hash, Found found) {
            int mask = entries.length - 1;
            int bits = ((hash[0] & 0xff) << 24) | ((hash[1] & 0xff) << 16) | ((hash[2] & 0xff) << 8) | (hash[3] & 0xff);
            for (int i = bits & mask; entries[i] != null; i = (i + 1) & mask) {
                int shard = shards[i] & 0xff;
                if (entries[i].hashEquals(shard, hashOffset, hash)) {
                    found.offer(entries[i], shard);
                }
            }
        }

        void resize(int capacity) {
            ChunkEntry[] oldEntries = entries;
            byte[] oldShards = shards;
            entries = new ChunkEntry[capacity];
            shards = new byte[capacity];
            for (int i = 0; i < oldEntries.length; i++) {
                if (oldEntries[i] != null) {
                    put(oldEntries[i], oldShards[i] & 0xff);
                }
            }
        }
    }
}
