#!/usr/bin/env bash
# Shard-store benchmarks (icn-storage-core), each beside its baseline in the same run:
#
#   1. ShardStoreBenchmark   random 64 KiB range / whole 5 MB shard reads (hot-shard cache, page cache,
#                            zero-copy region) beside plain FileChannel reads and heap copies: P50/P99
#   2. ChunkPutBenchmark     fsync'd 50 MB chunk put beside raw write+fsync of the same 14 files
#      ChunkPutLoad          (load tool) the same put paired round by round with raw14 (the 14 files) and
#                            raw1 (one 70 MB file): the ratio the target is judged on
#   3. StorageUsageBenchmark usage() on stores of 1k..100k chunks beside a volatile-snapshot floor
#   4. StoreStartupLoad      (load tool, child JVMs) fill 10k/50k/140k-chunk stores, time startup on the
#                            checkpoint and journal-replay paths, index heap, index and disk size,
#                            beside a raw read of the index files and a Files.walk of the shard tree
#
# Results in icn-benchmarks/target/results/storage/ (jmh-*.json|txt, startup.txt, startup-table.md,
# storage-table.md, machine.txt). See docs/benchmarks.md, "Storage".
#
# The whole run holds the JMH lock /tmp/jmh.lock (waiting for it first, polling every minute), so no
# other JMH run measures beside it and the jar is not rebuilt under a running benchmark; JMH itself is
# then started with -Djmh.ignoreLock=true.
#
# Environment:
#   QUICK=1        shorter JMH runs, usage on 1k/10k chunks, load tool on 10k chunks only (~7 min);
#                  the full run takes ~25 min on 2 cores
#   SKIP_BUILD=1   use the existing target/benchmarks.jar
#   JDK=dir        default /usr/lib/jvm/java-17-openjdk-amd64 (else the java on PATH)
#   JMH_ARGS=...   extra JMH options for every class
#   BENCH=regex    which JMH classes to run (bash regex on the class name), default all
#   SIZES=a,b,c    load tool sizes (default 10000,50000,140000; QUICK: 10000)
#   LOAD_DIR=dir   where the load tool makes its stores (default /tmp; ~10 GB free needed for 140k)
#   LOCK_WAIT=s    how long to wait for /tmp/jmh.lock (default 3600)
#   RUN_TIMEOUT=s  bound on each JMH class run (default 900, QUICK 400); the load tool gets 3x
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench-lib.sh
source "$HERE/bench-lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
OUT="$HERE/target/results/storage"
JAR="$HERE/target/benchmarks.jar"
QUICK=${QUICK:-0}
BENCH=${BENCH:-.}
JMH_ARGS=${JMH_ARGS:-}
LOAD_DIR=${LOAD_DIR:-/tmp}
LOCK_WAIT=${LOCK_WAIT:-3600}

JDK=${JDK:-$(bench_default_jdk)}
JAVA="$JDK/bin/java"

if [[ "$QUICK" == 1 ]]; then
    READ_TIMING=(-wi 1 -i 3 -w 1s -r 2s)
    PUT_TIMING=(-wi 2 -i 6)
    PUT_ROUNDS=9
    USAGE_TIMING=(-wi 1 -i 2 -p chunks=1000,10000)
    SIZES=${SIZES:-10000}
    OPENS=2
    RUN_TIMEOUT=${RUN_TIMEOUT:-400}
else
    READ_TIMING=()          # the annotations: 2 x 2 s warm-up, 5 x 2 s (whole shards 5 x 6 s) measurement, >= 10,000 samples
    PUT_TIMING=()           # 3 warm-up, 12 measured single shots
    PUT_ROUNDS=21
    USAGE_TIMING=()         # 1k, 10k, 100k chunks
    SIZES=${SIZES:-10000,50000,140000}
    OPENS=3
    RUN_TIMEOUT=${RUN_TIMEOUT:-900}
fi

mkdir -p "$OUT"

# ---------------------------------------------------------------- 0. the JMH lock, held throughout
log "waiting for /tmp/jmh.lock (up to $LOCK_WAIT s, polling every minute)"
bench_jmh_lock "$LOCK_WAIT" 60 "held by another run; waiting"
[[ "$BENCH_LOCK_STATE" == locked ]] || { echo "could not take /tmp/jmh.lock ($BENCH_LOCK_STATE)" >&2; exit 1; }
log "holding /tmp/jmh.lock"

# ---------------------------------------------------------------- 1. build
bench_build "$JDK" -q -pl icn-benchmarks -am package -DskipTests

# ---------------------------------------------------------------- machine
{
    bench_machine_basics
    echo "file system of $LOAD_DIR and java.io.tmpdir: $(df -T "$LOAD_DIR" | awk 'NR==2 {print $2 " on " $1 ", " $5 " free"}')"
    echo "java: $("$JAVA" -version 2>&1 | sed -n 2p)"
    echo "benchmarks.jar built: $(date -u -r "$JAR" '+%Y-%m-%d %H:%M:%S UTC')"
    echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet 2>/dev/null || echo ' (with local changes)')"
    echo "mode: $([[ "$QUICK" == 1 ]] && echo QUICK || echo full)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# ---------------------------------------------------------------- 2. JMH
