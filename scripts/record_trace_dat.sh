#!/bin/sh
# Records tests/fixtures/trace_dat/sched.dat: the sched events of a small shell command, in a
# tracefs instance of its own (the machine's top-level tracing is not touched), saved by
# `trace-cmd extract` (`trace-cmd record` needs to write /proc/sys/kernel/ftrace_enabled, which
# a container refuses). /proc/kallsyms is replaced by its first lines for the extract, in a
# mount namespace of its own: the symbols are megabytes and sched events do not need them.
# The file is written as is: trace-cmd 3 compresses its sections with zstd itself, so zstd -19
# gains 5%. Beside it, OUT-report.txt: `trace-cmd report` of it, for the test that the ftrace
# text reader and the trace.dat reader give the same events, and OUT-trace.txt: the instance's
# own `trace` file (the kernel's text of the same events, read before the extract empties it).
# Needs root, tracefs at /sys/kernel/tracing, trace-cmd and unshare.
# Usage: scripts/record_trace_dat.sh [OUT.dat]
set -eu
out=${1:-tests/fixtures/trace_dat/sched.dat}
inst=/sys/kernel/tracing/instances/traceaid_rec_$$
tmp=$(mktemp -d)
mkdir "$inst"
cleanup() {
    if [ -d "$inst" ]; then
        echo 0 > "$inst/tracing_on"
        echo 0 > "$inst/events/enable"
        rmdir "$inst"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
echo 1 > "$inst/options/event-fork"
# the shell writes its own pid as the filter, then runs the workload with its children traced
sh -c "echo \$\$ > $inst/set_event_pid; echo 1 > $inst/events/sched/enable;
       echo 1 > $inst/tracing_on; ls / > /dev/null; sleep 0.05; cat /proc/version > /dev/null"
echo 0 > "$inst/tracing_on"
mkdir -p "$(dirname "$out")"
cat "$inst/trace" > "${out%.dat}-trace.txt"
head -20 /proc/kallsyms > "$tmp/kallsyms"
unshare -m sh -c "mount --bind $tmp/kallsyms /proc/kallsyms &&
                  trace-cmd extract -B ${inst##*/} -o $tmp/trace.dat > /dev/null 2>&1"
cp "$tmp/trace.dat" "$out"
report=${out%.dat}-report.txt
trace-cmd report "$out" > "$report" 2>/dev/null
echo "$out: $(grep -c ': ' "$report") events; $report"
