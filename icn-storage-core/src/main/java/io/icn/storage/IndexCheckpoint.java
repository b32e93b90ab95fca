package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A checkpoint file of the index: {@code checkpoint-G.bin} in {@code .index}, the full snapshot of the index that
 * generation {@code G}'s journal continues. Layout: magic, the highest txid covered, the entry count, the entries,
 * then a CRC32C of all that and a trailer magic. Written as {@code checkpoint-G.bin.tmp}, forced, renamed and the
 * directory forced: a file under its final name is complete. Stateless; thread-safe.
 */
final class IndexCheckpoint {

    private static final long MAGIC = 0x49434e4944583031L; // "ICNIDX01"
    private static final int TRAILER_MAGIC = 0x454e4421; // "END!"

    private IndexCheckpoint() {
    }

    static Path path(Path dir, long gen) {
        return dir.resolve(String.format("checkpoint-%016x.bin", gen));
    }

    /** The generation a checkpoint file's name carries, or -1 if it is no checkpoint's name. */
    static long generationOf(String name) {
        if (name.startsWith("checkpoint-") && name.endsWith(".bin") && name.length() == 11 + 16 + 4) {
            return Long.parseUnsignedLong(name.substring(11, 27), 16);
        }
        return -1;
    }

    /** @return the highest txid recorded, or -1 if the file is invalid (then {@code out} may hold part of it) */
    static long read(Path path, Map<Cid, ChunkEntry> out) {
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
                    || map.getLong(0) != MAGIC) {
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

    /**
     * Writes {@code entries} (a snapshot no one changes meanwhile) as the checkpoint of generation {@code gen} and
     * makes it durable under its final name. On failure the temporary file is removed and nothing else changes.
     */
    static void write(StoreLayout layout, long gen, Collection<ChunkEntry> entries, long maxTxid) throws IOException {
        Path dir = layout.indexDir;
        Path tmp = dir.resolve(String.format("checkpoint-%016x.bin.tmp", gen));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                buf.putLong(MAGIC).putLong(maxTxid).putInt(entries.size());
                long pos = 0;
                int written = 0;
                for (ChunkEntry e : entries) {
                    if (buf.remaining() < e.encodedSize()) {
                        pos = flush(layout, ch, buf, crc, pos, tmp);
                    }
                    e.encode(buf);
                    written++;
                }
                if (written != entries.size()) {
                    throw new IOException("the snapshot changed while it was checkpointed");
                }
                pos = flush(layout, ch, buf, crc, pos, tmp);
                buf.putInt((int) crc.getValue()).putInt(TRAILER_MAGIC);
                flush(layout, ch, buf, null, pos, tmp);
                if (layout.fsync) {
                    ch.force(true);
                }
            }
            StoreLayout.rename(tmp, path(dir, gen));
            layout.force(dir);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static long flush(StoreLayout layout, FileChannel ch, ByteBuffer buf, CRC32C crc, long pos, Path file)
            throws IOException {
        buf.flip();
        if (crc != null) {
            crc.update(buf.duplicate());
        }
        layout.hook.beforeWrite(file, pos, buf.remaining());
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
        buf.clear();
        return pos;
    }
}
