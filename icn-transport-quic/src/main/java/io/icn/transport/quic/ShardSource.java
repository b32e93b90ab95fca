package io.icn.transport.quic;

import io.icn.storage.ShardRegion;
import io.netty.buffer.ByteBuf;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a {@link ShardRegion} piece by piece into buffers: positioned reads on the region's file
 * channel for the file store (page cache straight into direct memory, no heap copy), or slices of its
 * byte-buffer view otherwise.
 *
 * <p>Owns the region and closes it in {@link #close()}. Not thread-safe: used by one disk-executor task
 * at a time (the executor hand-off orders the tasks).
 */
final class ShardSource implements AutoCloseable {

    private final ShardRegion region;
    private final FileChannel file;
    private final long filePosition;
    private ByteBuffer view;

    ShardSource(ShardRegion region) {
        this.region = region;
        this.file = region.fileChannel().orElse(null);
        this.filePosition = file != null ? region.filePosition() : 0;
    }

    long length() {
        return region.length();
    }

    /**
     * Appends {@code length} bytes from {@code position} (relative to the region) to {@code dst}.
     *
     * @param dst written to, not released (the caller owns it)
     */
    void read(ByteBuf dst, long position, int length) throws IOException {
        if (file != null) {
            long at = filePosition + position;
            int left = length;
            while (left > 0) {
                int n = dst.writeBytes(file, at, left);
                if (n < 0) {
                    throw new EOFException("shard file of " + region.cid() + "/" + region.shardIndex() + " ended at "
                            + (at - filePosition) + " of " + region.length());
                }
                at += n;
                left -= n;
            }
        } else {
            if (view == null) {
                view = region.asByteBuffer();
            }
            dst.writeBytes(view.duplicate().position((int) position).limit((int) position + length));
        }
    }

    @Override
    public void close() {
        region.close();
    }
}
