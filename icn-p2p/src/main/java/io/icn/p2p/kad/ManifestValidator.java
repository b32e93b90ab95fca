package io.icn.p2p.kad;

import io.icn.storage.Cid;
import java.util.Arrays;
import java.util.List;

/**
 * Validates manifest records ({@code /icn/manifest/<cid>} and the bare CID key): the value parses as
 * a {@link ManifestRecord} of the CID the key names, and both its signatures verify with the key its
 * {@code publisher_peer_id} inlines. Selects the newest ({@code created_at}), ties broken by the
 * greater value bytes so that every node picks the same. Thread-safe.
 */
final class ManifestValidator implements RecordValidator {
    private final PublisherKeys publisherKeys;

    ManifestValidator(PublisherKeys publisherKeys) {
        this.publisherKeys = publisherKeys;
    }

    @Override
    public void validate(byte[] key, byte[] value) {
        Cid cid = RecordKeys.manifestCid(key).orElseThrow(() -> new RecordRejectedException(
                "key " + RecordKeys.printable(key) + " does not name a manifest (" + RecordKeys.MANIFEST_PREFIX
                        + "<cid> or a bare CID)"));
        ManifestRecord record = ManifestRecord.parse(value);
        if (!record.cid().equals(cid)) {
            throw new RecordRejectedException("manifest of " + record.cid() + " stored under the key of " + cid);
        }
        byte[] publisher = publisherKeys.ed25519Key(record.publisherPeerId()).orElseThrow(() ->
                new RecordRejectedException("manifest of " + cid + ": publisher_peer_id " + record.publisherPeerId()
                        + " does not inline an Ed25519 key"));
        record.verify(publisher);
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        int best = 0;
        long bestTime = createdAt(values.get(0));
        for (int i = 1; i < values.size(); i++) {
            long t = createdAt(values.get(i));
            if (t > bestTime || t == bestTime && Arrays.compareUnsigned(values.get(i), values.get(best)) > 0) {
                best = i;
                bestTime = t;
            }
        }
        return best;
    }

    private static long createdAt(byte[] value) {
        try {
            return ManifestRecord.parse(value).createdAt();
        } catch (RecordRejectedException e) {
            return Long.MIN_VALUE;
        }
    }
}
