package io.icn.node;

import java.time.Duration;

/** The range checks of the node's configuration records; each failure names the component and the range. */
final class ConfigChecks {
    private ConfigChecks() {
    }

    static void positive(String name, long value) {
        range(name, value, 1, Long.MAX_VALUE);
    }

    static void positive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new ConfigException(name + " must be positive: " + value);
        }
    }

    static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigException(name + " = " + value + " is out of range; use " + min + ".." + max);
        }
    }

    static void port(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new ConfigException(name + " = " + port + " is not a port; use 1..65535 (or 0 to let the system pick)");
        }
    }

    static void host(String name, String host) {
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new ConfigException(name + " = \"" + host + "\" is not a host address; use e.g. \"127.0.0.1\","
                    + " \"0.0.0.0\" or \"::1\"");
        }
    }

    static void multiaddr(String name, String addr) {
        if (!addr.startsWith("/") || addr.length() < 3 || addr.chars().anyMatch(c -> c <= ' ')) {
            throw new ConfigException(name + ": \"" + addr + "\" is not a multiaddr; write it like"
                    + " \"/ip4/0.0.0.0/tcp/30333\" or \"/ip4/203.0.113.7/tcp/30333/p2p/12D3KooW...\"");
        }
    }
}
