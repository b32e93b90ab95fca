#!/usr/bin/env bash
# Erasure-coding benchmarks: RS(10,4) over a 50 MB chunk (10 x 5,000,000-byte shards).
#
#   1. builds icn-benchmarks (and the modules it needs) into target/benchmarks.jar
#   2. installs Debian's ISA-L if missing, compiles native/isal_bench.c and runs it (single thread)
#   3. runs the JMH suite io.icn.benchmarks.erasure on JDK 17 and on Temurin JDK 25 (skipped with a
#      message if absent), with -prof gc, one JMH invocation and JSON file per JDK and class
#   4. writes the ratio table (GB/s, x Hadoop, x ISA-L, x memcpy, targets, allocation)
#
# Everything lands in icn-benchmarks/target/results/. See docs/benchmarks.md, "Erasure coding".
#
# Environment:
#   QUICK=1       1 warm-up + 2 measurement iterations of 1 s, fewer ISA-L runs (~8 min in all on
#                 2 cores); the default full run takes ~20-25 min on 2 cores
#   SKIP_BUILD=1  use the existing target/benchmarks.jar
#   RESULTS_DIR=d write results there instead of icn-benchmarks/target/results
#   JDK17=dir     default /usr/lib/jvm/java-17-openjdk-amd64 (else the java on PATH)
#   JDK25=dir     default the first /usr/lib/jvm/temurin-25*
#   JMH_ARGS=...  extra JMH options, e.g. JMH_ARGS='-p kernel=vector-256,vector-512'
#   BENCH=regex   which classes to run (bash regex on io.icn.benchmarks.erasure.<Class>.), default all
#   RUN_TIMEOUT=s bound on each class's JMH run, default 900 (QUICK: 400)
#   LOCK_WAIT=s   how long to wait for another benchmark run holding /tmp/jmh.lock, default 3600
#   JDKS=list     which JDK sets to run, default "jdk17 jdk25"; one at a time (JDKS=jdk25) keeps each
#                 hold of the lock short on a shared machine (RESULTS_DIR per set, then read both)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench-lib.sh
source "$HERE/bench-lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
OUT=${RESULTS_DIR:-$HERE/target/results}
JAR="$HERE/target/benchmarks.jar"
QUICK=${QUICK:-0}
BENCH=${BENCH:-io.icn.benchmarks.erasure.}
JMH_ARGS=${JMH_ARGS:-}
LOCK_WAIT=${LOCK_WAIT:-3600}

JDK17=${JDK17:-$(bench_default_jdk)}
if [[ -z "${JDK25:-}" ]]; then
    JDK25=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -n 1 || true)
fi

if [[ "$QUICK" == 1 ]]; then
    JMH_TIMING=(-wi 1 -i 2 -w 1s -r 1s)
    ISAL_RUNS=(7 2)
    RUN_TIMEOUT=${RUN_TIMEOUT:-400}
else
    JMH_TIMING=()          # the @Warmup/@Measurement/@Fork of the benchmark classes
    ISAL_RUNS=(21 5)
    RUN_TIMEOUT=${RUN_TIMEOUT:-900}
fi

log() { printf '\n=== %s\n' "$*"; }   # this script's section lines carry no time
mkdir -p "$OUT"

# ---------------------------------------------------------------- 1. build
bench_build "$JDK17" -q -DskipTests package -pl icn-benchmarks -am

