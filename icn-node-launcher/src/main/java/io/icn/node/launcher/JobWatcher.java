package io.icn.node.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The CLI's side of an admin job: after a command's {@code 202 {"job": ..., "poll": "/admin/jobs/<id>"}}, polls
 * the job until it ends, showing its progress on {@code out} (standard error): a bar redrawn in place on a
 * terminal, a plain line at each tenth of the way otherwise (a log file, a pipe). Then the job's outcome becomes
 * the command's answer: its result as a 200, or its error with the error's status.
 *
 * <p>Stateless; each call is confined to its thread.
 */
final class JobWatcher {
    private static final long POLL_MILLIS = 500;
    private static final int BAR = 30;

    private JobWatcher() {
    }

    /**
     * Polls the job of {@code accepted} to its end.
     *
     * @param tty whether {@code out} is a terminal (a bar redrawn with carriage returns)
     * @throws AdminClient.UnreachableException if the node goes away meanwhile
     */
    static AdminClient.Response await(AdminClient client, AdminClient.Response accepted, PrintStream out, boolean tty) {
        JsonNode body = Json.read(accepted.body());
        String poll = body.path("poll").asText("");
        if (poll.isEmpty()) {
            return accepted; // not a job: shown as it is
        }
        String id = body.path("job").path("id").asText();
        String kind = body.path("job").path("kind").asText();
        out.println(kind + ": job " + id + " started on the node (icn-node jobs " + id + " shows it)");
        int lastTenth = -1;
        boolean drawn = false;
        while (true) {
            AdminClient.Response r = client.get(poll);
            if (!r.ok()) {
                endLine(out, drawn);
                return r;
            }
            JsonNode job = Json.read(r.body());
            String state = job.path("state").asText();
            JsonNode progress = job.path("progress");
            String line = describe(kind, state, progress);
            double fraction = progress.path("fraction").asDouble(0);
            if (tty) {
                out.print("\r" + bar(fraction) + " " + line + "   ");
                out.flush();
                drawn = true;
            } else {
                int tenth = (int) Math.floor(fraction * 10);
                if (tenth != lastTenth) {
                    out.println(line);
                    lastTenth = tenth;
                }
            }
            if ("SUCCEEDED".equals(state)) {
                endLine(out, drawn);
                return new AdminClient.Response(200, Json.write(job.path("result")));
            }
            if ("FAILED".equals(state)) {
                endLine(out, drawn);
                JsonNode error = job.path("error");
                return new AdminClient.Response(error.path("status").asInt(500), Json.write(error));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                endLine(out, drawn);
                return new AdminClient.Response(500, "{\"error\":\"interrupted while waiting for job " + id
                        + "; it goes on on the node (icn-node jobs " + id + ")\"}");
            }
        }
    }

    private static void endLine(PrintStream out, boolean drawn) {
        if (drawn) {
            out.println();
        }
    }

    /** {@code verify RUNNING 41% (1.2 of 2.9 GiB)}. */
    static String describe(String kind, String state, JsonNode progress) {
        String unit = progress.path("unit").asText("");
        long done = progress.path("done").asLong(0);
        JsonNode total = progress.path("total");
        String amount;
        if (total.isNull() || total.isMissingNode()) {
            amount = unit.isEmpty() ? "" : " (" + amount(done, unit) + ")";
        } else {
            amount = " (" + amount(done, unit) + " of " + amount(total.asLong(), unit) + ")";
        }
        return String.format(Locale.ROOT, "%s %s %d%%%s", kind, state,
                Math.round(progress.path("fraction").asDouble(0) * 100), amount);
    }

    private static String amount(long n, String unit) {
        if ("bytes".equals(unit)) {
            return n >= (1L << 30) ? String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30))
                    : String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        return n + " " + unit;
    }

    /** {@code [##########....................]}. */
    static String bar(double fraction) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * BAR);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }
}
