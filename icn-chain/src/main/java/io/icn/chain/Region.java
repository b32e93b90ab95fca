package io.icn.chain;

import java.util.Locale;

/**
 * The regions a super-node can declare; shard replicas of one deal go to distinct regions.
 * The wire and configuration name is upper-case with a hyphen ({@code NA-WEST}).
 */
public enum Region {
    NA_WEST, NA_EAST, EU_WEST, EU_EAST, APAC, LATAM, MENA;

    /** The configuration name, e.g. {@code NA-WEST}. */
    public String wireName() {
        return name().replace('_', '-');
    }

    /**
     * Parses a configuration name ({@code NA-WEST}, case-insensitive; {@code NA_WEST} also accepted).
     *
     * @throws IllegalArgumentException naming the value if it is no region
     */
    public static Region fromWireName(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Region r : values()) {
            if (r.name().equals(key)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown region '" + name + "', expected one of NA-WEST, NA-EAST,"
                + " EU-WEST, EU-EAST, APAC, LATAM, MENA");
    }
}
