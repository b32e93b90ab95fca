package io.icn.chain;

import java.util.Objects;

/**
 * One audit of one pinner for one shard (the pallet's {@code PinningAudit}).
 *
 * <p>{@code issuedAt} is an addition to the pallet's struct (the pallet keeps only the deadline, which
 * is {@code issuedAt + 100}); the audit monitor uses it to place its own, earlier deadline. Immutable
 * and thread-safe.
 *
 * @param id the audit's identifier
 * @param pinner the audited super-node
 * @param shardHash the audited shard
 * @param challenge the challenged byte range and nonce
 * @param issuedAt block at which the audit was initiated
 * @param deadline last block in which a proof may be included, {@code > issuedAt}
 * @param status the audit's status
 */
public record PinningAudit(AuditId id, AccountId pinner, ShardHash shardHash, AuditChallenge challenge,
        long issuedAt, long deadline, AuditStatus status) {

    public PinningAudit {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pinner, "pinner");
        Objects.requireNonNull(shardHash, "shardHash");
        Objects.requireNonNull(challenge, "challenge");
        Objects.requireNonNull(status, "status");
        if (issuedAt < 0) {
            throw new IllegalArgumentException("issuedAt must not be negative: " + issuedAt);
        }
        if (deadline <= issuedAt) {
            throw new IllegalArgumentException("deadline " + deadline + " must be after issuedAt " + issuedAt);
        }
    }

    /** This audit with another status. */
    public PinningAudit withStatus(AuditStatus newStatus) {
        return new PinningAudit(id, pinner, shardHash, challenge, issuedAt, deadline, newStatus);
    }
}
