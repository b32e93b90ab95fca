package io.icn.chain;

/**
 * A 32-byte chain account ({@code AccountId32}): a super-node, a director or any other signer.
 *
 * <p>Immutable and thread-safe: the bytes are copied in and out. Equality is by content; {@link
 * #toString()} is lower-case hex.
 */
public record AccountId(byte[] bytes) implements Comparable<AccountId> {

    /** @throws IllegalArgumentException unless {@code bytes} is exactly 32 bytes */
    public AccountId {
        bytes = Bytes32.checkedCopy(bytes, "account id");
    }

    /** Parses 64 hex digits, with or without a {@code 0x} prefix. */
    public static AccountId fromHex(String hex) {
        return new AccountId(Bytes32.parseHex(hex, "account id"));
    }

    /** A copy of the 32 bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case hex, 64 digits, no prefix. */
    public String toHex() {
        return Bytes32.hex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccountId other && java.util.Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Bytes32.hash(bytes);
    }

    /** Unsigned lexicographic order of the bytes. */
    @Override
    public int compareTo(AccountId other) {
        return Bytes32.compare(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
