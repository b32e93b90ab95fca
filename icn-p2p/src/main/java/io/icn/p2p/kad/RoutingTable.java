package io.icn.p2p.kad;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * The Kademlia routing table: 256 k-buckets over the XOR distance between SHA-256 of peer ids. Each
 * bucket keeps at most k peers, least recently seen first, and a replacement cache of at most k more.
 * A new peer for a full bucket goes to the cache; if the bucket's least recently seen peer has been
 * silent for a while, the caller is told to probe it, and a peer that fails (a probe, a request) is
 * evicted and the most recently seen replacement takes its place.
 *
 * <p>Thread-safe (one lock; operations are short).
 */
final class RoutingTable {
    private final KadKey self;
    private final int k;
    private final Clock clock;
    private final Bucket[] buckets = new Bucket[KadKey.BITS];

    private static final class Entry {
        KadPeer peer;
        final KadKey key;
        Instant lastSeen;

        Entry(KadPeer peer, KadKey key, Instant lastSeen) {
            this.peer = peer;
            this.key = key;
            this.lastSeen = lastSeen;
        }
    }

    private static final class Bucket {
        final LinkedHashMap<ByteBuffer, Entry> entries = new LinkedHashMap<>();
        final LinkedHashMap<ByteBuffer, Entry> replacements = new LinkedHashMap<>();
        Instant lastUsed;
        boolean probing;
    }

    /** What {@link #seen} did. */
    sealed interface Update {
    }

    /** The peer is in its bucket (added or refreshed). */
    record Added() implements Update {
    }

    /** The bucket is full; the peer waits in its replacement cache. */
    record Cached() implements Update {
    }

    /** As {@link Cached}, and {@code stale}, the bucket's least recently seen peer, should be probed. */
    record Probe(KadPeer stale) implements Update {
    }

    /** Nothing to do (this node itself). */
    record Ignored() implements Update {
    }

    RoutingTable(KadKey self, int k, Clock clock) {
        this.self = self;
        this.k = k;
        this.clock = clock;
        Instant now = clock.instant();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket();
            buckets[i].lastUsed = now;
        }
    }

    /**
     * Records that {@code peer} (a Kademlia server) was just seen alive: it answered, or sent us a
     * request.
     *
     * @param probeAfter how long the least recently seen peer of a full bucket may have been silent
     *     before it should be probed
     */
    synchronized Update seen(KadPeer peer, Duration probeAfter) {
        KadKey key = peer.key();
        int index = self.bucketIndex(key);
        if (index < 0) {
            return new Ignored();
        }
        Bucket b = buckets[index];
        ByteBuffer id = peer.idKey();
        Instant now = clock.instant();
        Entry e = b.entries.remove(id);
        if (e != null) {
            e.lastSeen = now;
            if (!peer.addrs().isEmpty()) {
                e.peer = peer;
            }
            b.entries.put(id, e);
            return new Added();
        }
        if (b.entries.size() < k) {
            b.replacements.remove(id);
            b.entries.put(id, new Entry(peer, key, now));
            return new Added();
        }
        b.replacements.remove(id);
        if (b.replacements.size() >= k) {
            Iterator<ByteBuffer> oldest = b.replacements.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        b.replacements.put(id, new Entry(peer, key, now));
        Entry lrs = b.entries.values().iterator().next();
        if (!b.probing && Duration.between(lrs.lastSeen, now).compareTo(probeAfter) >= 0) {
            b.probing = true;
            return new Probe(lrs.peer);
        }
        return new Cached();
    }

    /** Ends a probe of {@code peer}'s bucket: alive refreshes it, dead evicts it. */
    synchronized void probed(KadPeer peer, boolean alive) {
        int index = self.bucketIndex(peer.key());
        if (index < 0) {
            return;
        }
        buckets[index].probing = false;
        if (alive) {
            Entry e = buckets[index].entries.get(peer.idKey());
            if (e != null) {
                e.lastSeen = clock.instant();
                buckets[index].entries.remove(peer.idKey());
                buckets[index].entries.put(peer.idKey(), e);
            }
        } else {
            failed(peer);
        }
    }

    /** Evicts {@code peer} (it did not answer); the most recently seen replacement takes its place. */
    synchronized void failed(KadPeer peer) {
        int index = self.bucketIndex(peer.key());
        if (index < 0) {
            return;
        }
        Bucket b = buckets[index];
        b.replacements.remove(peer.idKey());
        if (b.entries.remove(peer.idKey()) != null && !b.replacements.isEmpty()) {
            ByteBuffer newest = null;
            for (ByteBuffer id : b.replacements.keySet()) {
                newest = id;
            }
            b.entries.put(newest, b.replacements.remove(newest));
        }
    }

    /** The {@code n} peers closest to {@code target}, closest first. */
    synchronized List<KadPeer> closest(KadKey target, int n) {
        List<Entry> all = new ArrayList<>();
        for (Bucket b : buckets) {
            all.addAll(b.entries.values());
        }
        all.sort((x, y) -> target.compareDistance(x.key, y.key));
        List<KadPeer> out = new ArrayList<>(Math.min(n, all.size()));
        for (int i = 0; i < all.size() && i < n; i++) {
            out.add(all.get(i).peer);
        }
        return out;
    }

    /** The peer with this id, if in the table. */
    synchronized Optional<KadPeer> find(byte[] id) {
        int index = self.bucketIndex(KadKey.of(id));
        if (index < 0) {
            return Optional.empty();
        }
        Entry e = buckets[index].entries.get(ByteBuffer.wrap(id));
        return e == null ? Optional.empty() : Optional.of(e.peer);
    }

    /** Notes that a lookup for {@code target} just ran (its bucket needs no refresh). */
    synchronized void used(KadKey target) {
        int index = self.bucketIndex(target);
        if (index >= 0) {
            buckets[index].lastUsed = clock.instant();
        }
    }

    /**
     * Buckets to refresh: those not used since {@code cutoff}, from the farthest down to the closest
     * bucket that holds a peer, at most {@code maxDepth} of them (a bucket d levels below the farthest
     * covers 2^-(d+1) of the key space, so a random key in it costs about 2^(d+1) tries).
     */
    synchronized List<Integer> staleBuckets(Instant cutoff, int maxDepth) {
        int closest = KadKey.BITS;
        for (int i = 0; i < buckets.length; i++) {
            if (!buckets[i].entries.isEmpty()) {
                closest = i;
                break;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = KadKey.BITS - 1; i >= Math.max(closest, KadKey.BITS - maxDepth); i--) {
            if (buckets[i].lastUsed.isBefore(cutoff)) {
                out.add(i);
            }
        }
        return out;
    }

    synchronized int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.entries.size();
        }
        return n;
    }

    synchronized List<KadPeer> peers() {
        List<KadPeer> out = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.entries.values()) {
                out.add(e.peer);
            }
        }
        return out;
    }

    synchronized int replacementCount(int bucket) {
        return buckets[bucket].replacements.size();
    }

    synchronized int bucketSize(int bucket) {
        return buckets[bucket].entries.size();
    }

    KadKey self() {
        return self;
    }
}
