package io.icn.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where {@link LocalCluster#putChunk} stores a chunk's shards: all on one node, spread round-robin over
 * the nodes, on every node, or shard by shard as the caller lists.
 *
 * <p>Immutable and thread-safe.
 */
public final class Placement {
    private enum Kind { ONE_NODE, SPREAD, EVERYWHERE, BY_SHARD }

    private final Kind kind;
    private final int node;
    private final int[] nodeOfShard;

    private Placement(Kind kind, int node, int[] nodeOfShard) {
        this.kind = kind;
        this.node = node;
        this.nodeOfShard = nodeOfShard;
    }

    /** Every shard on node {@code node}. */
    public static Placement onNode(int node) {
        if (node < 0) {
            throw new IllegalArgumentException("node index must be >= 0: " + node);
        }
        return new Placement(Kind.ONE_NODE, node, null);
    }

    /** Shard {@code i} on node {@code i mod n}: a chunk only the nodes together can serve. */
    public static Placement spread() {
        return new Placement(Kind.SPREAD, -1, null);
    }

    /** Every shard on every node. */
    public static Placement everywhere() {
        return new Placement(Kind.EVERYWHERE, -1, null);
    }

    /**
     * Shard {@code i} on node {@code nodeOfShard[i]}; one entry per shard ({@code k + m} of them).
     *
     * @throws IllegalArgumentException if an entry is negative
     */
    public static Placement byShard(int... nodeOfShard) {
        int[] copy = nodeOfShard.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw new IllegalArgumentException("node index of shard " + i + " must be >= 0: " + copy[i]);
            }
        }
        return new Placement(Kind.BY_SHARD, -1, copy);
    }

    /**
     * The nodes that receive each shard: element {@code i} lists the node indexes holding shard {@code i},
     * ascending.
     *
     * @throws IllegalArgumentException if this placement names a node the cluster lacks or does not
     *     match the shard count
     */
    List<List<Integer>> assign(int shardCount, int nodeCount) {
        if (kind == Kind.ONE_NODE && node >= nodeCount) {
            throw new IllegalArgumentException("placement on node " + node + " but the cluster has " + nodeCount
                    + " node(s)");
        }
        if (kind == Kind.BY_SHARD) {
            if (nodeOfShard.length != shardCount) {
                throw new IllegalArgumentException("placement lists " + nodeOfShard.length + " shard(s), the chunk has "
                        + shardCount);
            }
            for (int i = 0; i < shardCount; i++) {
                if (nodeOfShard[i] >= nodeCount) {
                    throw new IllegalArgumentException("placement puts shard " + i + " on node " + nodeOfShard[i]
                            + " but the cluster has " + nodeCount + " node(s)");
                }
            }
        }
        List<List<Integer>> holders = new ArrayList<>(shardCount);
        for (int shard = 0; shard < shardCount; shard++) {
            holders.add(switch (kind) {
                case ONE_NODE -> List.of(node);
                case SPREAD -> List.of(shard % nodeCount);
                case EVERYWHERE -> allNodes(nodeCount);
                case BY_SHARD -> List.of(nodeOfShard[shard]);
            });
        }
        return List.copyOf(holders);
    }

    private static List<Integer> allNodes(int nodeCount) {
        List<Integer> all = new ArrayList<>(nodeCount);
        for (int n = 0; n < nodeCount; n++) {
            all.add(n);
        }
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ONE_NODE -> "Placement.onNode(" + node + ")";
            case SPREAD -> "Placement.spread()";
            case EVERYWHERE -> "Placement.everywhere()";
            case BY_SHARD -> "Placement.byShard" + Arrays.toString(nodeOfShard);
        };
    }
}
