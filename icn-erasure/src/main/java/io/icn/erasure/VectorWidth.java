package io.icn.erasure;

import jdk.incubator.vector.ByteVector;

/** What the Vector API reports of this CPU. Loaded only after the module probe succeeded. */
final class VectorWidth {
    private VectorWidth() {
    }

    /** The widest byte vector this JVM and CPU support, in bits. */
    static int maxBits() {
        return ByteVector.SPECIES_MAX.vectorBitSize();
    }
}
