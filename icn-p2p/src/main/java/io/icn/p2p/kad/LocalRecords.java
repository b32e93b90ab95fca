package io.icn.p2p.kad;

import java.util.Optional;

/**
 * Records this node is the authority for, served to GET_VALUE requests beside the records it holds for
 * others, without occupying the bounded {@link RecordStore}: a super-node holding 140,000 chunks answers
 * for 280,000 manifest keys, and builds each value when asked.
 *
 * <p>Implementations are thread-safe and fast (they run on network threads).
 */
@FunctionalInterface
public interface LocalRecords {
    /** The value this node holds for {@code key}, if it is one of its own. */
    Optional<byte[]> value(byte[] key);

    /** No local records. */
    static LocalRecords none() {
        return key -> Optional.empty();
    }
}
