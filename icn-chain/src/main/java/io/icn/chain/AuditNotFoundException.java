package io.icn.chain;

/** No audit with this id is addressed to the caller (unknown, pruned, or addressed to another node). */
public class AuditNotFoundException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final transient AuditId auditId;

    public AuditNotFoundException(AuditId auditId, String detail) {
        super("audit " + auditId + ": " + detail);
        this.auditId = auditId;
    }

    /** The audit that was not found. */
    public AuditId auditId() {
        return auditId;
    }
}
