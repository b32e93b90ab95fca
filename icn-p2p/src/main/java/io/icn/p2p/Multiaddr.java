package io.icn.p2p;

import io.icn.p2p.internal.Varint;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A multiaddr: a self-describing network address such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...}, in its
 * text and binary forms. Knows {@code /ip4}, {@code /ip6}, {@code /dns}, {@code /dns4}, {@code /dns6},
 * {@code /tcp}, {@code /udp}, {@code /quic-v1} and {@code /p2p} (also read as {@code /ipfs}); anything else is an
 * {@link InvalidMultiaddrException} naming the input and the fault. Parsing never touches the network.
 *
 * <p>Immutable and thread-safe; equal when the binary forms are equal.
 */
public final class Multiaddr {

    /** The protocols this implementation knows, with their multicodec codes and value sizes. */
    public enum Protocol {
        IP4(0x04, "ip4", 4),
        TCP(0x06, "tcp", 2),
        IP6(0x29, "ip6", 16),
        DNS(0x35, "dns", -1),
        DNS4(0x36, "dns4", -1),
        DNS6(0x37, "dns6", -1),
        UDP(0x0111, "udp", 2),
        P2P(0x01a5, "p2p", -1),
        QUIC_V1(0x01cd, "quic-v1", 0);

        private final int code;
        private final String text;
        private final int size;

        Protocol(int code, String text, int size) {
            this.code = code;
            this.text = text;
            this.size = size;
        }

        /** The multicodec code. */
        public int code() {
            return code;
        }

        /** The name in text form, e.g. {@code quic-v1}. */
        public String text() {
            return text;
        }

        static Protocol ofText(String name, String input) {
            if (name.equals("ipfs")) {
                return P2P;
            }
            for (Protocol p : values()) {
                if (p.text.equals(name)) {
                    return p;
                }
            }
            throw new InvalidMultiaddrException("multiaddr '" + input + "': unknown protocol '" + name + "'");
        }

        static Protocol ofCode(long code, String input) {
            for (Protocol p : values()) {
                if (p.code == code) {
                    return p;
                }
            }
            throw new InvalidMultiaddrException("multiaddr " + input + ": unknown protocol code 0x" + Long.toHexString(code));
        }
    }

    /** One component: a protocol and its value in text form (empty for {@code /quic-v1}). */
    public record Component(Protocol protocol, String value) {
        /** Validates both fields are present. */
        public Component {
            if (protocol == null || value == null) {
                throw new IllegalArgumentException("a multiaddr component needs a protocol and a value");
            }
        }
    }

    private static final int MAX_DNS_NAME = 255;
    private static final int MAX_BYTES = 1024;

    private final byte[] bytes;
    private final List<Component> components;

    private Multiaddr(byte[] bytes, List<Component> components) {
        this.bytes = bytes;
        this.components = List.copyOf(components);
    }

    /**
     * Parses the text form.
     *
     * @throws InvalidMultiaddrException naming {@code text} and the fault (unknown protocol, missing or bad value)
     */
    public static Multiaddr parse(String text) {
        if (text == null || text.isEmpty() || text.charAt(0) != '/') {
            throw new InvalidMultiaddrException("multiaddr '" + text + "' must start with '/'");
        }
        if (text.length() > 4 * MAX_BYTES) {
            throw new InvalidMultiaddrException("multiaddr of " + text.length() + " characters is too long");
        }
        String[] parts = text.substring(1).split("/", -1);
        int end = parts.length;
        if (end > 1 && parts[end - 1].isEmpty()) {
            end--; // one trailing slash is tolerated
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Component> components = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            if (parts[i].isEmpty()) {
                throw new InvalidMultiaddrException("multiaddr '" + text + "': empty protocol name at component " + (i + 1));
            }
            Protocol p = Protocol.ofText(parts[i], text);
            String value = "";
            if (p.size != 0) {
                if (i + 1 >= end) {
                    throw new InvalidMultiaddrException("multiaddr '" + text + "': /" + p.text + " needs a value");
                }
                value = parts[++i];
            }
            byte[] encoded = encodeValue(p, value, text);
            out.writeBytes(Varint.encode(p.code));
            if (p.size < 0) {
                out.writeBytes(Varint.encode(encoded.length));
            }
            out.writeBytes(encoded);
            components.add(new Component(p, formatValue(p, encoded)));
        }
        if (components.isEmpty()) {
            throw new InvalidMultiaddrException("multiaddr '" + text + "' has no component");
        }
        return new Multiaddr(out.toByteArray(), components);
    }

