package io.icn.storage;

import io.icn.erasure.ErasureCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;

/**
 * Repair of one chunk in the file store: reads and re-verifies every healthy shard (quarantining those that fail
 * now), regenerates the quarantined ones from {@code k} healthy shards with the chunk's Reed-Solomon code, checks each
 * against its recorded SHA-256 and stores them through the normal atomic write path. Thread-safe: repairs of
 * different chunks may run at once; the writer orders their commits.
 */
final class ChunkRepairer {

    /** Stores regenerated shards through the store's put path. */
    @FunctionalInterface
    interface ShardPut {
        ChunkMeta put(Cid cid, int[] indexes, ByteBuffer[] shards, ChunkSpec spec);
    }

    private final StoreIndex index;
    private final ShardReader reader;
    private final Function<ChunkSpec, ErasureCodec> codecs;
    private final ObjIntConsumer<Cid> quarantine;
    private final ShardPut put;
    private final StoreMetrics metrics;

    ChunkRepairer(StoreIndex index, ShardReader reader, Function<ChunkSpec, ErasureCodec> codecs,
            ObjIntConsumer<Cid> quarantine, ShardPut put, StoreMetrics metrics) {
        this.index = index;
        this.reader = reader;
        this.codecs = codecs;
        this.quarantine = quarantine;
        this.put = put;
        this.metrics = metrics;
    }

    RepairReport repair(Cid cid) {
        Objects.requireNonNull(cid, "cid");
        ChunkEntry e = index.get(cid);
        if (e == null) {
            throw new ShardNotFoundException(cid, -1);
        }
        int n = e.slots();
        byte[][] shards = new byte[n][];
        boolean[] healthy = new boolean[n];
        List<Integer> corrupt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shards[i] = new byte[e.spec.shardLength()];
            if (!e.healthy(i)) {
                continue;
            }
            try {
                reader.readInto(cid, i, 0, ByteBuffer.wrap(shards[i]));
                healthy[i] = e.sha256Equals(i, ShardChecks.sha256(shards[i]));
            } catch (ShardNotFoundException | CorruptShardException missing) {
                healthy[i] = false;
            }
            if (!healthy[i]) {
                corrupt.add(i);
                metrics.scrubCorrupt.increment();
                quarantine.accept(cid, i);
            }
        }
        e = index.get(cid);
        if (e == null) {
            throw new ShardNotFoundException(cid, -1);
        }
        List<Integer> regenerate = e.quarantinedIndexes();
        if (regenerate.isEmpty()) {
            return new RepairReport(cid, corrupt, List.of());
        }
        try {
            ShardChecks.regenerate(codecs.apply(e.spec), e, shards, healthy);
        } catch (StorageException u) {
            metrics.repairFailures.increment();
            throw u;
        }
        int[] idx = new int[regenerate.size()];
        for (int j = 0; j < idx.length; j++) {
            int i = regenerate.get(j);
            byte[] actual = ShardChecks.sha256(shards[i]);
            if (!e.sha256Equals(i, actual)) {
                metrics.repairFailures.increment();
                throw new CorruptShardException(cid, i, e.sha256(i), actual);
            }
            idx[j] = i;
        }
        ByteBuffer[] views = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            views[i] = ByteBuffer.wrap(shards[i]);
        }
        put.put(cid, idx, views, e.spec);
        metrics.repairedShards.increment(idx.length);
        return new RepairReport(cid, corrupt, regenerate);
    }
}
