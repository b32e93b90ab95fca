package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * A byte range of one stored shard, opened for sending without copying it onto the heap. Obtained from
 * {@link ShardStore#openRegion(Cid, int, long, long)}; the caller owns it and must {@link #close()} it.
 *
 * <p>For the file store the region keeps its own open {@link FileChannel} on the shard file, so it
 * stays readable even if the chunk is deleted while a transfer is in flight (the file is unlinked but
 * its bytes live until the region is closed). Nothing here verifies hashes: regions serve bytes as
 * stored; integrity is the scrubber's job.
 *
 * <p>Three ways to consume it, each independent of the others:
 * <ul>
 *   <li>{@link #transferTo(WritableByteChannel)}: the whole region, through
 *       {@link FileChannel#transferTo} (sendfile where the platform has it);</li>
 *   <li>{@link #fileChannel()} with {@link #filePosition()} and {@link #length()}: for a transport that
 *       does its own zero-copy transfer (e.g. Netty's {@code DefaultFileRegion}); the channel stays
 *       owned by this region: do not close it, close the region;</li>
 *   <li>{@link #asByteBuffer()}: a read-only (memory-mapped for files) view.</li>
 * </ul>
 *
 * <p>Not thread-safe: one consumer at a time. {@link #close()} is idempotent; any other call after
 * close throws {@link StoreClosedException}.
 */
public interface ShardRegion extends AutoCloseable {

    Cid cid();

    int shardIndex();

    /** Offset of the region within the shard. */
    long offset();

    /** Number of bytes in the region. */
    long length();

    /**
     * Writes the whole region to {@code target}, looping until done.
     *
     * @return bytes written, always {@link #length()}
     */
    long transferTo(WritableByteChannel target) throws IOException;

    /** A fresh channel that reads the region from its start to its end; closing it does not close the region. */
    ReadableByteChannel channel();

    /** A read-only view of the region (memory-mapped for a file store); valid until the region is closed. */
    ByteBuffer asByteBuffer() throws IOException;

    /** The shard file's channel, owned by this region, when the store is file-backed. */
    Optional<FileChannel> fileChannel();

    /** Position of the region's first byte within {@link #fileChannel()} (equal to {@link #offset()} for files). */
    long filePosition();

    /** Releases the file handle. Idempotent. */
    @Override
    void close();
}
