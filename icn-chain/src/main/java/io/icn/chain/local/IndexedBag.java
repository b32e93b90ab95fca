package io.icn.chain.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A multiset with O(1) add, remove and uniform random pick of a distinct element: a node's shard
 * assignments, where one shard may be held for several deals. Not thread-safe.
 */
final class IndexedBag<T> {
    private final ArrayList<T> elements;
    private final HashMap<T, int[]> slots; // element -> {index in elements, reference count}

    IndexedBag() {
        this(0);
    }

    /** A bag with room for {@code expected} distinct elements before it grows. */
    IndexedBag(int expected) {
        elements = new ArrayList<>(expected);
        slots = new HashMap<>(capacityFor(expected));
    }

    /** The initial capacity of a {@link HashMap} that holds {@code entries} without rehashing. */
    static int capacityFor(long entries) {
        return (int) Math.min((long) Math.ceil(entries / 0.75), 1 << 30);
    }

    void add(T element) {
        int[] slot = slots.get(element);
        if (slot != null) {
            slot[1]++;
            return;
        }
        slots.put(element, new int[] {elements.size(), 1});
        elements.add(element);
    }

    /** Drops one reference; the element leaves the bag with its last reference. */
    void remove(T element) {
        int[] slot = slots.get(element);
        if (slot == null) {
            return;
        }
        if (--slot[1] > 0) {
            return;
        }
        slots.remove(element);
        int index = slot[0];
        T moved = elements.remove(elements.size() - 1);
        if (index < elements.size()) {
            elements.set(index, moved);
            slots.get(moved)[0] = index;
        }
    }

    boolean contains(T element) {
        return slots.containsKey(element);
    }

    int size() {
        return elements.size();
    }

    T pick(RandomGenerator random) {
        return elements.get(random.nextInt(elements.size()));
    }

    List<T> snapshot() {
        return List.copyOf(elements);
    }
}
