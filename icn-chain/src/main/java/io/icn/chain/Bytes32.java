package io.icn.chain;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** Checks, copies and prints the 32-byte identifiers of the pallet ({@code [u8; 32]}). */
final class Bytes32 {
    static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();

    private Bytes32() {
    }

    static byte[] checkedCopy(byte[] bytes, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be " + LENGTH + " bytes, got " + bytes.length);
        }
        return bytes.clone();
    }

    static byte[] parseHex(String hex, String what) {
        Objects.requireNonNull(hex, what);
        String digits = hex.startsWith("0x") ? hex.substring(2) : hex;
        if (digits.length() != 2 * LENGTH) {
            throw new IllegalArgumentException(what + " must be " + (2 * LENGTH) + " hex digits: '" + hex + "'");
        }
        try {
            return HEX.parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not hexadecimal: '" + hex + "'", e);
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static int hash(byte[] bytes) {
        return Arrays.hashCode(bytes);
    }

    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
