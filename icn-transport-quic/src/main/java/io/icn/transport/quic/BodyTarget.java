package io.icn.transport.quic;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Where the body of one GET goes: a heap array of the client's (the {@link ShardData} fetches), or the caller's
 * {@link ByteBuffer} or {@link WritableByteChannel} (the {@link ShardReceipt} fetches), written straight from
 * the received network buffers.
 *
 * <p>A caller's target outlives the attempts of its request: {@link #attempt()} starts one, and only the
 * latest attempt may write, so a timed-out attempt whose stream still delivers cannot mix its bytes into its
 * retry's. A buffer and a {@link FileChannel} are written at absolute positions from where they stood when the
 * request began, so an attempt can start over; any other channel only while nothing was written to it.
 *
 * <p>Thread-safe: attempts write under this object's lock, on their connection's event loop.
 */
abstract class BodyTarget {

    private int attempt;
    private long written;

    /** A caller's buffer: the body goes to {@code target}'s position on, which advances past it on success. */
    static BodyTarget of(ByteBuffer target) {
        return new BufferTarget(target);
    }

    /** A caller's channel: see the class comment for retries. */
    static BodyTarget of(WritableByteChannel target) {
        return target instanceof FileChannel file ? new FileTarget(file, position(file), true)
                : new ChannelTarget(target);
    }

    /** A region of a file from {@code position}, the channel's own position left alone (parallel fetches). */
    static BodyTarget of(FileChannel file, long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
        return new FileTarget(Objects.requireNonNull(file, "file"), position, false);
    }

    private static long position(FileChannel file) {
        try {
            return file.position();
        } catch (IOException e) {
            throw new TransportException("cannot read the target file's position", e);
        }
    }

    /**
     * Starts an attempt.
     *
     * @return its token for {@link #write}, or -1 when the target cannot take a new attempt (bytes already went
     *     to a channel that cannot be rewound)
     */
    final synchronized int attempt() {
        if (written > 0 && !restartable()) {
            return -1;
        }
        written = 0;
        return ++attempt;
    }

    /** Checks the target can take {@code length} bytes; throws naming the shortfall. */
    abstract void expect(long length, String request) throws FrameTooLargeException;

    /**
     * Writes all readable bytes of {@code in} (not released: the caller owns it) if {@code token} is the latest
     * attempt's; a stale attempt's bytes are dropped.
     */
    final synchronized void write(int token, ByteBuf in) throws IOException {
        if (token != attempt) {
            in.skipBytes(in.readableBytes());
            return;
        }
        long at = written;
        for (ByteBuffer src : in.nioBuffers()) {
            int n = src.remaining();
            put(at, src);
            at += n;
        }
        in.skipBytes(in.readableBytes());
        written = at;
    }

    /** The latest attempt delivered all {@code length} bytes: advances the target's position past them. */
    final synchronized void complete(int token, long length) throws IOException {
        if (token == attempt) {
            finish(length);
        }
    }

    /** The heap array the body lands in, from {@link #heapOffset()} on, or null when it goes elsewhere. */
    byte[] heapArray() {
        return null;
    }

    /** Where the body starts in {@link #heapArray()}. */
    int heapOffset() {
        throw new UnsupportedOperationException("not a heap array target");
    }

    /** Writes all of {@code src} at {@code at} bytes from where the body starts. */
    abstract void put(long at, ByteBuffer src) throws IOException;

    abstract boolean restartable();

    abstract void finish(long length) throws IOException;

    private static final class BufferTarget extends BodyTarget {
        private final ByteBuffer target;
        private final int start;

        BufferTarget(ByteBuffer target) {
            this.target = Objects.requireNonNull(target, "target");
            if (target.isReadOnly()) {
                throw new IllegalArgumentException("the target buffer is read-only");
            }
            this.start = target.position();
        }

        @Override
        void expect(long length, String request) {
            if (length > target.limit() - start) {
                throw new FrameTooLargeException(request + ": a " + length + "-byte body does not fit the "
                        + (target.limit() - start) + " bytes left in the target buffer");
            }
        }

        @Override
        byte[] heapArray() {
            return target.hasArray() ? target.array() : null;
        }

        @Override
        int heapOffset() {
            return target.arrayOffset() + start;
        }

        @Override
        void put(long at, ByteBuffer src) {
            target.put(start + (int) at, src, src.position(), src.remaining());
        }

        @Override
        boolean restartable() {
            return true;
        }

        @Override
        void finish(long length) {
            target.position(start + (int) length);
        }
    }

    private static final class FileTarget extends BodyTarget {
        private final FileChannel file;
        private final long start;
        private final boolean advance;

        FileTarget(FileChannel file, long start, boolean advance) {
            this.file = file;
            this.start = start;
            this.advance = advance;
        }

        @Override
        void expect(long length, String request) {
            // a file grows as needed
        }

        @Override
        void put(long at, ByteBuffer src) throws IOException {
            long position = start + at;
            while (src.hasRemaining()) {
                position += file.write(src, position);
            }
        }

        @Override
        boolean restartable() {
            return true;
        }

        @Override
        void finish(long length) throws IOException {
            if (advance) {
                file.position(start + length);
            }
        }
    }

    private static final class ChannelTarget extends BodyTarget {
        private final WritableByteChannel channel;

        ChannelTarget(WritableByteChannel channel) {
            this.channel = Objects.requireNonNull(channel, "target");
        }

        @Override
        void expect(long length, String request) {
            // a channel takes what it is given
        }

        @Override
        void put(long at, ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        }

        @Override
        boolean restartable() {
            return false;
        }

        @Override
        void finish(long length) {
            // the channel's position is its own
        }
    }
}
