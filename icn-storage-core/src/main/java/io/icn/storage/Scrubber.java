package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;

/**
 * Scrub passes of the file store: re-hashes every healthy shard within the configured bandwidth ({@link ScrubPacer}),
 * quarantines corrupt or missing ones, repairs their chunks (when so configured), and reports each corrupt shard to
 * the listener after the repair attempt. Thread-safe: passes may run on any thread, each with its own buffer and
 * pacer.
 */
final class Scrubber {

    private final StoreLayout layout;
    private final StoreIndex index;
    private final StoreMetrics metrics;
    private final ObjIntConsumer<Cid> quarantine;
    private final Function<Cid, RepairReport> repair;
    private final boolean repairAfterScrub;
    private final Clock clock;
    private final Sleeper sleeper;
    private final long bytesPerSecond;
    private final BooleanSupplier closed;

    Scrubber(StoreLayout layout, StoreIndex index, StoreMetrics metrics, ObjIntConsumer<Cid> quarantine,
            Function<Cid, RepairReport> repair, ShardStoreBuilder b, BooleanSupplier closed) {
        this.layout = layout;
        this.index = index;
        this.metrics = metrics;
        this.quarantine = quarantine;
        this.repair = repair;
        this.repairAfterScrub = b.repairAfterScrub();
        this.clock = b.clock();
        this.sleeper = b.sleeper();
        this.bytesPerSecond = b.scrubBytesPerSecond();
        this.closed = closed;
    }

    /** A pass run by the background schedule: failures are counted, never thrown to the executor. */
    void background(Consumer<CorruptShardException> onCorrupt) {
        if (closed.getAsBoolean()) {
            return;
        }
        try {
            scrub(onCorrupt);
        } catch (StoreClosedException ignored) {
            // closed during the pass
        } catch (RuntimeException e) {
            metrics.repairFailures.increment();
        }
    }

    ScrubReport scrub(Consumer<CorruptShardException> onCorrupt) {
        Objects.requireNonNull(onCorrupt, "onCorrupt");
        ScrubPacer pacer = new ScrubPacer(clock, sleeper, bytesPerSecond, closed, layout);
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long[] counts = new long[3]; // shards, bytes, repaired
        long chunks = 0;
        List<CorruptShardException> corrupt = new ArrayList<>();
        List<Cid> unrepairable = new ArrayList<>();
        for (ChunkEntry e : new ArrayList<>(index.entries())) {
            if (closed.getAsBoolean()) {
                break;
            }
            chunks++;
            List<CorruptShardException> found = scrubChunk(e, buf, pacer, counts);
            if (!found.isEmpty() && repairAfterScrub) {
                try {
                    counts[2] += repair.apply(e.cid).regenerated().size();
                } catch (UnrepairableChunkException u) {
                    unrepairable.add(e.cid);
                } catch (ShardNotFoundException deleted) {
                    // deleted meanwhile: nothing to repair
                } catch (RebuildInProgressException later) {
                    // the rebuild re-hashes every shard; the quarantined ones wait for a later repair
                } catch (StorageException failed) {
                    metrics.repairFailures.increment();
                }
            }
            corrupt.addAll(found);
            found.forEach(onCorrupt); // after the repair: a listener sees what is still lost
        }
        return new ScrubReport(chunks, counts[0], counts[1], corrupt, counts[2], unrepairable);
    }

    /** Re-hashes the chunk's healthy shards; quarantines and returns the corrupt ones. */
    private List<CorruptShardException> scrubChunk(ChunkEntry e, ByteBuffer buf, ScrubPacer pacer, long[] counts) {
        List<CorruptShardException> found = new ArrayList<>();
        for (int i = 0; i < e.slots(); i++) {
            if (!e.healthy(i)) {
                continue;
            }
            byte[] actual;
            try {
                actual = hashFile(layout.shardPath(e.cid, i), buf, pacer);
            } catch (IOException missingOrUnreadable) {
                actual = null;
            }
            ChunkEntry now = index.get(e.cid);
            if (now == null || !now.healthy(i)) {
                continue; // deleted or quarantined while we read
            }
            counts[0]++;
            counts[1] += e.spec.shardLength();
            metrics.scrubBytes.increment(e.spec.shardLength());
            if (actual == null || !e.sha256Equals(i, actual)) {
                found.add(actual == null
                        ? new CorruptShardException(e.cid, i, "shard file missing or unreadable")
                        : new CorruptShardException(e.cid, i, e.sha256(i), actual));
                metrics.scrubCorrupt.increment();
                quarantine.accept(e.cid, i);
            }
        }
        return found;
    }

    /** The SHA-256 of a file, read through {@code buf}; paced when {@code pacer} is not null. */
    static byte[] hashFile(Path file, ByteBuffer buf, ScrubPacer pacer) throws IOException {
        MessageDigest md = Merkle.newSha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            while (true) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
                buf.flip();
                md.update(buf);
                if (pacer != null) {
                    pacer.account(n);
                }
            }
        }
        return md.digest();
    }
}
