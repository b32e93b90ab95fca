package io.icn.node;

/**
 * A configuration the node cannot run with: an unknown key, a value of the wrong type or out of range, a
 * port already in use, a path it cannot write. The message names the key (and the file when there is one)
 * and says how to fix it; nothing was started or written when it is thrown.
 */
public final class ConfigException extends NodeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
