package io.icn.node;

import io.icn.storage.ShardStoreBuilder;
import java.util.Locale;

/** The {@code fsync} key: how much an acknowledged write survives. */
public enum FsyncPolicy {
    /** Force every shard, manifest, journal record and directory entry: survives power loss. The default. */
    ALWAYS(ShardStoreBuilder.Durability.FSYNC),
    /** Same order and atomic renames, no forcing: survives a process crash, not a power loss (bulk loads, tests). */
    NEVER(ShardStoreBuilder.Durability.NO_FSYNC);

    private final ShardStoreBuilder.Durability durability;

    FsyncPolicy(ShardStoreBuilder.Durability durability) {
        this.durability = durability;
    }

    /** The store's durability level for this policy. */
    public ShardStoreBuilder.Durability durability() {
        return durability;
    }

    /** The configuration spelling, {@code always} or {@code never}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code always} or {@code never}. @throws ConfigException naming the key and the accepted values */
    public static FsyncPolicy fromConfig(String value) {
        for (FsyncPolicy p : values()) {
            if (p.configName().equalsIgnoreCase(value.trim())) {
                return p;
            }
        }
        throw new ConfigException("fsync = \"" + value + "\" is not a policy; use \"always\" (survives power loss)"
                + " or \"never\" (survives a process crash only)");
    }
}
