package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file store's names on disk and the file operations every part of it shares: {@code <root>/<CID>/shard_NN.bin}
 * and {@code chunk.meta}, and the store's own directories {@code .index}, {@code .staging}, {@code .trash} and
 * {@code .quarantine}. A name says what state its file is in (staged, committed, trashed, quarantined), so
 * recovery classifies by name alone. Immutable; thread-safe.
 */
final class StoreLayout {

    static final String MANIFEST = "chunk.meta";
    static final String STAGING = ".staging";
    static final String TRASH = ".trash";
    static final String QUARANTINE = ".quarantine";
    static final String INDEX = ".index";

    final Path root;
    final Path stagingDir;
    final Path trashDir;
    final Path quarantineDir;
    final Path indexDir;
    final boolean fsync;
    final WriteHook hook;

    StoreLayout(Path root, boolean fsync, WriteHook hook) {
        this.root = root.toAbsolutePath().normalize();
        this.stagingDir = this.root.resolve(STAGING);
        this.trashDir = this.root.resolve(TRASH);
        this.quarantineDir = this.root.resolve(QUARANTINE);
        this.indexDir = this.root.resolve(INDEX);
        this.fsync = fsync;
        this.hook = hook;
    }

    /** Creates the root and the store's directories if needed. */
    void create() throws IOException {
        Files.createDirectories(root);
        Files.createDirectories(stagingDir);
        Files.createDirectories(trashDir);
        Files.createDirectories(quarantineDir);
    }

    Path chunkDir(Cid cid) {
        return root.resolve(cid.toString());
    }

    static String shardFileName(int index) {
        return String.format("shard_%02d.bin", index);
    }

    Path shardPath(Cid cid, int index) {
        return chunkDir(cid).resolve(shardFileName(index));
    }

    /** Where a shard that failed its check is kept for inspection; {@code txid} keeps names unique. */
    Path quarantinedShard(Object chunkName, int index, long txid) {
        return quarantineDir.resolve(chunkName + "." + index + "." + txid + ".bin");
    }

    /** Moves {@code from} to {@code to} in one atomic rename. */
    static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Moves {@code from} over {@code to} in one atomic rename. */
    static void replace(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Writes {@code b} (from its position to its limit) to the new file {@code file} in pieces of 1 MiB, each
     * announced to the write hook, and returns the channel still open, for the caller to force and close.
     */
    FileChannel writeNew(Path file, ByteBuffer b) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            long pos = 0;
            while (b.hasRemaining()) {
                int n = Math.min(b.remaining(), 1 << 20);
                hook.beforeWrite(file, pos, n);
                ByteBuffer slice = b.slice();
                slice.limit(n);
                int w = ch.write(slice, pos);
                pos += w;
                b.position(b.position() + w);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Writes a new file and, with fsync, forces it before returning. */
    void writeFile(Path file, ByteBuffer b) throws IOException {
        try (FileChannel ch = writeNew(file, b)) {
            if (fsync) {
                ch.force(false);
            }
        }
    }

    /** Replaces the chunk's manifest in {@code dir} through a temporary file and an atomic rename. */
    void writeManifest(Path dir, ChunkEntry entry) throws IOException {
        Path tmp = dir.resolve(MANIFEST + ".tmp");
        Files.deleteIfExists(tmp);
        writeFile(tmp, ByteBuffer.wrap(entry.encode()));
        replace(tmp, dir.resolve(MANIFEST));
    }

    /** With fsync, forces the directory's entries (a rename or a new file in it) to the disk. */
    void force(Path dir) throws IOException {
        if (fsync) {
            forceDirectory(dir);
        }
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException ignored) {
            // leftovers in .staging or .trash are removed by the next recovery
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) {
                    deleteRecursively(c);
                }
            }
        }
        try {
            Files.delete(p);
        } catch (NoSuchFileException alreadyGone) {
            // removed concurrently
        }
    }

    static void emptyDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                deleteRecursively(p);
            }
        }
    }

    /** Whether {@code e} (or a cause) says the device or the user's quota is full. */
    static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The exception a failed write of {@code bytes} raises: full storage, or a storage fault naming {@code what}. */
    static RuntimeException failure(Throwable e, long bytes, String what) {
        if (e instanceof RuntimeException r && !(e instanceof java.io.UncheckedIOException)) {
            return r;
        }
        if (isOutOfSpace(e)) {
            return new StorageFullException(bytes, e);
        }
        return new StorageException("cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
