#!/usr/bin/env bash
# Node benchmarks (icn-node-launcher: the whole super-node, run as an operator runs it, bin/icn-node):
#
#   1. NodeColdStartLoad  (load tool, child JVMs) fill a node storage directory with 140,000 chunks and their
#                         deals as the node's put leaves them, then time cold starts to RUNNING (median of 5),
#                         RSS and heap at RUNNING and settled, store-only starts, in-process SuperNode starts
#   1b. IngestLoad        (load tool) the node's ingest of a 50 MB chunk (CID, encode, fsync'd store, deal, chain
#                         state write) paired round by round with a raw write+fsync of the 70 MB it becomes
#   2. NodeSoak           (load tool, only with SOAK_MINUTES set) a node under mixed load (puts, QUIC and
#                         admin-path gets, audits, cleanups) for SOAK_MINUTES, heap after GC and RSS sampled
#                         every SOAK_SAMPLE_SECS, least-squares slopes; any error fails it
#
# Results in icn-benchmarks/target/results/node/ (ingest.txt, coldstart.txt, coldstart-table.md, soak/: samples.csv,
# summary.md, node.log, errors.txt; machine.txt). See docs/benchmarks.md, "Node".
#
# The whole run holds the JMH lock /tmp/jmh.lock (waiting for it first, polling every minute), so no
# other benchmark measures beside it and the jars are not rebuilt under a running node.
#
# Environment:
#   CHUNKS=n            chunks of the cold-start store (default 140000; the fill takes ~10 min on 2 cores)
#   STARTS=n            measured cold starts (default 5)
#   REUSE=dir           start from a directory a previous run kept (KEEP=1) instead of filling anew
#   KEEP=1              keep the filled directory (its path is printed; removing 140k chunks takes minutes)
#   SOAK_MINUTES=m      also run the soak for m minutes (e.g. 30); default: no soak
#   SOAK_SAMPLE_SECS=s  soak sample interval (default 60)
#   SKIP_BUILD=1        use the existing jars
#   JDK=dir             JDK of the load tools (default /usr/lib/jvm/java-17-openjdk-amd64, else java on PATH);
#                       the node itself runs on the JDK bin/icn-node picks (the newest >= 21)
#   LOAD_DIR=dir        where the node directories go (default /tmp; ~10 GB free needed for 140k chunks)
#   LOCK_WAIT=s         how long to wait for /tmp/jmh.lock (default 3600)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench-lib.sh
source "$HERE/bench-lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
OUT="$HERE/target/results/node"
JAR="$HERE/target/benchmarks.jar"
CHUNKS=${CHUNKS:-140000}
STARTS=${STARTS:-5}
LOAD_DIR=${LOAD_DIR:-/tmp}
LOCK_WAIT=${LOCK_WAIT:-3600}

JDK=${JDK:-$(bench_default_jdk)}
JAVA="$JDK/bin/java"

mkdir -p "$OUT"

# ---------------------------------------------------------------- 0. the JMH lock, held throughout
log "waiting for /tmp/jmh.lock (up to $LOCK_WAIT s, polling every minute)"
bench_jmh_lock "$LOCK_WAIT" 60 "held by another run; waiting"
[[ "$BENCH_LOCK_STATE" == locked ]] || { echo "could not take /tmp/jmh.lock ($BENCH_LOCK_STATE)" >&2; exit 1; }
log "holding /tmp/jmh.lock"

# ---------------------------------------------------------------- 1. build (package only: other worktrees share ~/.m2)
bench_build "$JDK" -q -pl icn-node-launcher,icn-benchmarks -am package -DskipTests
[[ -f "$ROOT/icn-node-launcher/target/icn-node.jar" ]] || { echo "missing icn-node.jar (run without SKIP_BUILD=1)" >&2; exit 1; }

# ---------------------------------------------------------------- machine
{
    bench_machine_basics
    echo "file system of $LOAD_DIR: $(df -hT "$LOAD_DIR" | awk 'NR==2 {print $2 " on " $1 ", " $5 " free"}')"
    echo "load tools: $("$JAVA" -version 2>&1 | sed -n 2p)"
    echo "node: $("$ROOT/bin/icn-node" --version 2>&1 | tail -n 1)"
    echo "icn-node.jar built: $(date -u -r "$ROOT/icn-node-launcher/target/icn-node.jar" '+%Y-%m-%d %H:%M:%S UTC')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# ---------------------------------------------------------------- 1b. ingest beside raw
log "IngestLoad (load average $(cut -d' ' -f1-3 /proc/loadavg))"
(cd "$ROOT" && "$JAVA" -Xmx2g -XX:+UseTransparentHugePages --add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 \
    -cp "$JAR" io.icn.node.IngestLoad --rounds 15 --warmup 3 --dir "$LOAD_DIR") > "$OUT/ingest.txt" 2>&1 \
    || echo "IngestLoad failed (exit $?); see $OUT/ingest.txt" >&2
grep -E '^\||^Target' "$OUT/ingest.txt" || true

# ---------------------------------------------------------------- 2. cold start
log "NodeColdStartLoad chunks=$CHUNKS starts=$STARTS in $LOAD_DIR (load average $(cut -d' ' -f1-3 /proc/loadavg))"
extra=()
[[ -n "${REUSE:-}" ]] && extra+=(--reuse "$REUSE")
[[ "${KEEP:-0}" == 1 ]] && extra+=(--keep true)
(cd "$ROOT" && "$JAVA" -Xmx512m -cp "$JAR" io.icn.benchmarks.node.NodeColdStartLoad --chunks "$CHUNKS" \
    --starts "$STARTS" --dir "$LOAD_DIR" --script "$ROOT/bin/icn-node" --lock-held-by-caller true \
    --out "$OUT/coldstart-table.md" "${extra[@]}") > "$OUT/coldstart.txt" 2>&1 \
    || echo "NodeColdStartLoad failed (exit $?); see $OUT/coldstart.txt" >&2
grep -v '^    |' "$OUT/coldstart.txt" | tail -n 25

# ---------------------------------------------------------------- 3. soak
if [[ -n "${SOAK_MINUTES:-}" ]]; then
    log "NodeSoak $SOAK_MINUTES min, a sample every ${SOAK_SAMPLE_SECS:-60} s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    (cd "$ROOT" && "$JAVA" -Xmx1g -cp "$JAR" io.icn.benchmarks.node.NodeSoak --minutes "$SOAK_MINUTES" \
        --sample-secs "${SOAK_SAMPLE_SECS:-60}" --dir "$LOAD_DIR" --script "$ROOT/bin/icn-node" \
        --lock-held-by-caller true --out "$OUT/soak") > "$OUT/soak.txt" 2>&1 \
        || echo "NodeSoak failed (exit $?); see $OUT/soak.txt and $OUT/soak/" >&2
    tail -n 40 "$OUT/soak.txt"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
log "done: results in $OUT"
