package io.icn.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * A shard store's health as {@link ShardStore.Maintenance#health()} reports it.
 *
 * <p>Immutable; thread-safe.
 *
 * @param writeFault present once an I/O fault made the store refuse writes (it completes the journalled ones on
 *     restart): the fault
 * @param checkpointFailures index checkpoints that failed since the store opened (each failed retry counts)
 * @param checkpointFault present while the latest checkpoint failed and none has succeeded since: when and why.
 *     The journal is kept meanwhile (nothing is lost; a restart replays more) and the checkpoint is retried
 * @param lastCheckpoint when the latest checkpoint became durable, if one did since the store opened
 */
public record StoreHealth(Optional<String> writeFault, long checkpointFailures, Optional<String> checkpointFault,
        Optional<Instant> lastCheckpoint) {

    /** The health of a store that keeps no index on disk (in memory): always healthy. */
    public static final StoreHealth IN_MEMORY = new StoreHealth(Optional.empty(), 0, Optional.empty(), Optional.empty());

    /** Whether the store takes writes and its latest checkpoint (if any was tried) succeeded. */
    public boolean healthy() {
        return writeFault.isEmpty() && checkpointFault.isEmpty();
    }
}
