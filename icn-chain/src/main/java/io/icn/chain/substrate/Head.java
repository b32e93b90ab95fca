package io.icn.chain.substrate;

import java.util.Objects;

/** A block by number and hash ({@code 0x}-prefixed hex). Immutable. */
public record Head(long number, String hash) {
    public Head {
        if (number < 0) {
            throw new IllegalArgumentException("block number must not be negative: " + number);
        }
        Objects.requireNonNull(hash, "hash");
    }
}
