package io.icn.p2p;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The received, unread bytes of one stream: a growable heap array (bounded by the stream's receive window), so
 * no pooled buffer is held while the application takes its time to read.
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
final class ByteQueue {
    private byte[] buf = new byte[0];
    private int read;
    private int write;

    int readable() {
        return write - read;
    }

    /** Appends the readable bytes of {@code src} without moving its reader index; the caller keeps ownership. */
    void append(ByteBuf src) {
        int n = src.readableBytes();
        ensure(n);
        src.getBytes(src.readerIndex(), buf, write, n);
        write += n;
    }

    /** A read-only view of the readable bytes: position at the first, limit after the last. */
    ByteBuffer view() {
        return ByteBuffer.wrap(buf, read, write - read).asReadOnlyBuffer();
    }

    void skip(int n) {
        if (n > readable()) {
            throw new IllegalArgumentException("skip " + n + " > readable " + readable());
        }
        read += n;
        if (read == write) {
            read = 0;
            write = 0;
        }
    }

    byte[] takeAll() {
        byte[] out = Arrays.copyOfRange(buf, read, write);
        skip(out.length);
        return out;
    }

    /** Moves up to {@code len} bytes into {@code dst} at {@code off}; returns how many. */
    int take(byte[] dst, int off, int len) {
        int n = Math.min(len, readable());
        System.arraycopy(buf, read, dst, off, n);
        skip(n);
        return n;
    }

    void clear() {
        read = 0;
        write = 0;
        buf = new byte[0];
    }

    private void ensure(int more) {
        if (buf.length - write >= more) {
            return;
        }
        int live = write - read;
        if (buf.length - live >= more && read > 0) {
            System.arraycopy(buf, read, buf, 0, live);
        } else {
            byte[] n = new byte[Math.max(live + more, Math.min(Math.max(buf.length * 2, 4096), live + more + (1 << 20)))];
            System.arraycopy(buf, read, n, 0, live);
            buf = n;
        }
        read = 0;
        write = live;
    }
}
