package io.icn.chain;

import java.util.Objects;

/**
 * One element of a batched {@link ChainClient#submitAuditProofs(java.util.List) proof submission}.
 * Immutable and thread-safe: the proof is copied in and out.
 *
 * @param auditId the audit answered
 * @param proof the proof bytes, in the chain's {@link ProofScheme} (see {@link AuditProofs})
 */
public record AuditProofSubmission(AuditId auditId, byte[] proof) {

    public AuditProofSubmission {
        Objects.requireNonNull(auditId, "auditId");
        Objects.requireNonNull(proof, "proof");
        if (proof.length == 0) {
            throw new IllegalArgumentException("proof for audit " + auditId + " is empty");
        }
        proof = proof.clone();
    }

    /** A copy of the proof bytes. */
    @Override
    public byte[] proof() {
        return proof.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditProofSubmission other && auditId.equals(other.auditId)
                && java.util.Arrays.equals(proof, other.proof);
    }

    @Override
    public int hashCode() {
        return 31 * auditId.hashCode() + java.util.Arrays.hashCode(proof);
    }

    @Override
    public String toString() {
        return "AuditProofSubmission[auditId=" + auditId + ", proof=" + proof.length + " bytes]";
    }
}
