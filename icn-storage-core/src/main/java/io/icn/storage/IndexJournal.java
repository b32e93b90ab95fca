package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The append-only journal of the index's changes, in the {@code .index} directory of the store root, after the
 * {@linkplain IndexCheckpoint checkpoint} it continues.
 *
 * <p>Files are named by generation {@code g} (16 hex digits): {@code checkpoint-g.bin} and {@code journal-g.log}.
 * The journal of generation {@code g} holds the changes made after the snapshot that {@code checkpoint-g.bin} holds
 * (or will hold): the writer {@linkplain #rotate() starts generation g+1} at the moment it takes a snapshot for
 * the background checkpointer, and goes on appending there. Until {@code checkpoint-(g+1).bin} is durable,
 * recovery replays the newest valid checkpoint and then every journal of that generation and after, in order; only
 * once a checkpoint is durable are the older checkpoints and journals deleted ({@link #deleteCovered}). Records
 * are framed as {@code [int length][int crc32c][payload]}; a torn or corrupt tail is cut off at the last good
 * record.
 *
 * <p>{@link #open}, {@link #append} and {@link #rotate} are confined to the store's writer thread (and its
 * constructor); {@link #deleteCovered} runs on the checkpointer and touches only files of older generations.
 */
final class IndexJournal implements AutoCloseable {

    static final byte PUT = 1;
    static final byte DELETE = 2;
    static final byte SET = 3;
    /**
     * A marker written at the head of a group commit: every record before it in the journal has been
     * applied to the files (and, with fsync, made durable), so recovery need not re-check them.
     */
    static final byte APPLIED = 4;

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
        /** The generation of the checkpoint loaded (0: none). */
        long checkpointGeneration;
    }

    private final StoreLayout layout;
    private final Path dir;
    private long generation;
    private FileChannel journal;
    private Path journalPath;
    private long size;

    private IndexJournal(StoreLayout layout) {
        this.layout = layout;
        this.dir = layout.indexDir;
    }

    static String stagingName(Cid cid, long txid) {
        return cid + "." + txid;
    }

    /**
     * Loads the newest valid checkpoint and replays, in order, every journal of its generation and after into
     * {@code out}; appends will go to the newest of those journals.
     */
    static IndexJournal open(StoreLayout layout, Loaded out) throws IOException {
        Path dir = layout.indexDir;
        Files.createDirectories(dir);
        IndexJournal j = new IndexJournal(layout);
        List<Long> checkpoints = new ArrayList<>();
        List<Long> journals = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                long cp = IndexCheckpoint.generationOf(n);
                if (cp >= 0) {
                    checkpoints.add(cp);
                } else if (n.startsWith("journal-") && n.endsWith(".log") && n.length() == 8 + 16 + 4) {
                    journals.add(Long.parseUnsignedLong(n.substring(8, 24), 16));
                } else if (n.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a checkpoint a crash or a failure left unfinished
                }
            }
        }
        checkpoints.sort(null);
        journals.sort(null);
        long gen = 0;
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            Map<Cid, ChunkEntry> loaded = new HashMap<>();
            long maxTx = IndexCheckpoint.read(IndexCheckpoint.path(dir, checkpoints.get(i)), loaded);
            if (maxTx >= 0) {
                gen = checkpoints.get(i);
                out.entries.putAll(loaded);
                out.maxTxid = maxTx;
                break;
            }
        }
        out.checkpointGeneration = gen;
        long last = gen;
        for (long g : journals) {
            if (g > gen) {
                last = g;
            }
        }
        for (long g : journals) {
            if (g >= gen && g < last) { // a journal the writer left for a newer one: replay it up to its valid end
                j.journalPath = j.journalPath(g);
                try (FileChannel older = FileChannel.open(j.journalPath, StandardOpenOption.READ)) {
                    j.journal = older;
                    j.replay(out);
                }
            }
        }
        j.generation = last;
        j.journalPath = j.journalPath(last);
        j.journal = FileChannel.open(j.journalPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        j.size = j.replay(out);
        j.journal.truncate(j.size);
        j.journal.position(j.size);
        deleteFiles(dir, gen, true);
        if (layout.fsync) {
            j.journal.force(true);
            StoreLayout.forceDirectory(dir);
        }
        return j;
    }

    private Path journalPath(long gen) {
        return dir.resolve(String.format("journal-%016x.log", gen));
    }

    /** The generation appends go to now. */
    long generation() {
        return generation;
    }

    /**
     * Starts the next generation: appends go to a new, empty {@code journal-(g+1).log} from now on; the current
     * journal is closed and kept (it is still needed until {@code checkpoint-(g+1).bin} is durable).
     *
     * @return the new generation, the one whose checkpoint will cover every record appended before this call
     */
    long rotate() throws IOException {
        long next = generation + 1;
        Path nextPath = journalPath(next);
        FileChannel nj = FileChannel.open(nextPath, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            layout.force(dir);
        } catch (IOException e) {
            nj.close();
            Files.deleteIfExists(nextPath);
            throw e;
        }
        FileChannel old = journal;
        journal = nj;
        journalPath = nextPath;
        generation = next;
        size = 0;
        old.close();
        return next;
    }

    /**
     * Deletes what the durable checkpoint of generation {@code gen} covers: every older checkpoint and every
     * journal of an older generation. Called once that checkpoint is durable.
     */
    static void deleteCovered(Path dir, long gen) throws IOException {
        deleteFiles(dir, gen, false);
    }

    /** Deletes journals older than {@code gen} and checkpoints older than it (or, with {@code allButGen}, all but it). */
    private static void deleteFiles(Path dir, long gen, boolean allButGen) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                long cp = IndexCheckpoint.generationOf(n);
                boolean oldJournal = n.startsWith("journal-") && n.endsWith(".log") && n.length() == 8 + 16 + 4
                        && Long.parseUnsignedLong(n.substring(8, 24), 16) < gen;
                boolean oldCheckpoint = cp >= 0 && (allButGen ? cp != gen : cp < gen);
                if (oldJournal || oldCheckpoint) {
                    Files.deleteIfExists(p);
                }
            }
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
            layout.hook.beforeWrite(journalPath, start, total);
            long pos = start;
            while (b.hasRemaining()) {
                pos += journal.write(b, pos);
            }
            if (layout.fsync) {
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

    /** Bytes in the current generation's journal. */
    long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
