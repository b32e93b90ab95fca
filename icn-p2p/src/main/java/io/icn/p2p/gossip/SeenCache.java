package io.icn.p2p.gossip;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The ids of messages seen within a time-to-live (duplicates are dropped), expired in insertion order.
 *
 * <p>Not thread-safe: confined to the router thread.
 */
final class SeenCache {
    private final long ttlMillis;
    private final Set<MessageId> ids = new HashSet<>();
    private final Deque<Stamp> order = new ArrayDeque<>();

    private record Stamp(MessageId id, long at) {
    }

    SeenCache(long ttlMillis) {
        this.ttlMillis = ttlMillis;
    }

    /** Records {@code id}; false if it was already seen. */
    boolean add(MessageId id, Instant now) {
        if (!ids.add(id)) {
            return false;
        }
        order.addLast(new Stamp(id, now.toEpochMilli()));
        return true;
    }

    boolean contains(MessageId id) {
        return ids.contains(id);
    }

    void expire(Instant now) {
        long limit = now.toEpochMilli() - ttlMillis;
        while (!order.isEmpty() && order.peekFirst().at() < limit) {
            ids.remove(order.removeFirst().id());
        }
    }

    int size() {
        return ids.size();
    }
}
