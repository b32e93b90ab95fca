package io.icn.chain.substrate;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One entry of {@code System::Events}: the pallet and event names, the event's fields as the metadata decodes
 * them ({@link DynamicDecoder}), and, when it was emitted while applying an extrinsic, that extrinsic's index
 * in the block. Immutable.
 */
public record EventRecord(OptionalInt extrinsicIndex, String pallet, String name, DynamicDecoder.EnumValue event) {
    public EventRecord {
        Objects.requireNonNull(extrinsicIndex, "extrinsicIndex");
        Objects.requireNonNull(pallet, "pallet");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(event, "event");
    }

    /** {@code "Pallet.Event"}. */
    public String qualifiedName() {
        return pallet + "." + name;
    }
}
