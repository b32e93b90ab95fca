package io.icn.chain.substrate;

/** The input ended before the value did: {@code needed} more bytes were required at {@code offset}. */
public final class TruncatedScaleException extends ScaleDecodeException {
    private static final long serialVersionUID = 1L;

    public TruncatedScaleException(String what, int offset, long needed, int remaining) {
        super("truncated SCALE input reading " + what + " at offset " + offset + ": needs " + needed
                + " byte(s), " + remaining + " left");
    }
}
