#!/usr/bin/env bash
# Records the seed experiment on this machine: the flight controller (samples/flight/flight)
# pinned to one CPU, clean or with one of the four anomalies injected for real beside it
# (samples/flight/inject under `chrt -f PRIO taskset -c CPU`), the whole system traced by perf
# (sched, irq and timer tracepoints and the syscalls the controller makes) with the monotonic
# clock, in which the injector writes its ground truth.
#
#   scripts/record.sh [-s SECONDS] [-c CPU] [-p PRIO] KIND OUT_DIR NAME
#   scripts/record.sh -a [-n CLEAN] [-k PER_KIND] [-s SECONDS] [-c CPU] [-p PRIO] OUT_DIR
#
#   KIND          clean, fifo-ls, fifo-ls-sporadic, full-while or half-while
#   -s SECONDS    how long to record (default 6); anomalies run from 25% to 50% and 65% to 90%
#   -c CPU        the CPU the controller and the injected load share (default: the last)
#   -p PRIO       the injected load's SCHED_FIFO priority (default 10, under the controller's
#                 threads at 20-50, over every normal task)
#   -a            the whole set, kinds interleaved so that whatever else the machine does falls
#                 on every kind alike: CLEAN clean traces (default 10) and PER_KIND of each
#                 anomaly (default 3), named KIND-NN
#
# Writes OUT_DIR/NAME.perf-script.txt.xz (`perf script` text with the fields traceaid reads
# from a perf.data, xz -9e) and OUT_DIR/NAME.truth (CSV start_ns,stop_ns,label after a
# "# kind: KIND" line). Needs root (system-wide tracepoints, SCHED_FIFO), perf, xz, chrt and
# taskset. The kernel's RT throttling is left on: a FIFO busy loop gets at most its share.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    sed -n 's/^#   \{0,1\}//p' "$0" | sed -n '/^scripts\/record.sh/,/^-a/p' >&2
    exit 2
}

seconds=6 cpu=$(($(nproc) - 1)) prio=10 all=0 n_clean=10 per_kind=3
while getopts 's:c:p:an:k:h' opt; do
    case $opt in
        s) seconds=$OPTARG ;;
        c) cpu=$OPTARG ;;
        p) prio=$OPTARG ;;
        a) all=1 ;;
        n) n_clean=$OPTARG ;;
        k) per_kind=$OPTARG ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
kinds=(clean fifo-ls fifo-ls-sporadic full-while half-while)

