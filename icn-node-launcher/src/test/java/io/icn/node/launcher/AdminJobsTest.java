package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.icn.storage.UnrepairableChunkException;
import io.icn.storage.Cid;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin jobs: bounded, kept, failures with their status, progress; and the CLI's polling of one. */
@Timeout(60)
class AdminJobsTest {

    @Test
    void aJobRunsOffTheCallersThreadAndReportsProgressThenItsResult() throws Exception {
        AdminJobs jobs = new AdminJobs(Clock.systemUTC(), 1, 4, 8);
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        try {
            AdminJobs.Job job = jobs.submit("verify", progress -> {
                progress.update("chunks", 5, 10);
                halfway.countDown();
                assertThat(finish.await(30, TimeUnit.SECONDS)).isTrue();
                progress.update("chunks", 10, 10);
                return List.of("done");
            });
            assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
            String running = Json.write(job.toJson());
            assertThat(running).contains("\"state\":\"RUNNING\"", "\"done\":5", "\"total\":10", "\"fraction\":0.5",
                    "\"result\":null");
            assertThat(Thread.currentThread().getName()).doesNotStartWith("icn-node-admin-job");
            finish.countDown();
            awaitFinished(job);
            assertThat(Json.write(job.toJson())).contains("\"state\":\"SUCCEEDED\"", "\"fraction\":1.0",
                    "\"result\":[\"done\"]", "\"error\":null");
        } finally {
            finish.countDown();
            jobs.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void aFailedJobKeepsTheStatusOfItsError() throws Exception {
        AdminJobs jobs = new AdminJobs(Clock.systemUTC(), 1, 4, 8);
        try {
            Cid cid = Cid.ofRaw(new byte[] {7});
            AdminJobs.Job job = jobs.submit("repair", progress -> {
                throw new UnrepairableChunkException(cid, 3, 10);
            });
            awaitFinished(job);
            assertThat(Json.write(job.toJson())).contains("\"state\":\"FAILED\"", "\"status\":409", cid.toString());
        } finally {
            jobs.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void atMostMaxActiveJobsAreQueuedAndOnlyTheNewestFinishedAreKept() throws Exception {
        AdminJobs jobs = new AdminJobs(Clock.systemUTC(), 1, 2, 3);
        CountDownLatch release = new CountDownLatch(1);
        try {
            AdminJobs.Job a = jobs.submit("verify", p -> release.await(30, TimeUnit.SECONDS));
            AdminJobs.Job b = jobs.submit("verify", p -> release.await(30, TimeUnit.SECONDS));
            assertThatThrownBy(() -> jobs.submit("verify", p -> null)).isInstanceOf(ApiError.class)
                    .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(429))
                    .hasMessageContaining("2 admin jobs");
            release.countDown();
            awaitFinished(a);
            awaitFinished(b);
            List<AdminJobs.Job> more = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                AdminJobs.Job j = jobs.submit("repair", p -> null);
                awaitFinished(j);
                more.add(j);
            }
            assertThat(jobs.list()).hasSize(3).containsExactlyElementsOf(more.subList(1, 4));
            assertThat(jobs.get(a.id())).as("forgotten").isEmpty();
            jobs.stopAccepting();
            assertThatThrownBy(() -> jobs.submit("verify", p -> null)).isInstanceOf(ApiError.class)
                    .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(503));
        } finally {
            release.countDown();
            jobs.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void theCliPollsAJobWithABarOnATerminalAndPlainLinesOtherwise() throws Exception {
        for (boolean tty : new boolean[] {true, false}) {
            AtomicInteger polls = new AtomicInteger();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            server.createContext("/admin/jobs/job-1", ex -> {
                int n = polls.incrementAndGet();
                String body = n < 3
                        ? "{\"id\":\"job-1\",\"state\":\"RUNNING\",\"progress\":{\"done\":" + (n * 4) + ",\"total\":10,"
                                + "\"unit\":\"chunks\",\"fraction\":" + (n * 0.4) + "}}"
                        : "{\"id\":\"job-1\",\"state\":\"SUCCEEDED\",\"progress\":{\"done\":10,\"total\":10,"
                                + "\"unit\":\"chunks\",\"fraction\":1.0},\"result\":{\"chunks\":10}}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            try {
                AdminClient client = new AdminClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "");
                ByteArrayOutputStream progress = new ByteArrayOutputStream();
                AdminClient.Response r = JobWatcher.await(client, new AdminClient.Response(202,
                        "{\"job\":{\"id\":\"job-1\",\"kind\":\"index_rebuild\"},\"poll\":\"/admin/jobs/job-1\"}"),
                        new PrintStream(progress, true, StandardCharsets.UTF_8), tty);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("{\"chunks\":10}");
                String shown = progress.toString(StandardCharsets.UTF_8);
                assertThat(shown).contains("index_rebuild RUNNING 40% (4 chunks of 10 chunks)",
                        "index_rebuild SUCCEEDED 100%");
                if (tty) {
                    assertThat(shown).contains("\r[############..................]", "\r[" + "#".repeat(30) + "]");
                } else {
                    assertThat(shown).doesNotContain("\r").contains("\nindex_rebuild RUNNING 80%");
                }
            } finally {
                server.stop(0);
            }
        }
    }

    private static void awaitFinished(AdminJobs.Job job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (job.state() != AdminJobs.State.SUCCEEDED && job.state() != AdminJobs.State.FAILED) {
            assertThat(System.nanoTime()).as("job %s unfinished", job.id()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
