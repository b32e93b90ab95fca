package io.icn.p2p.gossip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@code historyLength} heartbeats of accepted messages (answering IWANT), of which the last
 * {@code historyGossip} are announced in IHAVE. Each message is held once (its encoded frame part is not kept).
 *
 * <p>Not thread-safe: confined to the router thread.
 */
final class MessageCache {
    private final int historyGossip;
    private final Map<MessageId, Rpc.PubMessage> messages = new HashMap<>();
    private final Deque<List<Entry>> windows = new ArrayDeque<>();
    private final int historyLength;

    private record Entry(MessageId id, String topic) {
    }

    MessageCache(int historyLength, int historyGossip) {
        this.historyLength = historyLength;
        this.historyGossip = historyGossip;
        windows.addFirst(new ArrayList<>());
    }

    void put(MessageId id, Rpc.PubMessage message) {
        if (messages.putIfAbsent(id, message) == null) {
            windows.peekFirst().add(new Entry(id, message.topic()));
        }
    }

    Rpc.PubMessage get(MessageId id) {
        return messages.get(id);
    }

    /** The ids of the gossip window for {@code topic}, newest first. */
    List<MessageId> gossipIds(String topic) {
        List<MessageId> ids = new ArrayList<>();
        int i = 0;
        for (List<Entry> window : windows) {
            if (i++ >= historyGossip) {
                break;
            }
            for (Entry e : window) {
                if (e.topic().equals(topic)) {
                    ids.add(e.id());
                }
            }
        }
        return ids;
    }

    /** Opens a new window, dropping the oldest beyond the history length. */
    void shift() {
        windows.addFirst(new ArrayList<>());
        while (windows.size() > historyLength) {
            for (Entry e : windows.removeLast()) {
                messages.remove(e.id());
            }
        }
    }

    int size() {
        return messages.size();
    }
}
