package io.icn.p2p.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a protobuf (proto2/proto3 wire format) message field by field: the small hand-written codec of the
 * libp2p messages (keys, Noise payload, identify, Kademlia), so that the module needs no code generator.
 *
 * <p>Not thread-safe: one message, one thread.
 */
public final class ProtoWriter {
    private byte[] buf = new byte[64];
    private int size;

    /** Writes field {@code field} as a varint (wire type 0). */
    public ProtoWriter varint(int field, long value) {
        tag(field, 0);
        rawVarint(value);
        return this;
    }

    /** Writes field {@code field} as length-delimited bytes (wire type 2). */
    public ProtoWriter bytes(int field, byte[] value) {
        tag(field, 2);
        rawVarint(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        return this;
    }

    /** Writes field {@code field} as UTF-8 text (wire type 2). */
    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The message so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void tag(int field, int wireType) {
        if (field <= 0 || field > (1 << 29) - 1) {
            throw new IllegalArgumentException("protobuf field number out of range: " + field);
        }
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
