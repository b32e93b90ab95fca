package io.icn.examples.relay;

import io.icn.transport.quic.FetchChunk;

/**
 * The {@link FetchChunk} command line as a program: fetches one chunk from running super-nodes and
 * exits with its status (0 fetched, 1 failed, 2 usage). The library class returns the status; only
 * this {@code main} ends the JVM.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package exec:exec -DskipTests \
 *     -Dexample.main=io.icn.examples.relay.FetchChunkCommand \
 *     -Dexample.args="--cid bafk... --node 127.0.0.1:9002 --pin 3f1c...e9 --out chunk.bin"
 * </pre>
 */
public final class FetchChunkCommand {

    private FetchChunkCommand() {
    }

    public static void main(String[] args) {
        int status = FetchChunk.run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }
}
