package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.InMemoryShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random datagrams at a server: each failure of the codec is counted; the log gets at most one line a minute. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MalformedDatagramTest {

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void randomDatagramsAreCountedAndTheLogDoesNotFlood() throws Exception {
        long seed = System.nanoTime();
        System.out.println("MalformedDatagramTest seed " + seed);
        Random random = new Random(seed);
        List<LogRecord> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (warnings) {
                        warnings.add(r);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        InMemoryShardStore store = Fixtures.store();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            server = Fixtures.server(store).ioThreads(2).meterRegistry(registry).start();
            InetSocketAddress target = server.localAddress();
            double malformed = 0;
            // Bounded: at most 200,000 datagrams (0.2 % of random datagrams make the codec fail), stopping once
            // enough failures were counted to show that most went unlogged.
            for (int batch = 0; batch < 100 && malformed < 20; batch++) {
                for (int i = 0; i < 2_000; i++) {
                    byte[] d = new byte[1 + random.nextInt(1_400)];
                    random.nextBytes(d);
                    socket.send(new DatagramPacket(d, d.length, target));
                }
                Thread.sleep(20); // lets the server's loop take the socket's queue before it overflows
                malformed = registry.get("icn.transport.datagrams.malformed").counter().count();
            }
            server.close();
            server = null;
            assertThat(malformed).as("malformed datagrams counted (seed %d)", seed).isGreaterThanOrEqualTo(20);
            synchronized (warnings) {
                assertThat(warnings).as("warnings logged for %s malformed datagrams (seed %d)", malformed, seed)
                        .hasSizeLessThanOrEqualTo(1)
                        .allSatisfy(r -> assertThat(r.getThrown()).isNull());
            }
        } finally {
            root.removeHandler(capture);
            if (server != null) {
                server.close();
            }
            store.close();
        }
    }
}
