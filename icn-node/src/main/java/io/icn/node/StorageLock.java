package io.icn.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock on a storage directory ({@code <storage>/node.lock}, an OS file lock), so that a
 * second node refuses to start on a directory a running node uses. The lock dies with the process, so a
 * crash never leaves a stale lock; the file itself stays (deleting it would race with a starting node)
 * and holds the owner's process id for operators.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
final class StorageLock implements AutoCloseable {
    static final String FILE_NAME = "node.lock";

    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private StorageLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code storageDir}, which must exist.
     *
     * @throws StorageLockedException if another node holds it
     * @throws NodeException if the lock file cannot be written
     */
    static StorageLock acquire(Path storageDir) {
        Path file = storageDir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new NodeException("cannot create the lock file " + file + ": " + e + "; check that storage_path"
                    + " is writable by this user", e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new StorageLockedException(file);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new StorageLock(file, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StorageLockedException(file);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new NodeException("cannot lock " + file + ": " + e, e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the lock failure is the error worth reporting
        }
    }
}
