package io.icn.chain.substrate;

import java.util.List;
import java.util.Objects;

/**
 * Encodes calls of the runtime by pallet and call name, with the indices its metadata gives (so a runtime
 * upgrade that renumbers them is followed): {@code pallet index ++ call index ++ arguments}. Covers the
 * calls the adapter makes: {@code System.remark_with_event}, {@code Utility.batch_all}, and any call whose
 * arguments the caller has encoded. Immutable; thread-safe.
 */
public final class RuntimeCalls {
    private final RuntimeMetadata metadata;

    public RuntimeCalls(RuntimeMetadata metadata) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
    }

    /** {@code pallet.call(args)} with the arguments already SCALE-encoded in declaration order. */
    public byte[] call(String pallet, String call, byte[] encodedArgs) {
        RuntimeMetadata.CallIndex index = metadata.callIndex(pallet, call);
        return new ScaleWriter(encodedArgs.length + 2).u8(index.palletIndex()).u8(index.callIndex())
                .raw(encodedArgs).toByteArray();
    }

    /** {@code System.remark_with_event(remark)}: a remark the runtime reports with a {@code Remarked} event. */
    public byte[] remarkWithEvent(byte[] remark) {
        return call("System", "remark_with_event", new ScaleWriter().bytes(remark).toByteArray());
    }

    /** {@code System.remark(remark)}. */
    public byte[] remark(byte[] remark) {
        return call("System", "remark", new ScaleWriter().bytes(remark).toByteArray());
    }

    /** {@code Utility.batch_all(calls)}: all of the calls, or none if one fails. */
    public byte[] batchAll(List<byte[]> calls) {
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one call");
        }
        ScaleWriter args = new ScaleWriter();
        args.compact(calls.size());
        for (byte[] c : calls) {
            args.raw(c);
        }
        return call("Utility", "batch_all", args.toByteArray());
    }
}
