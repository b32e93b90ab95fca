package io.icn.node;

import io.icn.chain.AuditId;
import io.icn.chain.AuditNotFoundException;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.AuditStatus;
import io.icn.chain.BlockSubscription;
import io.icn.chain.ChainClient;
import io.icn.chain.ChainUnavailableException;
import io.icn.chain.PinningAudit;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardMissingException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Answers the chain's audits of this node before their deadline.
 *
 * <p>On every block (and on every {@link #pollNow()}, which the launcher calls every
 * {@code audit_poll_secs} in case block notifications stop), the monitor reads the audits addressed to
 * this node, builds each new one's proof with the {@link AuditProver}, and submits all the proofs of
 * that pass in <em>one</em> batch. It then confirms inclusion by watching each audit leave the pending
 * list and reading its final status. A submitted audit that is still pending
 * {@linkplain Builder#resubmitAfterBlocks(int) a few blocks} later is submitted again; from its
 * internal deadline (halfway between issue and the chain's deadline) it is resubmitted every block
 * and counted as late.
 *
 * <p>A shard the prover reports missing is repaired locally first; if it cannot be rebuilt the audit is
 * abandoned, counted as a failure with {@code reason="shard_missing"} and logged. Nothing a prover or the
 * chain throws escapes a tick. When the chain is unavailable the monitor backs off exponentially
 * ({@linkplain Builder#initialBackoff(Duration) 1 s} doubling to {@linkplain Builder#maxBackoff(Duration)
 * 30 s}, far inside the 100-block deadline) and catches up on the first successful call: audits issued meanwhile are
 * answered if the best block is still before their deadline, and otherwise abandoned as {@code reason="expired"}
 * (never submitted). The shard store
 * is never locked by the monitor, so serving continues whatever the chain does.
 *
 * <h2>Metrics</h2>
 * {@code icn_super_node_audit_success} and {@code icn_super_node_audit_failure} (tag {@code reason}:
 * {@code shard_missing}, {@code bad_challenge}, {@code rejected}, {@code expired}) counters (exported as
 * {@code ..._total}); {@code icn_super_node_audit_proof_latency} timer from first sight of an audit to
 * its first submission (P50/P95/P99 and histogram); {@code icn_super_node_audit_response_blocks} from
 * issue to confirmation; {@code icn_super_node_audit_repair} (tag {@code outcome}),
 * {@code icn_super_node_audit_batches}, {@code icn_super_node_audit_late},
 * {@code icn_super_node_audit_chain_unavailable} counters; {@code icn_super_node_audit_in_flight} gauge.
 *
 * <h2>Thread safety</h2>
 * Thread-safe. {@link #onBlock(long)} and {@link #pollNow()} only schedule a tick on the executor;
 * ticks are serialised and coalesced (a burst of blocks becomes one tick at the latest block). The
 * prover and the chain are called from the executor's threads only.
 *
 * <h2>Ownership</h2>
 * The monitor owns its block subscription and its gauge; it does not own the chain client, the
 * prover, the executor or the registry. {@link #close()} is idempotent.
 */
public final class AuditMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditMonitor.class.getName());

    private final ChainClient chain;
    private final AuditProver prover;
    private final Executor executor;
    private final LongSupplier nanoTime;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final int resubmitAfterBlocks;
    private final MeterRegistry registry;

    private final Counter success;
    private final Counter failureMissing;
    private final Counter failureBadChallenge;
    private final Counter failureRejected;
    private final Counter failureExpired;
    private final Counter repaired;
    private final Counter repairFailed;
    private final Counter batches;
    private final Counter late;
    private final Counter unavailable;
    private final Timer proofLatency;
    private final DistributionSummary responseBlocks;
    private final Gauge inFlight;

    private final ReentrantLock tickLock = new ReentrantLock();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong latestBlock = new AtomicLong(-1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<AuditId, Tracked> tracked = new LinkedHashMap<>(); // guarded by tickLock
    private volatile BlockSubscription subscription;
    private int consecutiveFailures; // guarded by tickLock
    private long nextAttemptNanos; // guarded by tickLock
    private boolean backingOff; // guarded by tickLock

    /** One audit the monitor is answering. Confined to the tick. */
    private static final class Tracked {
        final PinningAudit audit;
        final long firstSeenNanos;
        final long internalDeadline;
        byte[] proof;
        long submittedAt = -1;
        int submissions;
        boolean abandoned;
        boolean lateCounted;

        Tracked(PinningAudit audit, long firstSeenNanos) {
            this.audit = audit;
            this.firstSeenNanos = firstSeenNanos;
            this.internalDeadline = audit.issuedAt() + (audit.deadline() - audit.issuedAt()) / 2;
        }
    }

    private AuditMonitor(Builder b) {
        this.chain = b.chain;
        this.prover = b.prover;
        this.executor = b.executor;
        this.nanoTime = b.nanoTime;
        this.initialBackoffNanos = b.initialBackoff.toNanos();
        this.maxBackoffNanos = b.maxBackoff.toNanos();
        this.resubmitAfterBlocks = b.resubmitAfterBlocks;
        this.registry = b.registry;
        this.success = Counter.builder("icn_super_node_audit_success")
                .description("Audits of this node that the chain marked passed").register(registry);
        this.failureMissing = failure("shard_missing");
        this.failureBadChallenge = failure("bad_challenge");
        this.failureRejected = failure("rejected");
        this.failureExpired = failure("expired");
        this.repaired = Counter.builder("icn_super_node_audit_repair").tag("outcome", "repaired")
                .description("Local repairs of audited shards").register(registry);
        this.repairFailed = Counter.builder("icn_super_node_audit_repair").tag("outcome", "failed")
                .description("Local repairs of audited shards").register(registry);
        this.batches = Counter.builder("icn_super_node_audit_batches")
                .description("Proof submissions (each a batch of one or more proofs)").register(registry);
        this.late = Counter.builder("icn_super_node_audit_late")
                .description("Audits still unconfirmed at the internal deadline (half the chain's)").register(registry);
        this.unavailable = Counter.builder("icn_super_node_audit_chain_unavailable")
                .description("Monitor passes that could not reach the chain").register(registry);
        this.proofLatency = Timer.builder("icn_super_node_audit_proof_latency")
                .description("From first sight of an audit to the submission of its proof")
                .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram()
                .distributionStatisticExpiry(Duration.ofHours(1)).register(registry);
        this.responseBlocks = DistributionSummary.builder("icn_super_node_audit_response_blocks")
                .description("Blocks from an audit's issue to its confirmed outcome")
                .publishPercentiles(0.5, 0.99).distributionStatisticExpiry(Duration.ofHours(1)).register(registry);
        this.inFlight = Gauge.builder("icn_super_node_audit_in_flight", this, AuditMonitor::trackedAudits)
                .description("Audits being answered").register(registry);
    }

    private Counter failure(String reason) {
        return Counter.builder("icn_super_node_audit_failure").tag("reason", reason)
                .description("Audits of this node that failed or could not be answered").register(registry);
    }

    /** A builder; the registry, executor and nano clock are required. */
    public static Builder builder(ChainClient chain, AuditProver prover) {
        return new Builder(chain, prover);
    }

    /**
     * Subscribes to the chain's blocks and schedules a first pass.
     *
     * @throws IllegalStateException if closed or already started
     */
    public void start() {
        tickLock.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("audit monitor is closed");
            }
            if (subscription != null) {
                throw new IllegalStateException("audit monitor is already started");
            }
            subscription = chain.subscribeBlocks(this::onBlock);
        } finally {
            tickLock.unlock();
        }
        pollNow();
    }

    /** Schedules a pass for {@code block}; the block listener. Never blocks. */
    public void onBlock(long block) {
        latestBlock.accumulateAndGet(block, Math::max);
        schedule();
    }

    /** Schedules a pass at whatever block the chain reports; for a poll timer and for catch-up. Never blocks. */
    public void pollNow() {
        schedule();
    }

    /** Audits seen and not yet resolved. */
    public int trackedAudits() {
        tickLock.lock();
        try {
            return tracked.size();
        } finally {
            tickLock.unlock();
        }
    }

    /** Unsubscribes and removes the gauge; a running pass finishes. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        BlockSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        registry.remove(inFlight);
    }

    private void schedule() {
        if (closed.get() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
            LOG.log(System.Logger.Level.WARNING, "audit monitor pass rejected by its executor", e);
        }
    }

    private void drain() {
        tickLock.lock();
        try {
            scheduled.set(false);
            if (!closed.get()) {
                tick(latestBlock.get());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "audit monitor pass failed; retrying on the next block", e);
        } finally {
            tickLock.unlock();
        }
    }

    private void tick(long hintBlock) {
        long now = nanoTime.getAsLong();
        if (backingOff && now - nextAttemptNanos < 0) {
            return;
        }
        try {
            long block = Math.max(hintBlock, chain.currentBlock());
            List<PinningAudit> pending = chain.pendingAudits();
            Set<AuditId> pendingIds = new HashSet<>();
            for (PinningAudit audit : pending) {
                pendingIds.add(audit.id());
                tracked.computeIfAbsent(audit.id(), id -> new Tracked(audit, now));
            }
            resolveDecided(pendingIds, block);
            submit(collectProofs(block, Math.max(block, chain.bestBlock())), block);
            if (backingOff) {
                LOG.log(System.Logger.Level.INFO, "chain reachable again at block {0} after {1} failed passes",
                        block, consecutiveFailures);
            }
            backingOff = false;
            consecutiveFailures = 0;
        } catch (ChainUnavailableException e) {
            consecutiveFailures++;
            unavailable.increment();
            long delay = initialBackoffNanos << Math.min(consecutiveFailures - 1, 30);
            if (delay <= 0 || delay > maxBackoffNanos) {
                delay = maxBackoffNanos;
            }
            backingOff = true;
            nextAttemptNanos = now + delay;
            LOG.log(System.Logger.Level.WARNING, "chain unavailable ({0} in a row), next attempt in {1} ms: {2}",
                    consecutiveFailures, TimeUnit.NANOSECONDS.toMillis(delay), e.getMessage());
        }
    }

    /** Audits that left the pending list: read their outcome. */
    private void resolveDecided(Set<AuditId> pendingIds, long block) {
        Iterator<Tracked> it = tracked.values().iterator();
        while (it.hasNext()) {
            Tracked t = it.next();
            if (pendingIds.contains(t.audit.id())) {
                continue;
            }
            AuditStatus status = chain.audit(t.audit.id()).map(PinningAudit::status).orElse(null);
            it.remove();
            if (t.abandoned) {
                continue; // already counted as a failure
            }
            responseBlocks.record(block - t.audit.issuedAt());
            if (status == AuditStatus.PASSED) {
                success.increment();
            } else if (t.submittedAt >= 0 && status == AuditStatus.FAILED) {
                failureRejected.increment();
                LOG.log(System.Logger.Level.ERROR, "audit {0} of shard {1} FAILED on chain after {2} submissions",
                        t.audit.id(), t.audit.shardHash(), t.submissions);
            } else {
                failureExpired.increment();
                LOG.log(System.Logger.Level.ERROR, "audit {0} of shard {1} closed as {2} without a confirmed proof",
                        t.audit.id(), t.audit.shardHash(), status == null ? "unknown" : status);
            }
        }
    }

    /** The proofs to submit in this pass: new audits, and submitted ones that are due a retry. */
    private List<AuditProofSubmission> collectProofs(long block, long best) {
        List<AuditProofSubmission> batch = new ArrayList<>();
        ProofScheme scheme = null;
        for (Tracked t : tracked.values()) {
            if (t.abandoned) {
                continue;
            }
            if (best >= t.audit.deadline()) {
                // A proof submitted now is included after the best block, so after the deadline (a proof counts only
                // in a block up to it). Typically an audit issued while the chain was unreachable. One already
                // submitted is left to the chain's verdict (it may have been included in time).
                if (t.submittedAt < 0) {
                    abandon(t, failureExpired, "its deadline passed (best block " + best + ") before a proof could be"
                            + " submitted; not answered");
                }
                continue;
            }
            if (block >= t.internalDeadline && !t.lateCounted) {
                t.lateCounted = true;
                late.increment();
                LOG.log(System.Logger.Level.WARNING, "audit {0} unconfirmed at internal deadline {1} (chain deadline "
                        + "{2}); resubmitting every block", t.audit.id(), t.internalDeadline, t.audit.deadline());
            }
            if (t.submittedAt >= 0) {
                int wait = block >= t.internalDeadline ? 1 : resubmitAfterBlocks;
                if (block - t.submittedAt < wait) {
                    continue;
                }
            }
            if (t.proof == null) {
                if (scheme == null) {
                    scheme = chain.proofScheme();
                }
                t.proof = buildProof(t, scheme);
                if (t.proof == null) {
                    continue;
                }
            }
            batch.add(new AuditProofSubmission(t.audit.id(), t.proof));
        }
        return batch;
    }

    private byte[] buildProof(Tracked t, ProofScheme scheme) {
        PinningAudit audit = t.audit;
        try {
            return prover.prove(scheme, audit.shardHash(), audit.challenge());
        } catch (ShardMissingException missing) {
            LOG.log(System.Logger.Level.WARNING, "audit {0}: shard {1} missing ({2}); attempting local repair",
                    audit.id(), audit.shardHash(), missing.getMessage());
            return repairAndProve(t, scheme, missing);
        } catch (IllegalArgumentException bad) {
            abandon(t, failureBadChallenge, "challenge does not fit the stored shard: " + bad.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit " + audit.id() + ": prover failed; retrying next pass", e);
            return null;
        }
    }

    private byte[] repairAndProve(Tracked t, ProofScheme scheme, ShardMissingException missing) {
        PinningAudit audit = t.audit;
        boolean rebuilt;
        try {
            rebuilt = prover.repair(audit.shardHash());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "repair of shard " + audit.shardHash() + " threw", e);
            rebuilt = false;
        }
        if (!rebuilt) {
            repairFailed.increment();
            abandon(t, failureMissing, "shard missing and not repairable from surviving shards ("
                    + missing.getMessage() + ")");
            return null;
        }
        repaired.increment();
        try {
            return prover.prove(scheme, audit.shardHash(), audit.challenge());
        } catch (RuntimeException e) {
            abandon(t, failureMissing, "shard still unreadable after repair: " + e.getMessage());
            return null;
        }
    }

    private void abandon(Tracked t, Counter reason, String why) {
        t.abandoned = true;
        reason.increment();
        LOG.log(System.Logger.Level.ERROR, "audit {0} of shard {1} cannot be answered (deadline block {2}): {3}",
                t.audit.id(), t.audit.shardHash(), t.audit.deadline(), why);
    }

    private void submit(List<AuditProofSubmission> batch, long block) {
        List<AuditProofSubmission> remaining = new ArrayList<>(batch);
        while (!remaining.isEmpty()) {
            try {
                chain.submitAuditProofs(remaining);
            } catch (AuditNotFoundException e) {
                // Decided or pruned since we read it: drop it and submit the rest.
                LOG.log(System.Logger.Level.INFO, "audit {0} no longer open: {1}", e.auditId(), e.getMessage());
                tracked.remove(e.auditId());
                remaining.removeIf(p -> p.auditId().equals(e.auditId()));
                continue;
            }
            batches.increment();
            long now = nanoTime.getAsLong();
            for (AuditProofSubmission p : remaining) {
                Tracked t = tracked.get(p.auditId());
                if (t.submissions++ == 0) {
                    proofLatency.record(now - t.firstSeenNanos, TimeUnit.NANOSECONDS);
                }
                t.submittedAt = block;
            }
            return;
        }
    }

    /** Options of an {@link AuditMonitor}. Not thread-safe; build once. */
    public static final class Builder {
        private final ChainClient chain;
        private final AuditProver prover;
        private MeterRegistry registry;
        private Executor executor;
        private LongSupplier nanoTime;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private int resubmitAfterBlocks = 3;

        private Builder(ChainClient chain, AuditProver prover) {
            this.chain = Objects.requireNonNull(chain, "chain");
            this.prover = Objects.requireNonNull(prover, "prover");
        }

        /** Where the metrics go. Required. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Runs the passes (proof building may do disk I/O). Required; not owned. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** A monotonic nanosecond clock ({@code System::nanoTime} in production). Required. */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /** First wait after the chain is found unavailable; default 1 s. */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = positive(backoff, "initialBackoff");
            return this;
        }

        /** Longest wait between attempts while the chain is unavailable; default 30 s. */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "maxBackoff");
            return this;
        }

        /** Blocks to wait for inclusion before resubmitting a proof; default 3. */
        public Builder resubmitAfterBlocks(int blocks) {
            if (blocks <= 0) {
                throw new IllegalArgumentException("resubmitAfterBlocks must be positive: " + blocks);
            }
            this.resubmitAfterBlocks = blocks;
            return this;
        }

        /** @throws IllegalStateException if a required option is missing or maxBackoff < initialBackoff */
        public AuditMonitor build() {
            if (registry == null || executor == null || nanoTime == null) {
                throw new IllegalStateException("meterRegistry, executor and nanoTime are required");
            }
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalStateException("maxBackoff " + maxBackoff + " is shorter than initialBackoff "
                        + initialBackoff);
            }
            return new AuditMonitor(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
