#!/usr/bin/env bash
# Server CPU per MiB served, QUIC against nginx, pinned (issue 16's "fair, repeatable measurement on two cores"):
# each server runs on core 0 (taskset), each load client on core 1; the server's CPU is read from
# /proc/<pid>/stat (utime + stime) around each run, so other work on the machine moves it less than MB/s.
# QUIC servers (one per benchmarks.jar given, e.g. this revision and the one before) and nginx (HTTPS, TLS 1.3,
# sendfile, one worker) serve the same 112 shard files of 5 MiB; rounds alternate between them.
#
#   icn-benchmarks/run-transport-cpu.sh [WORK_DIR]
#
# Then (PHASES, default "cpu fetch relays"): "fetch" times a 50 MiB chunk through ShardClient.fetchChunk (client JVM
# warm: 30 fetches, then the median of 9; pinned to core 1) beside curl fetching the same chunk's 10 data-shard files from nginx, with the UDP
# receive-buffer errors of `netstat -su` before and after; "relays" runs 100 relays (one connection each) fetching
# 100 different 5 MiB shards at once, twice (a warm-up round for the one JVM that plays all relays, then the timed
# round; both printed), and the server's heap growth.
#
# Environment: JARS ("label=path ..." of benchmarks.jar builds; default "new=icn-benchmarks/target/benchmarks.jar"),
# ROUNDS (default 3), FETCHES (per connection per run, default 205: >= 1 GiB on one connection), CONNS (default
# "1 4"), PAYLOAD (QUIC max UDP payload, default 32768), IO_THREADS (server event loops, default 1: one core),
# CLIENT_OPTS (more JVM options of the load clients, e.g. -Dicn.load.ackDelayMicros=0 for an ACK at every read),
# NETNS=1 (the servers and nginx in a network namespace of their own, reached over a veth pair with MTU 1500,
# 10.77.0.1 from 10.77.0.2: datagrams cross a link as remote relays' do, instead of loopback; needs root).
# The load clients run with a fixed 2 GiB heap (-Xms = -Xmx, as a relay would): with a heap that grows and
# shrinks, each fetch's 50 MiB chunk lands on fresh pages that the kernel zeroes first (38% of the chunk client's CPU).
# Takes /tmp/jmh.lock for the whole run. Prints one line per run and a summary (median and minimum per row).
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/icn-transport-cpu}
JARS=${JARS:-new=icn-benchmarks/target/benchmarks.jar}
ROUNDS=${ROUNDS:-3}
FETCHES=${FETCHES:-205}
CONNS=${CONNS:-1 4}
PAYLOAD=${PAYLOAD:-32768}
IO_THREADS=${IO_THREADS:-1}
SHARD_BYTES=$((5 * 1024 * 1024))
HTTPS_PORT=18444
LOAD="io.icn.benchmarks.transport.TransportLoad"
HOST=127.0.0.1
SRV=()       # the command prefix that puts a server in its namespace, if any
NS=""
mkdir -p "$WORK"
# JMH's own lock (a POSIX record lock, as JMH and the other run-*.sh scripts take it; flock(1) would not exclude them)
bench_jmh_lock "${LOCK_WAIT:-3600}" 30 "another benchmark run holds /tmp/jmh.lock; waiting"
[[ "$BENCH_LOCK_STATE" == locked ]] || { echo "could not take /tmp/jmh.lock within ${LOCK_WAIT:-3600} s" >&2; exit 1; }

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
udp_errors() { awk '/^Udp:/ { if (++n == 2) print $4 "/" $6 }' /proc/net/snmp; }
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"

PIDS=()
declare -A PORT FP JAR SPID CTL
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    kill "$BENCH_LOCKER_PID" 2>/dev/null || true   # the lock's holder, or the wait below never ends
    wait 2>/dev/null || true
    if [ -n "$NS" ]; then   # after the servers are gone: deleting one end of the veth pair deletes both
        ip link del "icnv$$" 2>/dev/null || true
        ip netns del "$NS" 2>/dev/null || true
    fi
}
trap cleanup EXIT
if [ "${NETNS:-0}" = 1 ]; then
    NS=icnbench$$
    ip netns add "$NS"
    ip link add "icnv$$" type veth peer name "icnp$$"
    ip link set "icnp$$" netns "$NS"
    ip addr add 10.77.0.2/24 dev "icnv$$"
    ip link set "icnv$$" mtu 1500 up
    ip -n "$NS" addr add 10.77.0.1/24 dev "icnp$$"
    ip -n "$NS" link set "icnp$$" mtu 1500 up
    ip -n "$NS" link set lo up
    HOST=10.77.0.1
    SRV=(ip netns exec "$NS")
