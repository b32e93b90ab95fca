package io.icn.benchmarks.kad;

import io.icn.benchmarks.LoadProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The peers of {@link RepublishWhileServingLoad} in a process of their own ({@code --peers-process true}), so that
 * only the publisher's side of every DHT request competes with shard serving in the measured process:
 * {@code --peers} peer nodes over real hosts on 127.0.0.1 ({@link RepublishOverHostLoad.HostNetwork}), bootstrapped
 * through the first, whose address is printed as {@code BOOTSTRAP <multiaddr>}; runs until its standard input ends
 * or {@code --run-secs} pass, then closes every node.
 *
 * <pre>
 *   java -cp benchmarks.jar io.icn.benchmarks.kad.RepublishPeers [--peers 15] [--run-secs 3600]
 * </pre>
 */
public final class RepublishPeers {
    private RepublishPeers() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = LoadProcesses.options(args, "usage: RepublishPeers [--peers N] [--run-secs S]");
        int peers = Integer.parseInt(o.getOrDefault("peers", "15"));
        long runSecs = Long.parseLong(o.getOrDefault("run-secs", "3600"));
        try (RepublishOverHostLoad.HostNetwork network = RepublishOverHostLoad.HostNetwork.start(peers, false, List.of())) {
            System.out.println("BOOTSTRAP " + network.firstAddress());
            System.out.flush();
            CountDownLatch ended = new CountDownLatch(1);
            Thread stdin = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() >= 0) {
                        // nothing is sent: the parent closes the stream to stop this process
                    }
                } catch (IOException e) {
                    // the parent is gone: stop as well
                }
                ended.countDown();
            }, "stdin-watch");
            stdin.setDaemon(true);
            stdin.start();
            ended.await(runSecs, TimeUnit.SECONDS);
        }
    }
}
