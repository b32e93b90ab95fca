package io.icn.p2p.internal;

import io.icn.p2p.ProtocolViolationException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a protobuf message field by field; unknown fields are skipped, as protobuf requires. Every fault
 * (truncation, a bad wire type, a field read with the wrong type, invalid UTF-8) is a
 * {@link ProtocolViolationException} naming the message and the field.
 *
 * <pre>{@code
 * ProtoReader r = new ProtoReader(bytes, "Identify");
 * while (r.next()) {
 *     switch (r.field()) {
 *         case 5 -> protocolVersion = r.string();
 *         default -> r.skip();
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class ProtoReader {
    private final byte[] buf;
    private final String message;
    private int pos;
    private final int end;
    private int field;
    private int wireType;
    private boolean consumed = true;

    /** A reader of all of {@code buf}, naming {@code message} in its errors. */
    public ProtoReader(byte[] buf, String message) {
        this(buf, 0, buf.length, message);
    }

    /** A reader of {@code buf[start, end)}, naming {@code message} in its errors. */
    public ProtoReader(byte[] buf, int start, int end, String message) {
        if (start < 0 || end < start || end > buf.length) {
            throw new IllegalArgumentException("range [" + start + ", " + end + ") outside an array of " + buf.length);
        }
        this.buf = buf;
        this.message = message;
        this.pos = start;
        this.end = end;
    }

    /**
     * A reader of the current field as an embedded message, sharing this reader's array (no copy), naming
     * {@code embedded} in its errors; this reader moves past the field.
     */
    public ProtoReader embedded(String embedded) {
        expect(2);
        long len = rawVarint();
        if (len < 0 || len > end - pos) {
            throw violation("field " + field + " claims " + len + " bytes but " + (end - pos) + " remain");
        }
        consumed = true;
        int start = pos;
        pos += (int) len;
        return new ProtoReader(buf, start, pos, message + "." + embedded);
    }

    /** Moves to the next field (skipping the current one if unread); false at the end of the message. */
    public boolean next() {
        if (!consumed) {
            skip();
        }
        if (pos >= end) {
            return false;
        }
        long tag = rawVarint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0 || tag >>> 3 > Integer.MAX_VALUE) {
            throw violation("field number " + (tag >>> 3) + " is invalid");
        }
        consumed = false;
        return true;
    }

    /** The number of the current field. */
    public int field() {
        return field;
    }

    /** The current field as a varint. */
    public long varint() {
        expect(0);
        consumed = true;
        return rawVarint();
    }

    /**
     * Where the reader is in its array: before {@link #next()}, the first byte of the next field's tag; after a
     * field is read, just past it.
     */
    public int position() {
        return pos;
    }

    /**
     * The current length-delimited field's value left in place: the offset of its first byte in the array; the
     * reader moves past it, so {@link #position()} is then just after its last byte.
     */
    public int bytesInPlace() {
        expect(2);
        long len = rawVarint();
        if (len < 0 || len > end - pos) {
            throw violation("field " + field + " claims " + len + " bytes but " + (end - pos) + " remain");
        }
        consumed = true;
        int start = pos;
        pos += (int) len;
        return start;
    }

    /** The current field as bytes (a copy). */
    public byte[] bytes() {
        int start = bytesInPlace();
        return Arrays.copyOfRange(buf, start, pos);
    }

    /** The current field as UTF-8 text. */
    public String string() {
        byte[] bytes = bytes();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw violation("field " + field + " is not valid UTF-8");
        }
    }

    /** Skips the current field, whatever its wire type. */
    public void skip() {
        consumed = true;
        switch (wireType) {
            case 0 -> rawVarint();
            case 1 -> advance(8);
            case 2 -> {
                long len = rawVarint();
                if (len < 0 || len > end - pos) {
                    throw violation("field " + field + " claims " + len + " bytes but " + (end - pos) + " remain");
                }
                pos += (int) len;
            }
            case 5 -> advance(4);
            default -> throw violation("field " + field + " has unsupported wire type " + wireType);
        }
    }

    private void advance(int n) {
        if (n > end - pos) {
            throw violation("field " + field + " truncated");
        }
        pos += n;
    }

    private void expect(int type) {
        if (wireType != type) {
            throw violation("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    private long rawVarint() {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            if (pos >= end) {
                throw violation("truncated varint");
            }
            int b = buf[pos++] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw violation("varint longer than 10 bytes");
    }

    private ProtocolViolationException violation(String what) {
        return new ProtocolViolationException("malformed protobuf " + message + ": " + what);
    }
}
