package io.icn.node;

import io.icn.chain.ShardHash;

import java.util.List;
import java.util.stream.Stream;

/**
 * What the storage cleanup needs from the shard store: its expiry index, each content's shard hashes,
 * and deletion. Content is named by its CID string (CIDv1, base32); this module never parses it.
 *
 * <h2>Thread safety</h2>
 * Implementations must be thread-safe; calls may block on disk I/O.
 */
public interface ExpiredContent {

    /**
     * The CIDs whose recorded expiry block is at or before {@code block}, in any order. The cost must be
     * proportional to the number returned (an index ordered by expiry), never to the size of the store.
     * The caller closes the stream.
     */
    Stream<String> expiredBefore(long block);

    /**
     * The shard hashes of the content, from its manifest; empty if the content is unknown or its
     * manifest cannot be read (the cleanup then keeps it).
     */
    List<ShardHash> shardHashes(String cid);

    /**
     * Moves the content's recorded expiry to {@code expiryBlock}: another deal still holds it.
     */
    void extendExpiry(String cid, long expiryBlock);

    /**
     * Deletes the content's shards, manifest and index entries. Idempotent.
     *
     * @return bytes freed; 0 if the content was already gone
     */
    long delete(String cid);
}
