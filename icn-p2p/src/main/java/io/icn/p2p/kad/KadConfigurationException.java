package io.icn.p2p.kad;

/** A configuration value the DHT cannot use, such as a bootstrap address without its peer id; the message names it. */
public final class KadConfigurationException extends KadException {
    private static final long serialVersionUID = 1L;

    public KadConfigurationException(String message) {
        super(message);
    }

    public KadConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
