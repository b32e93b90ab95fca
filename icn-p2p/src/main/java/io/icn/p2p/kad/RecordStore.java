package io.icn.p2p.kad;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records and provider records this node holds for others, in memory, each with an expiry: a
 * record lives {@code recordTtl} from when it was last put here, a provider record
 * {@code providerTtl} from its last announcement (rust-libp2p kad's 36 h and 24 h by default). Sizes
 * are bounded, and a put over a bound fails with a specific exception rather than evicting.
 *
 * <p>Thread-safe (one lock; every operation is short).
 */
final class RecordStore {
    private final Clock clock;
    private final KadConfig config;
    private final Map<ByteBuffer, Stored> records = new HashMap<>();
    private final Map<ByteBuffer, LinkedHashMap<ByteBuffer, Provider>> providers = new HashMap<>();

    private record Stored(KadRecord record, Instant expires) {
    }

    private record Provider(KadPeer peer, Instant expires) {
    }

    RecordStore(Clock clock, KadConfig config) {
        this.clock = clock;
        this.config = config;
    }

    private static ByteBuffer keyOf(byte[] key) {
        return ByteBuffer.wrap(key.clone()).asReadOnlyBuffer();
    }

    /**
     * Stores (or replaces) a record, stamping its reception time.
     *
     * @throws RecordTooLargeException if its value is over the configured maximum
     * @throws RecordStoreFullException if it is a new key and the store is full
     */
    synchronized void put(KadRecord r) {
        if (r.valueLength() > config.maxValueBytes()) {
            throw new RecordTooLargeException("record " + RecordKeys.printable(r.key()) + " has " + r.valueLength()
                    + " bytes of value, more than the maximum " + config.maxValueBytes());
        }
        ByteBuffer k = keyOf(r.key());
        Instant now = clock.instant();
        if (!records.containsKey(k) && records.size() >= config.maxRecords()) {
            expireRecords(now);
            if (records.size() >= config.maxRecords()) {
                throw new RecordStoreFullException("record store holds its maximum of " + config.maxRecords()
                        + " records; refused " + RecordKeys.printable(r.key()));
            }
        }
        KadRecord stamped = new KadRecord(r.key(), r.value(), now.truncatedTo(ChronoUnit.SECONDS).toString());
        records.put(k, new Stored(stamped, now.plus(config.recordTtl())));
    }

    /** The unexpired record under {@code key}. */
    synchronized Optional<KadRecord> get(byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key);
        Stored s = records.get(k);
        if (s == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(s.expires)) {
            records.remove(k);
            return Optional.empty();
        }
        return Optional.of(s.record);
    }

    synchronized void remove(byte[] key) {
        records.remove(ByteBuffer.wrap(key));
    }

    /**
     * Records {@code provider} as a provider of {@code key} (or renews it).
     *
     * @throws RecordStoreFullException if it is a new key and the store holds its maximum of keys
     */
    synchronized void addProvider(byte[] key, KadPeer provider) {
        ByteBuffer k = keyOf(key);
        Instant now = clock.instant();
        LinkedHashMap<ByteBuffer, Provider> forKey = providers.get(k);
        if (forKey == null) {
            if (providers.size() >= config.maxProviderKeys()) {
                expireProviders(now);
                if (providers.size() >= config.maxProviderKeys()) {
                    throw new RecordStoreFullException("provider store holds its maximum of " + config.maxProviderKeys()
                            + " keys; refused " + RecordKeys.printable(key));
                }
            }
            forKey = new LinkedHashMap<>();
            providers.put(k, forKey);
        }
        ByteBuffer id = provider.idKey();
        forKey.remove(id);
        if (forKey.size() >= config.maxProvidersPerKey()) {
            // The earliest-inserted (the one announced longest ago) makes room.
            Iterator<ByteBuffer> oldest = forKey.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        forKey.put(id, new Provider(provider.withConnection(KadPeer.Connection.NOT_CONNECTED),
                now.plus(config.providerTtl())));
    }

    /** The unexpired providers of {@code key}, most recently announced last. */
    synchronized List<KadPeer> providers(byte[] key) {
        LinkedHashMap<ByteBuffer, Provider> forKey = providers.get(ByteBuffer.wrap(key));
        if (forKey == null) {
            return List.of();
        }
        Instant now = clock.instant();
        List<KadPeer> out = new ArrayList<>(forKey.size());
        for (Iterator<Provider> it = forKey.values().iterator(); it.hasNext(); ) {
            Provider p = it.next();
            if (now.isBefore(p.expires)) {
                out.add(p.peer);
            } else {
                it.remove();
            }
        }
        if (forKey.isEmpty()) {
            providers.remove(ByteBuffer.wrap(key));
        }
        return out;
    }

    /** Drops every expired record and provider record; returns how many. */
    synchronized int expire() {
        Instant now = clock.instant();
        return expireRecords(now) + expireProviders(now);
    }

    private int expireRecords(Instant now) {
        int before = records.size();
        records.values().removeIf(s -> !now.isBefore(s.expires));
        return before - records.size();
    }

    private int expireProviders(Instant now) {
        int removed = 0;
        for (Iterator<LinkedHashMap<ByteBuffer, Provider>> it = providers.values().iterator(); it.hasNext(); ) {
            LinkedHashMap<ByteBuffer, Provider> forKey = it.next();
            int before = forKey.size();
            forKey.values().removeIf(p -> !now.isBefore(p.expires));
            removed += before - forKey.size();
            if (forKey.isEmpty()) {
                it.remove();
            }
        }
        return removed;
    }

    synchronized int recordCount() {
        return records.size();
    }

    synchronized int providerKeyCount() {
        return providers.size();
    }
}
