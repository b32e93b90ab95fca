package io.icn.chain.local;

import java.time.Duration;
import java.util.Objects;

/**
 * How an embedded {@link LocalChain} runs when a node owns it: its block time, how often it draws audits, and
 * how long it keeps decided audits and ended deals. Apply with {@link LocalChain.Builder#config}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param blockTime one block every this long
 * @param auditIntervalBlocks blocks between two stake-weighted audit draws (600, an hour of 6 s blocks, as the
 *     pallet)
 * @param retentionBlocks how long decided audits and expired deals are kept before they are forgotten; at least
 *     an audit's deadline ({@link LocalChain#AUDIT_DEADLINE_BLOCKS})
 */
public record LocalChainConfig(Duration blockTime, long auditIntervalBlocks, long retentionBlocks) {

    /** 6 s blocks, an audit draw an hour, decisions kept a day. */
    public static final LocalChainConfig DEFAULT = new LocalChainConfig(Duration.ofSeconds(6), 600, 14_400);

    public LocalChainConfig {
        Objects.requireNonNull(blockTime, "blockTime");
        if (blockTime.isNegative() || blockTime.isZero() || blockTime.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("blockTime must be within (0, 1 h]: " + blockTime);
        }
        if (auditIntervalBlocks <= 0) {
            throw new IllegalArgumentException("auditIntervalBlocks must be positive: " + auditIntervalBlocks);
        }
        if (retentionBlocks < LocalChain.AUDIT_DEADLINE_BLOCKS) {
            throw new IllegalArgumentException("retentionBlocks must be at least an audit's deadline ("
                    + LocalChain.AUDIT_DEADLINE_BLOCKS + " blocks): " + retentionBlocks);
        }
    }

    public LocalChainConfig withBlockTime(Duration time) {
        return new LocalChainConfig(time, auditIntervalBlocks, retentionBlocks);
    }

    public LocalChainConfig withAuditIntervalBlocks(long blocks) {
        return new LocalChainConfig(blockTime, blocks, retentionBlocks);
    }

    public LocalChainConfig withRetentionBlocks(long blocks) {
        return new LocalChainConfig(blockTime, auditIntervalBlocks, blocks);
    }
}
