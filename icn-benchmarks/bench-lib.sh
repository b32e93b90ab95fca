# shellcheck shell=bash
# What the benchmark scripts share (run-node-benchmarks.sh, run-storage-benchmarks.sh, run-erasure-benchmarks.sh):
# each sets HERE to its own directory and sources this file, `source "$HERE/bench-lib.sh"`, then sets ROOT and
# JAR before calling bench_build. Defines functions only; nothing runs when sourced.

# A section line: blank line, "=== [HH:MM:SS] text" (UTC). A script may define its own log after sourcing.
log() { printf '\n=== [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# The JDK of the load tools when none is given: /usr/lib/jvm/java-17-openjdk-amd64 if it has a java, else the
# JDK of the java on PATH. Use as JDK=${JDK:-$(bench_default_jdk)}.
bench_default_jdk() {
    if [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
        echo /usr/lib/jvm/java-17-openjdk-amd64
    else
        dirname "$(dirname "$(readlink -f "$(command -v java)")")"
    fi
}

# bench_jmh_lock WAIT_SECS POLL_SECS WAITING_MESSAGE
# Takes JMH's own lock, /tmp/jmh.lock (a POSIX record lock, as JMH takes it), in a python3 coprocess that holds
# it until this script exits (an EXIT trap kills it; its stdin closing ends it too), so that no other benchmark
# run that honours the lock measures beside this one; the JMH runs then pass -Djmh.ignoreLock=true, the lock
# being ours. Waits up to WAIT_SECS for a holder, polling every POLL_SECS and printing WAITING_MESSAGE to
# stderr at each poll. Sets BENCH_LOCK_STATE to "locked" when held, "timeout" when the wait ran out, or
# "gone" when the coprocess ended without a word; the caller decides what to say and whether to stop.
bench_jmh_lock() {
    local wait=$1 poll=$2 waiting=$3
    coproc LOCKER {
        exec python3 -u -c '
import fcntl, sys, time
deadline = time.time() + float(sys.argv[1])
f = open("/tmp/jmh.lock", "a")
while True:
    try:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        break
    except OSError:
        if time.time() > deadline:
            print("timeout", flush=True)
            sys.exit(1)
        print(sys.argv[3], file=sys.stderr, flush=True)
        time.sleep(float(sys.argv[2]))
print("locked", flush=True)
sys.stdin.read()          # hold until the script ends (stdin closes) or kills us
' "$wait" "$poll" "$waiting"
    }
    BENCH_LOCKER_PID=$LOCKER_PID
    trap 'kill "$BENCH_LOCKER_PID" 2>/dev/null || true' EXIT
    read -r BENCH_LOCK_STATE <&"${LOCKER[0]}" || BENCH_LOCK_STATE=gone
}

# bench_build JDK MVNW_ARGS...
# Unless SKIP_BUILD=1: logs "build: ./mvnw MVNW_ARGS" and runs it in $ROOT with JAVA_HOME=JDK. Then $JAR must
# exist (else a message and exit 1).
bench_build() {
    local jdk=$1; shift
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
        log "build: ./mvnw $*"
        (cd "$ROOT" && JAVA_HOME="$jdk" ./mvnw "$@")
    fi
    [[ -f "$JAR" ]] || { echo "missing $JAR (run without SKIP_BUILD=1)" >&2; exit 1; }
}

# The first lines of machine.txt: the date, the CPU model with the core count, the memory.
bench_machine_basics() {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
}
