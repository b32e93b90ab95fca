package io.icn.p2p.gossip;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A GossipSub message id: opaque bytes made by the configured {@link MessageIdFunction}, compared by content.
 *
 * <p>Immutable and thread-safe.
 */
public final class MessageId {
    private final byte[] bytes;
    private final int hash;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** The id of these bytes (copied). */
    public static MessageId of(byte[] bytes) {
        return new MessageId(bytes.clone());
    }

    static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** The bytes, a copy. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
