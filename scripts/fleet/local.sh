#!/usr/bin/env bash
# A fleet run on this machine: every trace of LIST scored by its own score-one.sh task, JOBS at a
# time (xargs -P), then merged. The same tasks and merge as on a cluster (fleet.slurm,
# fleet-job.yaml); README.md, "Scoring a fleet of traces".
#
#   local.sh [-j JOBS] MODEL LIST OUTDIR [SCORE OPTION...]
#
# JOBS defaults to the cores; each task then scores on one thread (TRACEAID_THREADS=1) unless
# TRACEAID_THREADS says otherwise. Exit status: merge.sh's.
set -uo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

jobs=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = -j ]; then
    [ $# -ge 2 ] || fleet_die "-j needs a number"
    jobs=$2
    shift 2
fi
[ $# -ge 3 ] || fleet_die "usage: local.sh [-j JOBS] MODEL LIST OUTDIR [SCORE OPTION...]"
list=$2 out=$3
[ -r "$list" ] || fleet_die "$list: cannot read the list of traces"
lines=$(fleet_count_lines "$list")
export TRACEAID_THREADS=${TRACEAID_THREADS:-1}
[ "$lines" -eq 0 ] || seq 0 $((lines - 1)) | xargs -P "$jobs" -I{} "$here/score-one.sh" --index {} "$@" ||
    echo "local.sh: some tasks wrote no record (the merge counts them as failed)" >&2
"$here/merge.sh" "$list" "$out"
