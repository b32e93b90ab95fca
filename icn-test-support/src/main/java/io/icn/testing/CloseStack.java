package io.icn.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * What a harness opened, closed in the reverse order of opening. Closing goes on past a failure: the
 * first failure is rethrown once everything was tried, later ones ride along as suppressed exceptions.
 *
 * <p>Not thread-safe; the owner serialises access.
 */
final class CloseStack {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Remembers {@code resource} and returns it, so that opening and registering are one expression. */
    <T extends AutoCloseable> T push(T resource) {
        opened.push(Objects.requireNonNull(resource, "resource"));
        return resource;
    }

    /**
     * Closes everything pushed, last first, and forgets it.
     *
     * @throws RuntimeException the first failure (checked ones wrapped in {@link IllegalStateException}),
     *     with every later one suppressed in it
     */
    void closeAll() {
        RuntimeException first = null;
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r
                            : new IllegalStateException("closing " + resource + " failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Closes everything after {@code failure} and adds what closing threw to it as suppressed. */
    void closeAllAfter(Throwable failure) {
        try {
            closeAll();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
