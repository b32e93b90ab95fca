package io.icn.p2p.kad;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The validators of a DHT by key namespace: a key {@code /<ns>/...} is checked by the validator of
 * {@code ns} and refused when there is none (as js-libp2p does); a key without a namespace (the
 * original network's bare CID keys, its relays' {@code relay:<REGION>} keys) by the bare-key validator.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordValidators {
    private final Map<String, RecordValidator> byNamespace;
    private final RecordValidator bareKeys;

    private RecordValidators(Map<String, RecordValidator> byNamespace, RecordValidator bareKeys) {
        this.byNamespace = Map.copyOf(byNamespace);
        this.bareKeys = bareKeys;
    }

    /** A registry with {@code bareKeys} for keys without namespace and no namespace yet. */
    public static RecordValidators of(RecordValidator bareKeys) {
        return new RecordValidators(Map.of(), Objects.requireNonNull(bareKeys, "bareKeys"));
    }

    /**
     * ICN's validators: {@code /icn/manifest/<cid>} and bare CID keys must hold a manifest of that CID
     * whose signatures verify; other bare keys (the relays' {@code relay:<REGION>}) are accepted as
     * the original rust nodes accept them.
     *
     * @param publisherKeys the raw Ed25519 key of a publisher peer id, empty if it has none inline
     */
    public static RecordValidators icn(PublisherKeys publisherKeys) {
        ManifestValidator manifests = new ManifestValidator(publisherKeys);
        return of(new BareKeyValidator(manifests, RecordValidator.acceptAll()))
                .with(RecordKeys.ICN_NAMESPACE, manifests);
    }

    /** ICN's validators with publisher keys taken from Ed25519 peer ids, as the network's ids are. */
    public static RecordValidators icn() {
        return icn(PublisherKeys.inlinedInPeerIds());
    }

    /** This registry with {@code validator} for namespace {@code ns} (replacing any). */
    public RecordValidators with(String ns, RecordValidator validator) {
        if (ns.isEmpty() || ns.contains("/")) {
            throw new IllegalArgumentException("a namespace is a non-empty name without '/': " + ns);
        }
        Map<String, RecordValidator> m = new TreeMap<>(byNamespace);
        m.put(ns, Objects.requireNonNull(validator, "validator"));
        return new RecordValidators(m, bareKeys);
    }

    /**
     * Validates a record by its key's namespace.
     *
     * @throws RecordRejectedException if its namespace has no validator or the validator refuses it
     */
    public void validate(byte[] key, byte[] value) {
        validatorOf(key).validate(key, value);
    }

    /** The index of the best of {@code values} (all valid) for {@code key}. */
    public int select(byte[] key, List<byte[]> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to select from for " + RecordKeys.printable(key));
        }
        int i = validatorOf(key).select(key, values);
        if (i < 0 || i >= values.size()) {
            throw new IllegalStateException("selector chose " + i + " of " + values.size() + " records");
        }
        return i;
    }

    private RecordValidator validatorOf(byte[] key) {
        Optional<String> ns = RecordKeys.namespace(key);
        if (ns.isEmpty()) {
            return bareKeys;
        }
        RecordValidator v = byNamespace.get(ns.get());
        if (v == null) {
            throw new RecordRejectedException("no validator for namespace /" + ns.get() + "/ of key "
                    + RecordKeys.printable(key));
        }
        return v;
    }

    /** Bare keys: CIDs are manifests, anything else goes to the fallback. */
    private record BareKeyValidator(RecordValidator manifests, RecordValidator others) implements RecordValidator {
        @Override
        public void validate(byte[] key, byte[] value) {
            (RecordKeys.manifestCid(key).isPresent() ? manifests : others).validate(key, value);
        }

        @Override
        public int select(byte[] key, List<byte[]> values) {
            return (RecordKeys.manifestCid(key).isPresent() ? manifests : others).select(key, values);
        }
    }
}
