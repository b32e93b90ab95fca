package io.icn.p2p;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The TCP endpoint of a multiaddr: {@code /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>[/p2p/<id>]}. Literal
 * addresses are converted without any lookup; DNS names are resolved only by {@link #resolve}, which blocks.
 *
 * @param host the IP literal or DNS name
 * @param dns which DNS protocol names the host, or null for an IP literal
 * @param port the TCP port
 *
 * <p>Immutable and thread-safe.
 */
record TcpAddress(String host, Multiaddr.Protocol dns, int port) {

    /**
     * The TCP endpoint of {@code address}.
     *
     * @throws InvalidMultiaddrException if it is not host then {@code /tcp} (then optionally {@code /p2p})
     */
    static TcpAddress of(Multiaddr address) {
        List<Multiaddr.Component> c = address.components();
        int n = c.size();
        if (n > 0 && c.get(n - 1).protocol() == Multiaddr.Protocol.P2P) {
            n--;
        }
        if (n != 2 || c.get(1).protocol() != Multiaddr.Protocol.TCP) {
            throw new InvalidMultiaddrException("multiaddr " + address + " is not a TCP address (/ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>)");
        }
        Multiaddr.Protocol hostProtocol = c.get(0).protocol();
        int port = Integer.parseInt(c.get(1).value());
        return switch (hostProtocol) {
            case IP4, IP6 -> new TcpAddress(c.get(0).value(), null, port);
            case DNS, DNS4, DNS6 -> new TcpAddress(c.get(0).value(), hostProtocol, port);
            default -> throw new InvalidMultiaddrException("multiaddr " + address + " does not start with an IP or DNS host");
        };
    }

    /** Checks {@code address} can be listened on: an IP literal and a TCP port, no {@code /p2p}. */
    static InetSocketAddress requireListenable(Multiaddr address) {
        TcpAddress tcp = of(address);
        if (tcp.dns != null || address.peerId().isPresent()) {
            throw new IllegalArgumentException("listen address " + address + " must be /ip4|ip6/<address>/tcp/<port>");
        }
        return tcp.literal();
    }

    /** The socket address of an IP literal (no lookup). */
    InetSocketAddress literal() {
        if (dns != null) {
            throw new IllegalStateException(host + " is a DNS name");
        }
        try {
            // the value was validated as a literal by Multiaddr, so this is a parse, not a lookup
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new InvalidMultiaddrException("'" + host + "' is not an IP literal", e);
        }
    }

    /**
     * Resolves the host (blocking for a DNS name), keeping only IPv4 for {@code /dns4} and IPv6 for {@code /dns6}.
     *
     * @throws DialException if the name does not resolve to an address of the right family
     */
    InetSocketAddress resolve() {
        if (dns == null) {
            return literal();
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                boolean fits = dns == Multiaddr.Protocol.DNS || (dns == Multiaddr.Protocol.DNS4 && a instanceof Inet4Address)
                        || (dns == Multiaddr.Protocol.DNS6 && a instanceof Inet6Address);
                if (fits) {
                    return new InetSocketAddress(a, port);
                }
            }
            throw new DialException("/" + dns.text() + "/" + host + " has no " + (dns == Multiaddr.Protocol.DNS6 ? "IPv6" : "IPv4")
                    + " address");
        } catch (UnknownHostException e) {
            throw new DialException("cannot resolve /" + dns.text() + "/" + host + ": " + e.getMessage(), e);
        }
    }
}
