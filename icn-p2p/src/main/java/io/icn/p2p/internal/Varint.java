package io.icn.p2p.internal;

import io.icn.p2p.ProtocolViolationException;
import java.nio.ByteBuffer;

/**
 * Unsigned varints as multiformats defines them (unsigned LEB128, at most 9 bytes, 63 bits, minimal encoding),
 * the framing of multistream-select, multiaddrs, multihashes and length-prefixed protobuf messages.
 *
 * <p>Stateless and thread-safe.
 */
public final class Varint {
    /** Most bytes a multiformats varint may take (63 bits of value). */
    public static final int MAX_BYTES = 9;

    private Varint() {
    }

    /** How many bytes {@code value} takes. */
    public static int size(long value) {
        requireUnsigned(value);
        int n = 1;
        while ((value >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** {@code value} encoded. */
    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        write(value, out, 0);
        return out;
    }

    /** Writes {@code value} at {@code offset} of {@code out}; returns the offset after it. */
    public static int write(long value, byte[] out, int offset) {
        requireUnsigned(value);
        while ((value & ~0x7FL) != 0) {
            out[offset++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[offset++] = (byte) value;
        return offset;
    }

    /** Puts {@code value} into {@code out} at its position. */
    public static void write(long value, ByteBuffer out) {
        requireUnsigned(value);
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    /**
     * Reads one varint at the position of {@code in}, advancing it.
     *
     * @throws ProtocolViolationException if the input ends inside the varint, if it is longer than 9 bytes, or if
     *     it is not minimally encoded
     */
    public static long read(ByteBuffer in) {
        long value = peek(in, in.position(), in.limit());
        if (value == INCOMPLETE) {
            throw new ProtocolViolationException("varint truncated after " + in.remaining() + " bytes");
        }
        in.position(in.position() + size(value));
        return value;
    }

    /** Returned by {@link #peek} when the bytes end before the varint does. */
    public static final long INCOMPLETE = -1;

    /**
     * Decodes the varint starting at {@code from} of {@code in} (absolute indexes, nothing moves), or returns
     * {@link #INCOMPLETE} if it does not end before {@code limit}.
     *
     * @throws ProtocolViolationException if it is longer than 9 bytes or not minimally encoded
     */
    public static long peek(ByteBuffer in, int from, int limit) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (from + i >= limit) {
                return INCOMPLETE;
            }
            int b = in.get(from + i) & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new ProtocolViolationException("varint not minimally encoded (" + (i + 1) + " bytes, last 0x00)");
                }
                return value;
            }
        }
        throw new ProtocolViolationException("varint longer than " + MAX_BYTES + " bytes");
    }

    private static void requireUnsigned(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("a varint is unsigned, got " + value);
        }
    }
}