fi
JAVA_OPTS="-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector -Dicn.load.host=$HOST"
echo "# HOST=$HOST${NS:+ (namespace $NS, veth MTU 1500)} PAYLOAD=$PAYLOAD IO_THREADS=$IO_THREADS FETCHES=$FETCHES ROUNDS=$ROUNDS; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- QUIC servers, one per jar, pinned to core 0 ----
n=0
for spec in $JARS; do
    label=${spec%%=*}; jar=${spec#*=}; JAR[$label]=$jar
    port=$((19100 + n)); n=$((n + 1))
    rm -f "$WORK/ctl-$label"; mkfifo "$WORK/ctl-$label"
    "${SRV[@]}" taskset -c 0 java $JAVA_OPTS -Xmx256m -cp "$jar" $LOAD serve "$WORK/store" $port 8 $SHARD_BYTES $PAYLOAD \
        $IO_THREADS < "$WORK/ctl-$label" > "$WORK/server-$label.log" 2>&1 &
    PIDS+=($!); exec {fd}>"$WORK/ctl-$label"; CTL[$label]=$fd
    for _ in $(seq 1 600); do grep -q '^READY' "$WORK/server-$label.log" && break; sleep 1; done
    read -r _ PORT[$label] FP[$label] < <(grep '^READY' "$WORK/server-$label.log")
    SPID[$label]=${PIDS[-1]}
done

# ---- nginx over HTTPS on the same files, pinned to core 0 ----
BENCH_NGINX_HOST=$HOST bench_nginx_https "$WORK" "$HTTPS_PORT" "${SRV[@]}" taskset -c 0
PIDS+=("$NGINX_PID")
NGINX_WORKER=$(pgrep -P "$NGINX_PID" | head -1)

client() { taskset -c 1 java $JAVA_OPTS ${CLIENT_OPTS:-} -Xms2g -Xmx2g -Djdk.internal.httpclient.disableHostnameVerification=true \
    -cp "${JAR[${1}]}" $LOAD "${@:2}"; }
first=${JARS%%=*}

# one run: label, connections; prints "label conns MBps ms_per_MiB"
measure() {
    local label=$1 conns=$2 pid before after out mib
    if [ "$label" = nginx ]; then
        pid=$NGINX_WORKER
        before=$(ticks "$pid")
        out=$(client "$first" https "https://$HOST:$HTTPS_PORT" "$WORK/store" "$FETCHES" "$conns")
    else
        pid=${SPID[$label]}
        before=$(ticks "$pid")
        out=$(client "$label" single "${PORT[$label]}" "${FP[$label]}" "$WORK/store" "$FETCHES" "$conns" "$PAYLOAD")
    fi
    after=$(ticks "$pid")
    mib=$(( (FETCHES + 2) * conns * 5 ))   # two warm-up fetches per connection are served too
    echo "$out" | awk -v l="$label" -v c="$conns" -v t=$((after - before)) -v hz="$hz" -v mib="$mib" \
        -v load="$(cut -d' ' -f1 /proc/loadavg)" -v udp="$(udp_errors)" \
        '/aggregate_MBps/ { for (i = 1; i <= NF; i++) if ($i ~ /^aggregate_MBps=/) { split($i, a, "="); m = a[2] } }
         END { printf "RUN %s conns=%d MBps=%s cpu_ms_per_MiB=%.2f load=%s udp_in/rcvbuf_err=%s\n", l, c, m, t * 1000 / hz / mib, load, udp }'
}

# warm every server (JIT) before timing
for label in "${!JAR[@]}"; do measure "$label" 1 > /dev/null; done
measure nginx 1 > /dev/null

PHASES=${PHASES:-cpu fetch relays}
udp_rcvbuf() { netstat -su | awk '/receive buffer errors/ { print $1; exit }'; }

[[ " $PHASES " == *" cpu "* ]] && for round in $(seq 1 "$ROUNDS"); do
    for conns in $CONNS; do
        for label in "${!JAR[@]}" nginx; do
            measure "$label" "$conns" | tee -a "$WORK/runs.txt"
        done
    done
done | tee "$WORK/this-run.txt"

if [[ " $PHASES " == *" cpu "* ]]; then
echo "## summary (median / min of cpu ms per MiB, median MB/s)"
awk '/^RUN/ { split($3, c, "="); split($4, m, "="); split($5, p, "="); k = $2 " " c[2]; cpu[k] = cpu[k] " " p[2]; mbps[k] = mbps[k] " " m[2] }
     END { for (k in cpu) print k, cpu[k], "|", mbps[k] }' "$WORK/this-run.txt" | sort | while read -r line; do
    label_conns=$(echo "$line" | cut -d'|' -f1 | awk '{ print $1, $2 }')
    cpus=$(echo "$line" | cut -d'|' -f1 | cut -d' ' -f3- | tr ' ' '\n' | grep . | sort -g)
    rates=$(echo "$line" | cut -d'|' -f2 | tr ' ' '\n' | grep . | sort -g)
    med() { awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
    echo "$label_conns conns: cpu ms/MiB median $(echo "$cpus" | med) min $(echo "$cpus" | head -1); MB/s median $(echo "$rates" | med)"
done
fi
if [[ " $PHASES " == *" fetch "* ]]; then
    echo "## 50 MiB chunk: QUIC fetchChunk vs curl from nginx (10 data-shard files, one connection)"
    cid=$(head -1 "$WORK/store/cids.txt")
    urls=()
    for i in 00 01 02 03 04 05 06 07 08 09; do urls+=(-o /dev/null "https://$HOST:$HTTPS_PORT/$cid/shard_$i.bin"); done
    for round in $(seq 1 "$ROUNDS"); do
        for label in "${!JAR[@]}"; do
            before=$(udp_rcvbuf)
            # the first jar's client for every server: the chunk mode is newer than some servers' jars
            client "$first" chunk "${PORT[$label]}" "${FP[$label]}" "$WORK/store" 9 "$PAYLOAD" | tail -1 \
                | sed "s/^/FETCH $label load=$(cut -d' ' -f1 /proc/loadavg) /"
            echo "UDP $label receive buffer errors: before $before after $(udp_rcvbuf)"
        done
        taskset -c 1 curl -sk "${urls[@]}"  # warm
        for _ in 1 2 3 4 5; do
            s0=$(date +%s.%N); taskset -c 1 curl -sk "${urls[@]}"; s1=$(date +%s.%N)
            echo "$s0 $s1"
        done | awk '{ printf "%.3f\n", $2 - $1 }' | sort -g | awk -v load="$(cut -d' ' -f1 /proc/loadavg)" \
            '{ t[NR] = $1 } END { printf "CURL load=%s median_s=%.3f min_s=%.3f\n", load, t[int((NR + 1) / 2)], t[1] }'
    done
fi

if [[ " $PHASES " == *" relays "* ]]; then
    echo "## 100 relays, a different 5 MiB shard each, at once (server core 0, relays core 1)"
    for round in $(seq 1 "$ROUNDS"); do
        for label in "${!JAR[@]}"; do
            echo reset >&"${CTL[$label]}"; sleep 1
            client "$label" relays "${PORT[$label]}" "${FP[$label]}" "$WORK/store" 100 "$PAYLOAD" | grep 'round:' \
                | sed "s/^/RELAYS $label load=$(cut -d' ' -f1 /proc/loadavg) /"
            echo stats >&"${CTL[$label]}"; sleep 1
            echo "HEAP $label $(tail -1 "$WORK/server-$label.log" | grep -o 'heap_peak_growth_mb=[^ ]*')"
        done
    done
fi
echo "# end; load average $(cut -d' ' -f1-3 /proc/loadavg)"