# ---------------------------------------------------------------- machine
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
    echo "cores: $(nproc)"
    echo "flags of interest: $(grep -o -w -E 'avx2|avx512f|avx512bw|avx512vbmi|gfni|vpclmulqdq' /proc/cpuinfo | sort -u | tr '\n' ' ')"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
    echo "benchmarks.jar built: $(date -u -r "$JAR" '+%Y-%m-%d %H:%M:%S UTC')"
    erasure_jar=$(ls "$HOME"/.m2/repository/io/icn/icn-erasure/*/icn-erasure-*.jar 2>/dev/null | head -n 1 || true)
    if [[ -n "$erasure_jar" ]]; then
        echo "icn-erasure jar in ~/.m2: $(date -u -r "$erasure_jar" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$erasure_jar" | cut -c1-16)"
    fi
    echo "mode: $([[ "$QUICK" == 1 ]] && echo QUICK || echo full)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# ---------------------------------------------------------------- exclusive use of the machine
# JMH's own lock, /tmp/jmh.lock (a POSIX record lock), held from here to the end, ISA-L included,
# so that no other benchmark run that honours it measures beside this one (the JMH runs below then
# pass -Djmh.ignoreLock=true, the lock being ours). Waits up to LOCK_WAIT seconds for a holder.
bench_jmh_lock "$LOCK_WAIT" 30 "another benchmark run holds /tmp/jmh.lock; waiting"
[[ "$BENCH_LOCK_STATE" == locked ]] || { echo "could not take /tmp/jmh.lock within $LOCK_WAIT s" >&2; exit 1; }

# ---------------------------------------------------------------- 2. ISA-L
if [[ ! -f /usr/include/isa-l/erasure_code.h ]]; then
    log "installing libisal-dev (Debian's ISA-L)"
    SUDO=""
    [[ $(id -u) == 0 ]] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libisal-dev
fi
log "ISA-L: gcc -O2 native/isal_bench.c -lisal; ${ISAL_RUNS[0]} runs after ${ISAL_RUNS[1]} warm-up"
echo "libisal: $(dpkg-query -W -f='${Version}' libisal-dev 2>/dev/null || pkg-config --modversion libisal)" >> "$OUT/machine.txt"
gcc -O2 -Wall -Wextra -o "$HERE/target/isal_bench" "$HERE/native/isal_bench.c" -lisal
timeout 300 "$HERE/target/isal_bench" 5000000 "${ISAL_RUNS[@]}" | tee "$OUT/isal.txt"

# ---------------------------------------------------------------- 3. JMH per JDK
# One JMH invocation per class, each with its own JSON, so that a run cut short by the time bound
# loses one class, not the whole JDK. Baselines and the peer run first, beside the coder classes.
CLASSES=(MemoryBaselineBenchmark HadoopRsBenchmark ErasureEncodeBenchmark ErasureReconstructBenchmark
         ErasureWholeChunkBenchmark PlainJvmErasureEncodeBenchmark PlainJvmErasureReconstructBenchmark
         PlainJvmErasureWholeChunkBenchmark ParallelEncodeBenchmark ErasureAllocationBenchmark)
run_jmh() {   # name jdk-dir
    local name=$1 jdk=$2 cls
    # ISA-L again right before this JDK's set, so that its ratios compare runs under the same load
    timeout 300 "$HERE/target/isal_bench" 5000000 "${ISAL_RUNS[@]}" > "$OUT/isal-$name.txt"
    log "JMH on $name: $("$jdk/bin/java" -version 2>&1 | head -n 1) (ISA-L just before: $(awk '$1 == "isal" {printf "%s %s ", $2, $3}' "$OUT/isal-$name.txt"))"
    echo "$name: $("$jdk/bin/java" -version 2>&1 | sed -n 2p)" >> "$OUT/machine.txt"
    for cls in "${CLASSES[@]}"; do
        [[ "io.icn.benchmarks.erasure.$cls." =~ $BENCH ]] || continue
        jmh_class "$name" "$jdk" "$cls" \
            || echo "JMH $cls on $name failed or timed out (exit $?); see $OUT/jmh-$name-$cls.txt" >&2
        grep -E '^[A-Za-z]+Benchmark\.[A-Za-z]+ ' "$OUT/jmh-$name-$cls.txt" || true
    done
}

jmh_class() {   # name jdk-dir class
    local name=$1 jdk=$2 cls=$3 rc=0
    echo "--- $cls ($(date -u +%H:%M:%S))"
    # shellcheck disable=SC2086 # JMH_ARGS is split on purpose
    timeout "$RUN_TIMEOUT" "$jdk/bin/java" -Djmh.ignoreLock=true -jar "$JAR" \
        "io\\.icn\\.benchmarks\\.erasure\\.$cls\\." "${JMH_TIMING[@]}" -prof gc \
        -rf json -rff "$OUT/jmh-$name-$cls.json" -o "$OUT/jmh-$name-$cls.txt" $JMH_ARGS \
        2> "$OUT/jmh-$name-$cls.err" || rc=$?
    grep -v -e '^WARNING: Using incubator modules' -e 'erasure kernel' -e 'Kernels' "$OUT/jmh-$name-$cls.err" >&2 || true
    return "$rc"
}

JDKS=${JDKS:-jdk17 jdk25}
rm -f "$OUT"/jmh-*.json "$OUT"/jmh-*.txt "$OUT"/jmh-*.err "$OUT"/isal-jdk*.txt
if [[ " $JDKS " == *" jdk17 "* ]]; then
    run_jmh jdk17 "$JDK17"
fi
if [[ " $JDKS " == *" jdk25 "* ]]; then
    if [[ -n "$JDK25" && -x "$JDK25/bin/java" ]]; then
        run_jmh jdk25 "$JDK25"
    else
        echo "JDK 25 not found under /usr/lib/jvm/temurin-25* (set JDK25=dir); skipping the JDK 25 run" >&2
    fi
fi

# ---------------------------------------------------------------- 4. the table
log "ratio table: $OUT/erasure-table.md"
python3 - "$OUT" > "$OUT/erasure-table.md" <<'PY'
import json, statistics, sys, glob, os

out = sys.argv[1]
DATA_BYTES = 50_000_000           # 10 data shards x 5,000,000 bytes: one chunk per operation
GB = DATA_BYTES / 1e9             # ops/s -> GB/s

rows = []                          # dicts: jdk, coder, op, buffer, mean, err, median, alloc
allocs = []                        # (jdk, kernel, op, buffer, shard size, B/op) of ErasureAllocationBenchmark
for path in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
    jdk = os.path.basename(path).split("-")[1].split(".")[0]    # jmh-<jdk>[-<class>].json
    try:
        results = json.load(open(path))
    except ValueError:
        print("skipping %s: no complete JMH result (timed out?)" % path, file=sys.stderr)
        continue
    for r in results:
        cls, method = r["benchmark"].split(".")[-2:]
        p = r.get("params", {})
        pm = r["primaryMetric"]
        its = [x for fork in pm["rawData"] for x in fork]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        buf = p.get("buffer", "-")
        if cls == "ErasureAllocationBenchmark":
            allocs.append((jdk, p["kernel"], method, buf, p["shardSize"], alloc))
            continue
        plain = cls.startswith("PlainJvm")          # the fork with only --add-modules
        if plain:
            cls = cls[len("PlainJvm"):]
        jvm = " plain JVM" if plain else ""
        if cls == "ErasureEncodeBenchmark":
            coder, op = "icn " + p["kernel"] + jvm, "encode"
        elif cls == "ErasureReconstructBenchmark":
            coder, op = "icn " + p["kernel"] + jvm, "reconstruct " + p["missing"]
        elif cls == "ErasureWholeChunkBenchmark":
            coder = "icn " + p["kernel"] + jvm
            op = {"encode": "encode(byte[])", "decodeFourDataLost": "decode(byte[][]) d0+d1+d2+d3"}[method]
        elif cls == "ParallelEncodeBenchmark":
            coder, op = "icn " + p["kernel"] + " x2 threads", "encode"
        elif cls == "HadoopRsBenchmark":
            coder = "Hadoop RS (pure Java)"
            op = {"encode": "encode", "reconstructTwoDataTwoParity": "reconstruct d0+d1+p0+p1",
                  "reconstructFourData": "reconstruct d0+d1+d2+d3"}[method]
        elif cls == "MemoryBaselineBenchmark":
            coder, op = {"memoryCopy": ("memory copy 50 MB", "copy"),
                         "noopCoder": ("no-op coder", "encode")}[method]
        else:
            continue
        err = float(pm.get("scoreError") or 0)   # JMH writes "NaN" below two iterations
        err = 0.0 if err != err else err * GB
        rows.append(dict(jdk=jdk, coder=coder, op=op, buffer=buf, mean=pm["score"] * GB, err=err,
                         median=statistics.median(its) * GB, n=len(its), alloc=alloc))

def read_isal(path):
    figures = {}
    if os.path.exists(path):
        for line in open(path):
            f = line.split()
            if f and f[0] == "isal":
                figures[f[1].replace("reconstruct-", "reconstruct ")] = float(f[2])
    return figures

isal = read_isal(os.path.join(out, "isal.txt"))
# ISA-L run again right before each JDK's set (isal-<jdk>.txt): the ratios of that JDK use it
isal_by_jdk = {os.path.basename(p)[5:-4]: read_isal(p) for p in glob.glob(os.path.join(out, "isal-jdk*.txt"))}
def isal_for(jdk, op):
    return isal_by_jdk.get(jdk, {}).get(op) or isal.get(op)

def find(jdk, coder, op, buf):
    for r in rows:
        if r["jdk"] == jdk and r["coder"] == coder and r["op"] == op and r["buffer"] == buf:
            return r
    return None

def ref_op(op):
    if op.startswith("decode"):
        return "reconstruct " + op.split()[-1]
    return op if op.startswith("reconstruct") else "encode"

def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"

def gbps(x):
    return "%.0f" % x if x >= 1000 else "%.3g" % x

order = {"encode": 0, "encode(byte[])": 1, "reconstruct d0+d1+p0+p1": 2, "reconstruct d0+d1+d2+d3": 3,
         "decode(byte[][]) d0+d1+d2+d3": 4, "copy": 5}
def coder_key(c):
    if c.startswith("icn"):
        return (0, "x2" in c, c)
    return (1, c)
rows.sort(key=lambda r: (r["jdk"], order.get(r["op"], 9), r["buffer"], coder_key(r["coder"])))

print("| JDK | coder | operation | buffer | GB/s median | GB/s mean ± 99.9% | x Hadoop | x ISA-L | x memcpy |")
print("|---|---|---|---|---:|---:|---:|---:|---:|")
for r in rows:
    h = find(r["jdk"], "Hadoop RS (pure Java)", ref_op(r["op"]), r["buffer"])
    m = find(r["jdk"], "memory copy 50 MB", "copy", r["buffer"])
    i = isal_for(r["jdk"], ref_op(r["op"]))
    print("| %s | %s | %s | %s | %s | %s ± %s | %s | %s | %s |" % (
        r["jdk"], r["coder"], r["op"], r["buffer"], gbps(r["median"]), gbps(r["mean"]), "%.2g" % r["err"],
        ratio(r["median"], h["median"]) if h else "-", ratio(r["median"], i) if i else "-",
        ratio(r["median"], m["median"]) if m else "-"))
for op, v in isal.items():
    print("| native | ISA-L (C, 1 thread) | %s | malloc, 64-B aligned | %.3g | - | - | 1.00 | - |" % (op, v))
for jdk, figures in sorted(isal_by_jdk.items()):
    for op, v in figures.items():
        print("| native, before %s | ISA-L (C, 1 thread) | %s | malloc, 64-B aligned | %.3g | - | - | 1.00 | - |" % (
            jdk, op, v))

# ------------------------------------------------ what an embedder gets: plain JVM against the node's flags
print()
print("| target | JDK | buffer | measured (medians) | met? |")
print("|---|---|---|---|---|")
def target_row(what, jdk, buf, coder, op, ref, goal):
    r = find(jdk, coder, op, buf)
    if not r or not ref:
        return
    x = r["median"] / ref
    print("| %s | %s | %s | %s %s %.2f GB/s / %.2f = %.2fx | %s |" % (
        what, jdk, buf, coder, op, r["median"], ref, x, "yes" if x >= goal else "**no**"))
for jdk in sorted({r["jdk"] for r in rows}):
    for buf in ("heap", "direct"):
        for k in ("vector-512", "vector-256"):
            e = isal_for(jdk, "encode")
            rec = isal_for(jdk, "reconstruct d0+d1+d2+d3")
            target_row("plain JVM encode >= 0.9x ISA-L", jdk, buf, "icn %s plain JVM" % k, "encode", e, 0.9)
            target_row("plain JVM reconstruct of 4 >= 0.9x ISA-L", jdk, buf, "icn %s plain JVM" % k,
                       "reconstruct d0+d1+d2+d3", rec, 0.9)
            target_row("node's flags encode >= 1.0x ISA-L", jdk, buf, "icn %s" % k, "encode", e, 1.0)
            target_row("node's flags reconstruct of 4 >= 1.0x ISA-L", jdk, buf, "icn %s" % k,
                       "reconstruct d0+d1+d2+d3", rec, 1.0)
    for k in ("vector-512", "vector-256"):
        for jvm in ("", " plain JVM"):
            coder = "icn %s%s" % (k, jvm)
            inplace = find(jdk, coder, "encode", "heap")
            target_row("encode(byte[]) >= 2/3 of in-place", jdk, "heap", coder, "encode(byte[])",
                       inplace["median"] if inplace else None, 2 / 3)
            inplace = find(jdk, coder, "reconstruct d0+d1+d2+d3", "heap")
            target_row("decode(byte[][]) within 1.5x of in-place", jdk, "heap", coder,
                       "decode(byte[][]) d0+d1+d2+d3", inplace["median"] if inplace else None, 1 / 1.5)

# ------------------------------------------------ targets
print()
print("| target | JDK | buffer | measured (medians) | met? |")
print("|---|---|---|---|---|")
jdks = sorted({r["jdk"] for r in rows})
simd = ["icn vector-128", "icn vector-256", "icn vector-512"]
def best(jdk, op, buf, coders):
    c = [r for r in (find(jdk, k, op, buf) for k in coders) if r]
    return max(c, key=lambda r: r["median"]) if c else None
for jdk in jdks:
    goal = 8.0 if jdk == "jdk17" else 9.5
    for buf in ("heap", "direct"):
        e = best(jdk, "encode", buf, simd)
        if e:
            print("| SIMD encode >= %.1f GB/s | %s | %s | %s: %.2f GB/s | %s |" % (
                goal, jdk, buf, e["coder"], e["median"], "yes" if e["median"] >= goal else "**no**"))
        recs = [best(jdk, "reconstruct " + p, buf, simd) for p in ("d0+d1+p0+p1", "d0+d1+d2+d3")]
        recs = [x for x in recs if x]
        if recs:
            w = min(recs, key=lambda r: r["median"])
            print("| SIMD reconstruct >= %.1f GB/s | %s | %s | worst pattern %s, %s: %.2f GB/s | %s |" % (
                goal, jdk, buf, w["op"].split()[1], w["coder"], w["median"],
                "yes" if w["median"] >= goal else "**no**"))
        s = find(jdk, "icn scalar", "encode", buf)
        if s:
            print("| scalar encode >= 1.2 GB/s | %s | %s | %.2f GB/s | %s |" % (
                jdk, buf, s["median"], "yes" if s["median"] >= 1.2 else "**no**"))
        h = find(jdk, "Hadoop RS (pure Java)", "encode", buf)
        if e and h:
            x = e["median"] / h["median"]
            print("| best encode >= 20x Hadoop | %s | %s | %s %.2f / Hadoop %.3f GB/s = %.1fx | %s |" % (
                jdk, buf, e["coder"], e["median"], h["median"], x, "yes" if x >= 20 else "**no**"))
        par = best(jdk, "encode", buf, ["icn %s x2 threads" % k for k in ("scalar", "vector-256", "vector-512")])
        if par and "encode" in isal:
            x = par["median"] / isal_for(jdk, "encode")
            print("| parallel encode >= 1.2x ISA-L 1 thread | %s | %s | %s %.2f / ISA-L %.2f GB/s = %.2fx | %s |" % (
                jdk, buf, par["coder"], par["median"], isal_for(jdk, "encode"), x, "yes" if x >= 1.2 else "**no**"))

# ------------------------------------------------ allocation
def bytes_per_op(a):
    return "-" if a is None else ("%.3g" % a if a >= 1 else "%.1g" % a)

print()
print("Allocation per call, `-prof gc` `gc.alloc.rate.norm`, ErasureAllocationBenchmark (64 KiB shards, so")
print("thousands of calls per iteration and JMH's own per-iteration bytes vanish):")
print()
print("| JDK | kernel | call | buffer | B/op |")
print("|---|---|---|---|---:|")
for jdk, kernel, method, buf, size, a in sorted(allocs):
    print("| %s | %s | %s | %s | %s |" % (jdk, kernel, method, buf, bytes_per_op(a)))
print()
print("At 50 MB per call (a handful of calls per iteration; JMH's own ~5 KB per iteration shows as")
print("hundreds of B/op, compare the memory copy, which allocates nothing):")
print()
print("| JDK | coder | operation | buffer | B/op |")
print("|---|---|---|---|---:|")
for r in rows:
    if r["alloc"] is not None and not r["coder"].startswith("no-op"):
        print("| %s | %s | %s | %s | %s |" % (r["jdk"], r["coder"], r["op"], r["buffer"], bytes_per_op(r["alloc"])))
PY
cat "$OUT/erasure-table.md"
log "done: results in $OUT"
