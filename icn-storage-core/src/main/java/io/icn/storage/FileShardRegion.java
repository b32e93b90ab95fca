package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/** A region backed by its own read-only {@link FileChannel} on the shard file. Not thread-safe. */
final class FileShardRegion implements ShardRegion {

    private final Cid cid;
    private final int index;
    private final long offset;
    private final long length;
    private final FileChannel channel;
    private boolean closed;

    FileShardRegion(Cid cid, int index, long offset, long length, FileChannel channel) {
        this.cid = cid;
        this.index = index;
        this.offset = offset;
        this.length = length;
        this.channel = channel;
    }

    @Override
    public Cid cid() {
        return cid;
    }

    @Override
    public int shardIndex() {
        return index;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long transferTo(WritableByteChannel target) throws IOException {
        ensureOpen();
        long done = 0;
        while (done < length) {
            long n = channel.transferTo(offset + done, length - done, target);
            if (n <= 0 && channel.size() < offset + length) {
                throw new IOException("shard file of " + cid + "/" + index + " shrank during transfer");
            }
            done += n;
        }
        return done;
    }

    @Override
    public ReadableByteChannel channel() {
        ensureOpen();
        return new ReadableByteChannel() {
            private long pos;
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (!open) {
                    throw new ClosedChannelException();
                }
                long left = length - pos;
                if (left <= 0) {
                    return -1;
                }
                ByteBuffer view = dst;
                int limit = dst.limit();
                if (dst.remaining() > left) {
                    dst.limit(dst.position() + (int) left);
                }
                try {
                    int n = channel.read(view, offset + pos);
                    if (n > 0) {
                        pos += n;
                    }
                    return n;
                } finally {
                    dst.limit(limit);
                }
            }

            @Override
            public boolean isOpen() {
                return open && channel.isOpen();
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    @Override
    public ByteBuffer asByteBuffer() throws IOException {
        ensureOpen();
        return channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
    }

    @Override
    public Optional<FileChannel> fileChannel() {
        ensureOpen();
        return Optional.of(channel);
    }

    @Override
    public long filePosition() {
        return offset;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // a read-only channel has nothing to flush; the descriptor is released either way
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("region of shard " + index + " of " + cid + " is closed");
        }
    }
}
