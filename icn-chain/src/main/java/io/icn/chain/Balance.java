package io.icn.chain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An amount of ICN in its smallest unit (the pallet's {@code u128} {@code Balance}); one ICN is
 * {@code 10^18} units. Never negative.
 *
 * <p>Immutable and thread-safe.
 *
 * @param units the amount in the smallest unit, {@code >= 0}
 */
public record Balance(BigInteger units) implements Comparable<Balance> {

    /** Decimal places of one ICN. */
    public static final int DECIMALS = 18;

    private static final BigInteger ONE_ICN = BigInteger.TEN.pow(DECIMALS);
    private static final BigInteger U128_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    /** No ICN. */
    public static final Balance ZERO = new Balance(BigInteger.ZERO);

    /** @throws IllegalArgumentException if {@code units} is negative or does not fit a {@code u128} */
    public Balance {
        Objects.requireNonNull(units, "units");
        if (units.signum() < 0) {
            throw new IllegalArgumentException("balance must not be negative: " + units);
        }
        if (units.compareTo(U128_MAX) > 0) {
            throw new IllegalArgumentException("balance does not fit a u128: " + units);
        }
    }

    /** {@code icn} whole ICN. */
    public static Balance ofIcn(long icn) {
        if (icn < 0) {
            throw new IllegalArgumentException("ICN amount must not be negative: " + icn);
        }
        return new Balance(BigInteger.valueOf(icn).multiply(ONE_ICN));
    }

    /** {@code units} of the smallest unit. */
    public static Balance ofUnits(long units) {
        return new Balance(BigInteger.valueOf(units));
    }

    public Balance plus(Balance other) {
        return new Balance(units.add(other.units));
    }

    /** {@code this - other}. @throws IllegalArgumentException if the result would be negative */
    public Balance minus(Balance other) {
        return new Balance(units.subtract(other.units));
    }

    /** {@code this - other}, or zero where that would be negative. */
    public Balance saturatingMinus(Balance other) {
        return units.compareTo(other.units) <= 0 ? ZERO : new Balance(units.subtract(other.units));
    }

    public boolean isZero() {
        return units.signum() == 0;
    }

    /** Whole ICN, rounded down. */
    public long wholeIcn() {
        return units.divide(ONE_ICN).longValueExact();
    }

    @Override
    public int compareTo(Balance other) {
        return units.compareTo(other.units);
    }

    @Override
    public String toString() {
        BigInteger[] parts = units.divideAndRemainder(ONE_ICN);
        if (parts[1].signum() == 0) {
            return parts[0] + " ICN";
        }
        String fraction = String.format("%018d", parts[1]).replaceAll("0+$", "");
        return parts[0] + "." + fraction + " ICN";
    }
}