    /**
     * Parses the binary form.
     *
     * @throws InvalidMultiaddrException naming the fault (unknown code, truncated or bad value)
     */
    public static Multiaddr fromBytes(byte[] input) {
        String name = "of " + input.length + " bytes";
        if (input.length == 0 || input.length > MAX_BYTES) {
            throw new InvalidMultiaddrException("binary multiaddr " + name + ": must be 1.." + MAX_BYTES + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        List<Component> components = new ArrayList<>();
        try {
            while (in.hasRemaining()) {
                Protocol p = Protocol.ofCode(Varint.read(in), name);
                long size = p.size >= 0 ? p.size : Varint.read(in);
                if (size > in.remaining()) {
                    throw new InvalidMultiaddrException("binary multiaddr " + name + ": /" + p.text + " value of " + size
                            + " bytes is truncated (" + in.remaining() + " remain)");
                }
                byte[] value = new byte[(int) size];
                in.get(value);
                String text = formatValue(p, value);
                // re-encoding from text checks the value the way parse does
                encodeValue(p, text, name);
                components.add(new Component(p, text));
            }
        } catch (ProtocolViolationException e) {
            throw new InvalidMultiaddrException("binary multiaddr " + name + ": " + e.getMessage(), e);
        }
        return new Multiaddr(input.clone(), components);
    }

    /** {@code /ip4/<a>/tcp/<port>} or {@code /ip6/<a>/tcp/<port>} of a resolved socket address. */
    public static Multiaddr tcp(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new InvalidMultiaddrException("socket address " + address + " is unresolved");
        }
        InetAddress ip = address.getAddress();
        String proto = ip instanceof Inet4Address ? "/ip4/" : "/ip6/";
        return parse(proto + formatValue(ip instanceof Inet4Address ? Protocol.IP4 : Protocol.IP6, ip.getAddress())
                + "/tcp/" + address.getPort());
    }

    /** The components, in order. */
    public List<Component> components() {
        return components;
    }

    /** The binary form (a copy). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The peer id of the last {@code /p2p} component, if any. */
    public Optional<PeerId> peerId() {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol() == Protocol.P2P) {
                return Optional.of(PeerId.parse(components.get(i).value()));
            }
        }
        return Optional.empty();
    }

    /** This address without a trailing {@code /p2p/<id>}. */
    public Multiaddr withoutPeerId() {
        Component last = components.get(components.size() - 1);
        if (last.protocol() != Protocol.P2P || components.size() == 1) {
            return this;
        }
        return parse(toString().substring(0, toString().length() - ("/p2p/" + last.value()).length()));
    }

    /** This address ending in {@code /p2p/<peer>} (replacing a trailing one). */
    public Multiaddr withPeerId(PeerId peer) {
        return parse(withoutPeerId() + "/p2p/" + peer.toBase58());
    }

    /** The value of the first component of {@code protocol}, if any. */
    public Optional<String> valueOf(Protocol protocol) {
        return components.stream().filter(c -> c.protocol() == protocol).map(Component::value).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The text form, canonical (e.g. IPv6 compressed, {@code /p2p} rather than {@code /ipfs}). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol().text());
            if (c.protocol().size != 0) {
                sb.append('/').append(c.value());
            }
        }
        return sb.toString();
    }

    private static byte[] encodeValue(Protocol p, String value, String input) {
        switch (p) {
            case IP4 -> {
                return ip4(value, input);
            }
            case IP6 -> {
                return ip6(value, input);
            }
            case TCP, UDP -> {
                int port = port(value, p, input);
                return new byte[] {(byte) (port >>> 8), (byte) port};
            }
            case DNS, DNS4, DNS6 -> {
                byte[] name = value.getBytes(StandardCharsets.UTF_8);
                if (name.length == 0 || name.length > MAX_DNS_NAME || value.indexOf('/') >= 0) {
                    throw new InvalidMultiaddrException("multiaddr '" + input + "': /" + p.text + " name '" + value
                            + "' must be 1.." + MAX_DNS_NAME + " bytes without '/'");
                }
                return name;
            }
            case P2P -> {
                try {
                    return PeerId.parse(value).toBytes();
                } catch (InvalidPeerIdException e) {
                    throw new InvalidMultiaddrException("multiaddr '" + input + "': bad /p2p value: " + e.getMessage(), e);
                }
            }
            case QUIC_V1 -> {
                return new byte[0];
            }
            default -> throw new IllegalStateException("unhandled protocol " + p);
        }
    }

    private static String formatValue(Protocol p, byte[] v) {
        switch (p) {
            case IP4 -> {
                return (v[0] & 0xFF) + "." + (v[1] & 0xFF) + "." + (v[2] & 0xFF) + "." + (v[3] & 0xFF);
            }
            case IP6 -> {
                return ip6Text(v);
            }
            case TCP, UDP -> {
                return Integer.toString(((v[0] & 0xFF) << 8) | (v[1] & 0xFF));
            }
            case DNS, DNS4, DNS6 -> {
                try {
                    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v)).toString();
                } catch (CharacterCodingException e) {
                    throw new InvalidMultiaddrException("multiaddr: /" + p.text + " name is not valid UTF-8", e);
                }
            }
            case P2P -> {
                try {
                    return PeerId.fromBytes(v).toBase58();
                } catch (InvalidPeerIdException e) {
                    throw new InvalidMultiaddrException("multiaddr: bad /p2p value: " + e.getMessage(), e);
                }
            }
            case QUIC_V1 -> {
                return "";
            }
            default -> throw new IllegalStateException("unhandled protocol " + p);
        }
    }

    private static byte[] ip4(String value, String input) {
        String[] octets = value.split("\\.", -1);
        if (octets.length != 4) {
            throw new InvalidMultiaddrException("multiaddr '" + input + "': '" + value + "' is not an IPv4 address");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String o = octets[i];
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || (o.length() > 1 && o.charAt(0) == '0')
                    || Integer.parseInt(o) > 255) {
                throw new InvalidMultiaddrException("multiaddr '" + input + "': '" + value + "' is not an IPv4 address");
            }
            out[i] = (byte) Integer.parseInt(o);
        }
        return out;
    }

    private static byte[] ip6(String value, String input) {
        boolean literal = !value.isEmpty() && value.indexOf(':') >= 0
                && value.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (literal) {
            try {
                // a literal containing ':' is parsed, never looked up
                InetAddress address = InetAddress.getByName(value);
                if (address instanceof Inet6Address) {
                    return address.getAddress();
                }
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
                return mapped;
            } catch (UnknownHostException e) {
                // fall through to the error below
            }
        }
        throw new InvalidMultiaddrException("multiaddr '" + input + "': '" + value + "' is not an IPv6 address");
    }

    private static String ip6Text(byte[] v) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((v[2 * i] & 0xFF) << 8) | (v[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static int port(String value, Protocol p, String input) {
        if (value.isEmpty() || value.length() > 5 || !value.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(value) > 65535) {
            throw new InvalidMultiaddrException("multiaddr '" + input + "': /" + p.text + " port '" + value + "' is not 0..65535");
        }
        return Integer.parseInt(value);
    }
}
