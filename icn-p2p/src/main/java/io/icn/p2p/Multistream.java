package io.icn.p2p;

import io.icn.p2p.internal.Varint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * multistream-select 1.0 messages: {@code varint(length) || utf8 || '\n'}, the length counting the newline.
 * Stateless and thread-safe.
 */
final class Multistream {
    static final String HEADER = "/multistream/1.0.0";
    static final String NA = "na";
    /** Longest protocol id accepted (the newline not counted). */
    static final int MAX_PROTOCOL_BYTES = 1024;
    /** Proposals a responder answers {@code na} before it gives up on the stream or connection. */
    static final int MAX_PROPOSALS = 16;

    private Multistream() {
    }

    static byte[] encode(String... messages) {
        int size = 0;
        byte[][] utf8 = new byte[messages.length][];
        for (int i = 0; i < messages.length; i++) {
            utf8[i] = messages[i].getBytes(StandardCharsets.UTF_8);
            size += Varint.size(utf8[i].length + 1L) + utf8[i].length + 1;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] m : utf8) {
            Varint.write(m.length + 1L, out);
            out.put(m).put((byte) '\n');
        }
        return out.array();
    }

    /** Checks {@code protocol} can be sent as a multistream message. */
    static void requireValidProtocol(String protocol) {
        if (protocol == null || protocol.isEmpty() || protocol.indexOf('\n') >= 0
                || protocol.getBytes(StandardCharsets.UTF_8).length > MAX_PROTOCOL_BYTES) {
            throw new IllegalArgumentException("protocol id must be 1.." + MAX_PROTOCOL_BYTES
                    + " bytes without a newline: '" + protocol + "'");
        }
    }

    /**
     * Reads one message at the position of {@code in}, advancing it past the message, or returns null (position
     * unchanged) if the message is not complete yet.
     *
     * @throws ProtocolViolationException if the length is out of range or the message does not end in a newline
     */
    static String read(ByteBuffer in) {
        int start = in.position();
        long len = Varint.peek(in, start, in.limit());
        if (len == Varint.INCOMPLETE) {
            return null;
        }
        if (len < 1 || len > MAX_PROTOCOL_BYTES + 1) {
            throw new ProtocolViolationException("multistream-select message of " + len + " bytes (1.."
                    + (MAX_PROTOCOL_BYTES + 1) + " allowed)");
        }
        int body = start + Varint.size(len);
        if (in.limit() - body < len) {
            return null;
        }
        if (in.get(body + (int) len - 1) != '\n') {
            throw new ProtocolViolationException("multistream-select message does not end in a newline");
        }
        byte[] text = new byte[(int) len - 1];
        in.position(body);
        in.get(text);
        in.get();
        return new String(text, StandardCharsets.UTF_8);
    }
}
