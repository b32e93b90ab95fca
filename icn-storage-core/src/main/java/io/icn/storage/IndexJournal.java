package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The persistent form of the index: a checkpoint (full snapshot) plus an append-only journal of the
 * changes made since, both in the {@code .index} directory of the store root.
 *
 * <p>Files are named by generation {@code g} (16 hex digits): {@code checkpoint-g.bin} and
 * {@code journal-g.log}. A checkpoint is written as {@code checkpoint-g.bin.tmp}, forced, renamed and the
 * directory forced; only then does generation {@code g} begin and the older files get deleted, so
 * recovery picks the highest checkpoint that validates and replays its journal. Records are framed as
 * {@code [int length][int crc32c][payload]}; a torn or corrupt tail is cut off at the last good record.
 *
 * <p>Confined to the store's writer thread (and its constructor). Not thread-safe.
 */
final class IndexJournal implements AutoCloseable {

    static final byte PUT = 1;
    static final byte DELETE = 2;
    static final byte SET = 3;
    /**
     * A marker written at the head of a group commit: every record before it in this journal has been
     * applied to the files (and, with fsync, made durable), so recovery need not re-check them.
     */
    static final byte APPLIED = 4;

    private static final long CHECKPOINT_MAGIC = 0x49434e4944583031L; // "ICNIDX01"
    private static final int TRAILER_MAGIC = 0x454e4421; // "END!"

    /** A PUT record replayed since the last checkpoint; its staging directory may need rolling forward. */
    record CommittedPut(Cid cid, long txid, int[] indexes) {
    }

    /** What {@link #open} found. */
    static final class Loaded {
        final Map<Cid, ChunkEntry> entries = new HashMap<>();
        final Map<String, CommittedPut> committedPuts = new HashMap<>();
        final Set<Cid> touched = new HashSet<>();
        long maxTxid;
        long records;
    }

    private final Path dir;
    private final boolean fsync;
    private final WriteHook hook;
    private long generation;
    private FileChannel journal;
    private Path journalPath;
    private long size;

    private IndexJournal(Path dir, boolean fsync, WriteHook hook) {
        this.dir = dir;
        this.fsync = fsync;
        this.hook = hook;
    }

    static String stagingName(Cid cid, long txid) {
        return cid + "." + txid;
    }

