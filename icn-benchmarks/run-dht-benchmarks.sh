#!/usr/bin/env bash
# DHT benchmarks (icn-p2p's Kademlia, load tools in io.icn.benchmarks.kad, simulated networks in one JVM):
#
#   1. DhtLookupLoad  FIND_NODE and GET_VALUE lookups in networks of 25..400 nodes: requests and latency per
#                     lookup beside log2 N; once with messages delivered at once, once with LATENCY_MS one way
#   2. RepublishLoad  one record sweep and one provider sweep of CHUNKS manifests held by one node among PEERS
#                     peers: wall time, requests, CPU of the publisher's threads, scaled to 140,000 chunks and to
#                     an hour of the default schedule (records hourly, providers every 12 h)
#   3. RepublishOverHostLoad  a record sweep of HOST_CHUNKS chunks over the real host (TCP, Noise, Yamux, a
#                     stream per request) among HOST_PEERS peers on 127.0.0.1: process CPU per request
#
# Results in icn-benchmarks/target/results/kad/ (lookups.txt, lookups-latency.txt, republish.txt, machine.txt).
# See docs/benchmarks.md, "DHT". The whole run holds the JMH lock /tmp/jmh.lock (waiting for it first).
#
# Environment:
#   NODES=list      network sizes of the lookups (default 25,50,100,200,400)
#   LOOKUPS=n       measured lookups of each kind per size (default 300)
#   LATENCY_MS=ms   one-way message delay of the second lookup run (default 5)
#   CHUNKS=n        chunks of the republish sweep (default 20000; each costs ~60 KB of the simulated peers' heap)
#   PEERS=n         other nodes of the republish network (default 200)
#   HOST_CHUNKS=n   chunks of the sweep over the host (default 1000)
#   HOST_PEERS=n    peers of the sweep over the host (default 30)
#   SKIP_BUILD=1    use the existing jar
#   JDK=dir         JDK of the load tools (default /usr/lib/jvm/java-17-openjdk-amd64, else java on PATH)
#   LOCK_WAIT=s     how long to wait for /tmp/jmh.lock (default 3600)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench-lib.sh
source "$HERE/bench-lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
OUT="$HERE/target/results/kad"
JAR="$HERE/target/benchmarks.jar"
NODES=${NODES:-25,50,100,200,400}
LOOKUPS=${LOOKUPS:-300}
LATENCY_MS=${LATENCY_MS:-5}
CHUNKS=${CHUNKS:-20000}
PEERS=${PEERS:-200}
LOCK_WAIT=${LOCK_WAIT:-3600}
JDK=${JDK:-$(bench_default_jdk)}
JAVA="$JDK/bin/java"

mkdir -p "$OUT"

log "waiting for /tmp/jmh.lock (up to $LOCK_WAIT s, polling every minute)"
bench_jmh_lock "$LOCK_WAIT" 60 "held by another run; waiting"
[[ "$BENCH_LOCK_STATE" == locked ]] || { echo "could not take /tmp/jmh.lock ($BENCH_LOCK_STATE)" >&2; exit 1; }
log "holding /tmp/jmh.lock"

bench_build "$JDK" -q -pl icn-benchmarks -am package -DskipTests

{
    bench_machine_basics
    echo "java: $("$JAVA" -version 2>&1 | sed -n 2p)"
    echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet 2>/dev/null || echo ' (with local changes)')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

log "DhtLookupLoad, no message delay"
"$JAVA" -Xmx2g -cp "$JAR" io.icn.benchmarks.kad.DhtLookupLoad --nodes "$NODES" --lookups "$LOOKUPS" --latency-ms 0 \
    | tee "$OUT/lookups.txt"
echo "load average after lookups: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

log "DhtLookupLoad, $LATENCY_MS ms one way"
"$JAVA" -Xmx2g -cp "$JAR" io.icn.benchmarks.kad.DhtLookupLoad --nodes "$NODES" --lookups "$((LOOKUPS / 3))" \
    --latency-ms "$LATENCY_MS" | tee "$OUT/lookups-latency.txt"
echo "load average after delayed lookups: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

log "RepublishLoad, $CHUNKS chunks, $PEERS peers"
"$JAVA" -Xmx8g -cp "$JAR" io.icn.benchmarks.kad.RepublishLoad --chunks "$CHUNKS" --peers "$PEERS" | tee "$OUT/republish.txt"
echo "load average after RepublishLoad: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

log "RepublishOverHostLoad, ${HOST_CHUNKS:-1000} chunks, ${HOST_PEERS:-30} peers, over the host"
"$JAVA" -Xmx2g -cp "$JAR" io.icn.benchmarks.kad.RepublishOverHostLoad --chunks "${HOST_CHUNKS:-1000}" \
    --peers "${HOST_PEERS:-30}" | tee "$OUT/republish-host.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
log "results in $OUT"
