package io.icn.chain;

/** The pallet's {@code AuditStatus}. */
public enum AuditStatus {
    /** Waiting for a proof; the deadline has not passed. */
    PENDING,
    /** A valid proof was included by the deadline. */
    PASSED,
    /** The included proof was invalid, or none was included by the deadline. */
    FAILED
}
