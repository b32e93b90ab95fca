package io.icn.p2p.kad;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A DHT record as the wire carries it: key, value and, optionally, when the sender received it
 * ({@code timeReceived}, an RFC 3339 string in the spec; empty when absent).
 *
 * <p>Immutable and thread-safe: arrays are copied in and out.
 *
 * @param key the record key (for ICN: {@code /icn/manifest/<cid>} or a bare CID, as UTF-8 bytes)
 * @param value the record value
 * @param timeReceived the sender's reception time, or empty
 */
public record KadRecord(byte[] key, byte[] value, String timeReceived) {

    public KadRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timeReceived, "timeReceived");
        key = key.clone();
        value = value.clone();
    }

    public KadRecord(byte[] key, byte[] value) {
        this(key, value, "");
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    int valueLength() {
        return value.length;
    }

    boolean sameValue(KadRecord o) {
        return Arrays.equals(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadRecord r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value)
                && timeReceived.equals(r.timeReceived);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KadRecord[" + RecordKeys.printable(key) + ", " + value.length + " bytes]";
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