run_jmh() {   # class timing...
    local cls=$1; shift
    [[ "$cls" =~ $BENCH ]] || return 0
    log "JMH $cls (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    rm -f "$OUT/jmh-$cls.json" "$OUT/jmh-$cls.txt"
    echo "load average before $cls: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
    # shellcheck disable=SC2086 # JMH_ARGS is split on purpose
    timeout "$RUN_TIMEOUT" "$JAVA" -Djmh.ignoreLock=true -jar "$JAR" "io\\.icn\\.benchmarks\\.storage\\.$cls\\." \
        "$@" -rf json -rff "$OUT/jmh-$cls.json" -o "$OUT/jmh-$cls.txt" $JMH_ARGS \
        || echo "JMH $cls failed or timed out (exit $?); see $OUT/jmh-$cls.txt" >&2
    grep -E "^$cls\\.[A-Za-z]+ |p0\\.(50|99)0* " "$OUT/jmh-$cls.txt" | head -n 60 || true
}
run_jmh ShardStoreBenchmark "${READ_TIMING[@]}"
run_jmh ChunkPutBenchmark "${PUT_TIMING[@]}"
run_jmh StorageUsageBenchmark "${USAGE_TIMING[@]}"
run_jmh AuditLocateBenchmark

if [[ "ShardLocateLoad" =~ $BENCH ]]; then
    log "ShardLocateLoad (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "load average before ShardLocateLoad: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
    timeout "$RUN_TIMEOUT" "$JAVA" -Xms4g -Xmx4g -cp "$JAR" io.icn.benchmarks.storage.ShardLocateLoad \
        140000 3 true > "$OUT/locate.txt" 2>&1 \
        || echo "ShardLocateLoad failed or timed out (exit $?); see $OUT/locate.txt" >&2
    tail -n 4 "$OUT/locate.txt"
fi

if [[ "ChunkPutLoad" =~ $BENCH ]]; then
    log "ChunkPutLoad in $LOAD_DIR (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "load average before ChunkPutLoad: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
    timeout "$RUN_TIMEOUT" "$JAVA" -Xms1g -Xmx2g -cp "$JAR" io.icn.benchmarks.storage.ChunkPutLoad \
        --rounds "$PUT_ROUNDS" --dir "$LOAD_DIR" > "$OUT/put-paired.txt" 2>&1 \
        || echo "ChunkPutLoad failed or timed out (exit $?); see $OUT/put-paired.txt" >&2
    tail -n 10 "$OUT/put-paired.txt"
fi

# ---------------------------------------------------------------- 3. load tool
if [[ "StoreStartupLoad" =~ $BENCH ]]; then
    log "StoreStartupLoad sizes=$SIZES in $LOAD_DIR (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "load average before StoreStartupLoad: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
    timeout $((RUN_TIMEOUT * 3)) "$JAVA" -Xmx512m -cp "$JAR" io.icn.benchmarks.storage.StoreStartupLoad \
        --sizes "$SIZES" --dir "$LOAD_DIR" --opens "$OPENS" --lock-held-by-caller true \
        --child-timeout "$RUN_TIMEOUT" --out "$OUT/startup-table.md" > "$OUT/startup.txt" 2>&1 \
        || echo "StoreStartupLoad failed or timed out (exit $?); see $OUT/startup.txt" >&2
    tail -n 8 "$OUT/startup.txt"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

# ---------------------------------------------------------------- 4. the table
log "ratio table: $OUT/storage-table.md"
python3 - "$OUT" > "$OUT/storage-table.md" <<'PY'
import json, os, statistics, sys

out = sys.argv[1]

def load(cls):
    p = os.path.join(out, "jmh-%s.json" % cls)
    try:
        return json.load(open(p))
    except (OSError, ValueError):
        print("(no complete result for %s)" % cls)
        print()
        return []

def method(r):
    return r["benchmark"].rsplit(".", 1)[1]

# ------------------------------------------------ reads
reads = {method(r): r for r in load("ShardStoreBenchmark")}
PAIRS = [  # (what, store method, baseline method, baseline description, goal)
    ("64 KiB range, hot-shard cache", "rangeStoreCached", "rangeHeapCopy", "heap array copy", "cached"),
    ("64 KiB range, page cache (cache off)", "rangeStorePageCache", "rangeFileChannel", "FileChannel open+read+close", "page"),
    ("whole 5 MB shard, hot-shard cache", "shardStoreCached", "shardHeapCopy", "heap array clone", "cached"),
    ("whole 5 MB shard, hot-shard cache, readShardView (no copy)", "shardViewStoreCached", "shardHeapCopy", "heap array clone", "cached"),
    ("whole 5 MB shard, page cache (cache off)", "shardStorePageCache", "shardFileChannel", "FileChannel open+read+close", "page"),
    ("whole 5 MB shard, openRegion+transferTo(/dev/null)", "shardRegionStore", "shardRegionFileChannel", "FileChannel open+transferTo", "page"),
]
def pct(r, p):
    return r["primaryMetric"]["scorePercentiles"][p]
