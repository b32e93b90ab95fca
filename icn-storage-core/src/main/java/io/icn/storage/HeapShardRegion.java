package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/** A region over bytes already in memory (the in-memory store). Not thread-safe, like every region. */
final class HeapShardRegion implements ShardRegion {

    private final Cid cid;
    private final int index;
    private final long offset;
    private final ByteBuffer bytes;
    private boolean closed;

    HeapShardRegion(Cid cid, int index, long offset, ByteBuffer bytes) {
        this.cid = cid;
        this.index = index;
        this.offset = offset;
        this.bytes = bytes.asReadOnlyBuffer();
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
        return bytes.remaining();
    }

    @Override
    public long transferTo(WritableByteChannel target) throws IOException {
        ensureOpen();
        ByteBuffer b = bytes.duplicate();
        long n = 0;
        while (b.hasRemaining()) {
            n += target.write(b);
        }
        return n;
    }

    @Override
    public ReadableByteChannel channel() {
        ensureOpen();
        ByteBuffer b = bytes.duplicate();
        return new ReadableByteChannel() {
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (!open) {
                    throw new ClosedChannelException();
                }
                if (!b.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(dst.remaining(), b.remaining());
                ByteBuffer slice = b.slice();
                slice.limit(n);
                dst.put(slice);
                b.position(b.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    @Override
    public ByteBuffer asByteBuffer() {
        ensureOpen();
        return bytes.duplicate();
    }

    @Override
    public Optional<FileChannel> fileChannel() {
        ensureOpen();
        return Optional.empty();
    }

    @Override
    public long filePosition() {
        return offset;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("region of shard " + index + " of " + cid + " is closed");
        }
    }
}
