package io.icn.storage;

/**
 * Progress of an index rebuild. Called on the rebuilding thread after every chunk directory; must
 * return quickly and must not call back into the store.
 */
@FunctionalInterface
public interface RebuildListener {

    /** A listener that ignores progress. */
    RebuildListener NONE = (done, total) -> { };

    /**
     * @param chunksDone directories examined so far
     * @param chunksTotal directories to examine in all
     */
    void progress(long chunksDone, long chunksTotal);
}