    /** Loads the newest valid checkpoint and replays its journal into {@code out}. */
    static IndexJournal open(Path dir, boolean fsync, WriteHook hook, Loaded out) throws IOException {
        Files.createDirectories(dir);
        IndexJournal j = new IndexJournal(dir, fsync, hook);
        List<Long> checkpoints = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith("checkpoint-") && n.endsWith(".bin") && n.length() == 11 + 16 + 4) {
                    checkpoints.add(Long.parseUnsignedLong(n.substring(11, 27), 16));
                }
            }
        }
        checkpoints.sort(null);
        long gen = 0;
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            Map<Cid, ChunkEntry> loaded = new HashMap<>();
            long maxTx = readCheckpoint(j.checkpointPath(checkpoints.get(i)), loaded);
            if (maxTx >= 0) {
                gen = checkpoints.get(i);
                out.entries.putAll(loaded);
                out.maxTxid = maxTx;
                break;
            }
        }
        j.generation = gen;
        j.journalPath = j.journalPath(gen);
        j.journal = FileChannel.open(j.journalPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        j.size = j.replay(out);
        j.journal.truncate(j.size);
        j.journal.position(j.size);
        j.deleteOtherGenerations();
        if (fsync) {
            j.journal.force(true);
            forceDirectory(dir);
        }
        return j;
    }

    private Path checkpointPath(long gen) {
        return dir.resolve(String.format("checkpoint-%016x.bin", gen));
    }

    private Path journalPath(long gen) {
        return dir.resolve(String.format("journal-%016x.log", gen));
    }

    /** @return the highest txid recorded, or -1 if the file is invalid */
    private static long readCheckpoint(Path path, Map<Cid, ChunkEntry> out) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long len = ch.size();
            if (len < 8 + 8 + 4 + 8 || len > Integer.MAX_VALUE) {
                return -1;
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, len);
            CRC32C crc = new CRC32C();
            ByteBuffer body = map.duplicate();
            body.limit((int) len - 8);
            crc.update(body);
            if (map.getInt((int) len - 8) != (int) crc.getValue() || map.getInt((int) len - 4) != TRAILER_MAGIC
                    || map.getLong(0) != CHECKPOINT_MAGIC) {
                return -1;
            }
            map.position(8);
            long maxTxid = map.getLong();
            int count = map.getInt();
            for (int i = 0; i < count; i++) {
                ChunkEntry e = ChunkEntry.decode(map);
                out.put(e.cid, e);
            }
            return maxTxid;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private long replay(Loaded out) throws IOException {
        long fileSize = journal.size();
        ByteBuffer header = ByteBuffer.allocate(8);
        long pos = 0;
        CRC32C crc = new CRC32C();
        while (pos + 8 <= fileSize) {
            header.clear();
            readFully(header, pos);
            header.flip();
            int len = header.getInt();
            int sum = header.getInt();
            if (len <= 0 || pos + 8 + len > fileSize) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(len);
            readFully(payload, pos + 8);
            crc.reset();
            crc.update(payload.array(), 0, len);
            if ((int) crc.getValue() != sum) {
                break;
            }
            payload.flip();
            try {
                apply(payload, out);
            } catch (RuntimeException malformed) {
                break;
            }
            out.records++;
            pos += 8 + len;
        }
        return pos;
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (journal.read(b, pos + b.position()) < 0) {
                throw new IOException("unexpected end of " + journalPath);
            }
        }
    }

    private static void apply(ByteBuffer p, Loaded out) {
        byte type = p.get();
        long txid = p.getLong();
        out.maxTxid = Math.max(out.maxTxid, txid);
        switch (type) {
            case PUT -> {
                int n = p.getShort() & 0xffff;
                int[] indexes = new int[n];
                for (int i = 0; i < n; i++) {
                    indexes[i] = p.getShort() & 0xffff;
                }
                ChunkEntry e = ChunkEntry.decode(p);
                out.entries.put(e.cid, e);
                out.touched.add(e.cid);
                out.committedPuts.put(stagingName(e.cid, txid), new CommittedPut(e.cid, txid, indexes));
            }
            case SET -> {
                ChunkEntry e = ChunkEntry.decode(p);
                if (e.isEmpty()) {
                    out.entries.remove(e.cid);
                } else {
                    out.entries.put(e.cid, e);
                }
                out.touched.add(e.cid);
            }
            case APPLIED -> out.touched.clear();
            case DELETE -> {
                byte[] b = new byte[Cid.BYTE_LENGTH];
                p.get(b);
                Cid cid = Cid.fromBytes(b);
                out.entries.remove(cid);
                out.touched.add(cid);
            }
            default -> throw new IllegalArgumentException("record type " + type);
        }
    }

    static byte[] putRecord(long txid, int[] indexes, ChunkEntry entry) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 2 + 2 * indexes.length + entry.encodedSize());
        b.put(PUT).putLong(txid).putShort((short) indexes.length);
        for (int i : indexes) {
            b.putShort((short) i);
        }
        entry.encode(b);
        return b.array();
    }

    static byte[] appliedRecord() {
        return ByteBuffer.allocate(1 + 8).put(APPLIED).putLong(0).array();
    }

    static byte[] setRecord(long txid, ChunkEntry entry) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + entry.encodedSize());
        b.put(SET).putLong(txid);
        entry.encode(b);
        return b.array();
    }

    static byte[] deleteRecord(long txid, Cid cid) {
        byte[] b = new byte[1 + 8 + Cid.BYTE_LENGTH];
        ByteBuffer.wrap(b).put(DELETE).putLong(txid);
        cid.writeTo(b, 9);
        return b;
    }

    /**
     * Appends the records in one write and forces them (group commit). On failure the journal is cut
     * back to its previous end, so no partial record remains.
     */
    void append(List<byte[]> payloads) throws IOException {
        if (payloads.isEmpty()) {
            return;
        }
        int total = 0;
        for (byte[] p : payloads) {
            total += 8 + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(total);
        CRC32C crc = new CRC32C();
        for (byte[] p : payloads) {
            crc.reset();
            crc.update(p);
            b.putInt(p.length).putInt((int) crc.getValue()).put(p);
        }
        b.flip();
        long start = size;
        try {
            hook.beforeWrite(journalPath, start, total);
            long pos = start;
            while (b.hasRemaining()) {
                pos += journal.write(b, pos);
            }
            if (fsync) {
                journal.force(false);
            }
            size = start + total;
        } catch (IOException e) {
            try {
                journal.truncate(start);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    long size() {
        return size;
    }

    /** Writes a full snapshot as the next generation and starts its empty journal. */
    void checkpoint(Collection<ChunkEntry> entries, long maxTxid) throws IOException {
        long next = generation + 1;
        Path tmp = dir.resolve(String.format("checkpoint-%016x.bin.tmp", next));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            buf.putLong(CHECKPOINT_MAGIC).putLong(maxTxid).putInt(entries.size());
            long pos = 0;
            int written = 0;
            for (ChunkEntry e : entries) {
                int need = e.encodedSize();
                if (buf.remaining() < need) {
                    pos = flush(ch, buf, crc, pos, tmp);
                }
                e.encode(buf);
                written++;
            }
            if (written != entries.size()) {
                throw new IOException("index changed while checkpointing");
            }
            pos = flush(ch, buf, crc, pos, tmp);
            buf.putInt((int) crc.getValue()).putInt(TRAILER_MAGIC);
            buf.flip();
            hook.beforeWrite(tmp, pos, buf.remaining());
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(tmp, checkpointPath(next), StandardCopyOption.ATOMIC_MOVE);
        Path nextJournal = journalPath(next);
        FileChannel nj = FileChannel.open(nextJournal, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (fsync) {
            forceDirectory(dir);
        }
        FileChannel old = journal;
        journal = nj;
        journalPath = nextJournal;
        generation = next;
        size = 0;
        old.close();
        deleteOtherGenerations();
    }

    private long flush(FileChannel ch, ByteBuffer buf, CRC32C crc, long pos, Path file) throws IOException {
        buf.flip();
        crc.update(buf.duplicate());
        hook.beforeWrite(file, pos, buf.remaining());
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
        buf.clear();
        return pos;
    }

    private void deleteOtherGenerations() throws IOException {
        String keepCheckpoint = checkpointPath(generation).getFileName().toString();
        String keepJournal = journalPath.getFileName().toString();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.equals(keepCheckpoint) && !n.equals(keepJournal)
                        && (n.startsWith("checkpoint-") || n.startsWith("journal-"))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