die() { echo "record: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (system-wide kernel tracepoints, SCHED_FIFO); run it with sudo"
for tool in perf xz chrt taskset; do
    command -v $tool > /dev/null || die "$tool not found (Debian: apt-get install linux-perf xz-utils util-linux)"
done
[[ $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "-s wants a number of seconds, not '$seconds'"
[[ $prio =~ ^[0-9]+$ ]] && [ "$prio" -ge 1 ] && [ "$prio" -le 99 ] || die "-p wants a priority from 1 to 99"
[[ $cpu =~ ^[0-9]+$ ]] && [ "$cpu" -lt "$(nproc)" ] || die "-c wants a CPU from 0 to $(($(nproc) - 1))"
[[ $n_clean =~ ^[0-9]+$ && $per_kind =~ ^[0-9]+$ ]] || die "-n and -k want counts"
[ "$(cat /proc/sys/kernel/sched_rt_runtime_us)" != -1 ] ||
    die "RT throttling is off (sched_rt_runtime_us = -1): a FIFO busy loop could take a whole CPU; turn it on first"
make -s flight > /dev/null
flight=build/samples/flight/flight inject=build/samples/flight/inject

# The tracepoints: scheduling (less sched_stat_runtime, CFS's bookkeeping, which a busy
# machine emits by the hundred thousand a second), interrupts and timers, system-wide; and the
# calls the controller makes (timerfd and pipe reads and writes, pread of the sensor, UDP, the
# state mutex, sleeps), filtered to its threads: traced system-wide, every other program's reads
# and writes would bury them (perf's own writes of what it records among them).
event_args=(-e 'irq:*' -e 'timer:*')
for event in switch waking wakeup wakeup_new migrate_task process_fork process_exec process_exit \
    process_free process_wait; do
    event_args+=(-e "sched:sched_$event")
done
# syscall_events FILTER: the controller's calls, each with the tracepoint filter FILTER
syscall_events() {
    local call
    for call in read write pread64 sendto recvfrom futex clock_nanosleep; do
        printf '%s\0' -e "syscalls:sys_enter_$call" --filter "$1" -e "syscalls:sys_exit_$call" --filter "$1"
    done
}

# The recording under way: its folder (perf.data may be tens of MB) and its controller, both
# gone when the script ends, whatever ends it.
tmp='' flight_pid=''
cleanup() {
    if [ -n "$flight_pid" ]; then kill -TERM "$flight_pid" 2> /dev/null; wait "$flight_pid" 2> /dev/null; fi
    [ -z "$tmp" ] || rm -rf "$tmp"
    flight_pid='' tmp=''
}
trap cleanup EXIT
trap 'echo "record: interrupted" >&2; exit 130' INT TERM

# record KIND OUT_DIR NAME SEED: false (and a message) when any step fails
record() {
    local kind=$1 out_dir=$2 name=$3 seed=$4 filter rows
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/record.XXXXXX") || return 1
    echo "record: $name ($kind, ${seconds}s, CPU $cpu)" >&2
    # The controller starts first and flies until the recording is over; its threads' ids make
    # the syscall filter.
    taskset -c "$cpu" "$flight" --seconds "$(awk "BEGIN { print $seconds + 60 }")" > "$tmp/flight.out" &
    flight_pid=$!
    sleep 0.5
    filter=$(ls "/proc/$flight_pid/task" 2> /dev/null | sed 's/^/common_pid == /' | paste -sd '|' | sed 's/|/ || /g')
    [ -n "$filter" ] || { echo "record: the controller did not start" >&2; cleanup; return 1; }
    local syscalls=()
    mapfile -d '' syscalls < <(syscall_events "$filter")
    perf record -q -a -B -N -k CLOCK_MONOTONIC -m 16M "${event_args[@]}" "${syscalls[@]}" -o "$tmp/perf.data" -- \
        timeout -k 2 "$(awk "BEGIN { print $seconds + 5 }")" chrt -f "$prio" taskset -c "$cpu" \
        "$inject" "$kind" "$seconds" "$tmp/truth" "$seed" 2> "$tmp/record.err" ||
        { cat "$tmp/record.err" >&2; cleanup; return 1; }
    kill -TERM "$flight_pid" && wait "$flight_pid" || { echo "record: the controller failed" >&2; cleanup; return 1; }
    flight_pid=''
    # perf's status need not be the injector's: its truth says whether it ran
    rows=$(grep -vc '^[#s]' "$tmp/truth" 2> /dev/null) || rows=0
    if [ ! -s "$tmp/truth" ] || { [ "$kind" != clean ] && [ "$rows" -eq 0 ]; }; then
        echo "record: the injector wrote no ground truth for $kind" >&2
        cleanup
        return 1
    fi
    perf script -f --ns -i "$tmp/perf.data" -F trace:comm,pid,tid,cpu,time,event,trace \
        > "$tmp/perf-script.txt" 2> "$tmp/script.err" || { cat "$tmp/script.err" >&2; cleanup; return 1; }
    grep -i lost "$tmp/script.err" >&2
    mkdir -p "$out_dir" && mv "$tmp/perf-script.txt" "$out_dir/$name.perf-script.txt" &&
        cp "$tmp/truth" "$out_dir/$name.truth" || { cleanup; return 1; }
    echo "record: $(wc -l < "$out_dir/$name.perf-script.txt") events, $(cat "$tmp/flight.out"), $rows truth rows" >&2
    cleanup
}

# xz -9e: a quarter smaller than -9 on these traces, for ten times the time; done after the
# recordings so that it does not load the machine being recorded. Two at a time.
compress() {
    [ $# -eq 0 ] || printf '%s\0' "$@" | xargs -0 -n 1 -P 2 xz -9e -T1 -f
}

recorded=() failed=0
if [ $all -eq 1 ]; then
    [ $# -eq 1 ] || usage
    most=$((n_clean > per_kind ? n_clean : per_kind))
    for ((i = 1; i <= most; i++)); do
        for kind in "${kinds[@]}"; do
            limit=$per_kind
            [ "$kind" = clean ] && limit=$n_clean
            [ "$i" -le "$limit" ] || continue
            name=$(printf '%s-%02d' "$kind" "$i")
            if record "$kind" "$1" "$name" "$i"; then
                recorded+=("$1/$name.perf-script.txt")
            else
                failed=$((failed + 1))
            fi
        done
    done
    echo "record: compressing ${#recorded[@]} traces (xz -9e)" >&2
    compress "${recorded[@]}"
    [ $failed -eq 0 ] || die "$failed recordings failed"
    exit 0
fi
[ $# -eq 3 ] || usage
[[ " ${kinds[*]} " == *" $1 "* ]] || die "unknown kind '$1' (${kinds[*]})"
record "$1" "$2" "$3" 1 || die "the recording failed"
compress "$2/$3.perf-script.txt"