if reads:
    print("Random reads, one thread, JMH SampleTime (µs). Seed target: P50 < 50 ms, P99 < 100 ms; goal: P99 < 1 ms.")
    print()
    print("| read | path | samples | P50 µs | P99 µs | P99.9 µs | max µs | P50 / baseline | P99 / baseline | P99 < 100 ms | P99 < 1 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for what, sm, bm, bdesc, goal in PAIRS:
        s, b = reads.get(sm), reads.get(bm)
        for name, r, base in (("store `%s`" % sm, s, b), ("baseline: %s" % bdesc, b, None)):
            if not r:
                continue
            h = r["primaryMetric"].get("rawDataHistogram")
            n = sum(int(c) for fork in h for it in fork for v, c in it) if h else "-"
            p50, p99 = pct(r, "50.0"), pct(r, "99.0")
            r50 = "%.2f" % (p50 / pct(base, "50.0")) if base else "1"
            r99 = "%.2f" % (p99 / pct(base, "99.0")) if base else "1"
            print("| %s | %s | %s | %.1f | %.1f | %.1f | %.0f | %s | %s | %s | %s |" % (
                what, name, n, p50, p99, pct(r, "99.9"), pct(r, "100.0"), r50, r99,
                "yes" if p99 < 100_000 else "**no**", "yes" if p99 < 1000 else "**no**"))
    print()

# ------------------------------------------------ put
put = {}
for r in load("ChunkPutBenchmark"):
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    put[method(r)] = (statistics.median(raw), min(raw), max(raw), len(raw))
if put:
    print("50 MB chunk put (14 x 5,000,000-byte shards), JMH SingleShotTime (ms), one put per iteration:")
    print()
    print("| operation | n | median ms | min ms | max ms | MB/s (70 MB) | x raw write+fsync |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    raw_med = put.get("rawWriteFsync", (None,))[0]
    names = {"putChunkFsync": "store `putChunk`, FSYNC", "rawWriteFsync": "baseline: 14 files write+force, dir force",
             "hashOnly": "component: SHA-256 + Merkle root of 14 shards"}
    for m in ("putChunkFsync", "rawWriteFsync", "hashOnly"):
        if m in put:
            med, lo, hi, n = put[m]
            print("| %s | %d | %.0f | %.0f | %.0f | %.0f | %s |" % (names[m], n, med, lo, hi, 70e6 / 1e6 / (med / 1e3),
                  "%.2f" % (med / raw_med) if raw_med else "-"))
    if raw_med and "putChunkFsync" in put:
        x = put["putChunkFsync"][0] / raw_med
        print()
        print("Target put <= 1.3 x raw: %.2f x, %s" % (x, "met" if x <= 1.3 else "**not met**"))
    print()

# ------------------------------------------------ usage
usage = load("StorageUsageBenchmark")
if usage:
    print("`usage()`, JMH AverageTime (ns/op):")
    print()
    print("| chunks in store | `usage()` ns | ± | baseline (volatile snapshot + new StorageUsage) ns | x baseline | < 1 µs |")
    print("|---:|---:|---:|---:|---:|---|")
    by = {}
    for r in usage:
        by.setdefault(int(r["params"]["chunks"]), {})[method(r)] = r["primaryMetric"]
    for n in sorted(by):
        u, b = by[n].get("usage"), by[n].get("volatileSnapshotBaseline")
        if u:
            print("| %d | %.1f | %.1f | %s | %s | %s |" % (n, u["score"], float(u["scoreError"] or 0),
                  "%.1f" % b["score"] if b else "-", "%.2f" % (u["score"] / b["score"]) if b else "-",
                  "yes" if u["score"] < 1000 else "**no**"))
    print()

# ------------------------------------------------ startup
p = os.path.join(out, "put-paired.txt")
if os.path.exists(p):
    lines = open(p).read().splitlines()
    table = [l for l in lines if l.startswith("|") or l.startswith("Target")]
    if table:
        print("The same put paired round by round with its raw baselines (ChunkPutLoad), the figures the target is judged on:")
        print()
        print("\n".join(table))
        print()

p = os.path.join(out, "startup-table.md")
if os.path.exists(p):
    print("Startup (StoreStartupLoad, fresh child JVMs, -Xmx1g). Targets: 140k chunks open < 3 s, index heap < 500 MB.")
    print()
    print(open(p).read())
PY
cat "$OUT/storage-table.md"
log "done: results in $OUT"
