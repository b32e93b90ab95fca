package io.icn.node;

/**
 * The root of the launcher's errors: a node that cannot be configured, started or reached. Messages name
 * the value that was wrong and what to do about it, so the CLI prints them as they are, without a stack
 * trace.
 */
public class NodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NodeException(String message) {
        super(message);
    }

    public NodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
