package io.icn.p2p.kad;

import java.util.List;

/**
 * Decides whether a record may be stored or returned, and which of several valid records for one key
 * wins (js-libp2p's validator and selector pair for a namespace).
 *
 * <p>Implementations must be thread-safe and must not block: they run on the DHT's network threads.
 */
public interface RecordValidator {

    /**
     * Accepts or refuses a record.
     *
     * @throws RecordRejectedException naming what is wrong
     */
    void validate(byte[] key, byte[] value);

    /**
     * The index of the best of {@code values}, all valid records for {@code key}; never empty.
     */
    int select(byte[] key, List<byte[]> values);

    /** A validator that accepts every value and prefers the first (rust-libp2p's behaviour without validation). */
    static RecordValidator acceptAll() {
        return new RecordValidator() {
            @Override
            public void validate(byte[] key, byte[] value) {
            }

            @Override
            public int select(byte[] key, List<byte[]> values) {
                return 0;
            }
        };
    }
}
