package io.icn.chain.substrate;

/**
 * A decoded or to-be-encoded SCALE {@code Result<T, E>}: exactly one of {@link #ok()} and {@link #err()} is
 * meaningful, as {@link #isOk()} says. Immutable.
 */
public record ScaleResult<T, E>(boolean isOk, T ok, E err) {

    public static <T, E> ScaleResult<T, E> ok(T value) {
        return new ScaleResult<>(true, value, null);
    }

    public static <T, E> ScaleResult<T, E> err(E error) {
        return new ScaleResult<>(false, null, error);
    }
}
