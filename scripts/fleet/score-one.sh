#!/usr/bin/env bash
# Scores ONE trace of a list with one model: the task of a fleet run on a cluster engine (a Slurm
# array, a Kubernetes Indexed Job) or locally (local.sh, xargs -P). README.md, "Scoring a fleet of
# traces".
#
#   score-one.sh [--index N] MODEL LIST OUTDIR [SCORE OPTION...]
#
# The trace is line N+1 of LIST (one path a line; N counts from 0), N given by --index, else
# SLURM_ARRAY_TASK_ID (Slurm), else JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). Its record is
# OUTDIR/NNNNNN-NAME.json (fleet_record in lib.sh), written whole or not at all (a temporary file
# renamed): {"fleet":{"index","trace","exit","host","error"},"score":<traceaid score --json>},
# "exit" traceaid's exit status (0 nothing flagged, 1 flagged, 2 an error); when the trace could
# not be scored, "score" is null and "error" holds what traceaid said. SCORE OPTIONs are passed to
# `traceaid score` (--threads, --segment, ...); TRACEAID_BIN names the binary (default: traceaid).
#
# Exit status: 0 when the record is written, whatever the trace's verdict or failure (the merge
# reads them: an engine that retries failed tasks would otherwise retry a flagged trace, and a
# Kubernetes Job would stop at its backoffLimit); 2 when no record could be written (usage, an
# index outside the list, OUTDIR not writable), which the engine then shows as a failed task.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

index=
if [ "${1:-}" = --index ]; then
    [ $# -ge 2 ] || fleet_die "--index needs a number"
    index=$2
    shift 2
fi
[ $# -ge 3 ] || fleet_die "usage: score-one.sh [--index N] MODEL LIST OUTDIR [SCORE OPTION...]"
model=$1 list=$2 out=${3%/}
shift 3
index=${index:-${SLURM_ARRAY_TASK_ID:-${JOB_COMPLETION_INDEX:-}}}
[ -n "$index" ] || fleet_die "which trace? give --index N, or run as a Slurm array task or a Kubernetes Indexed Job"
[[ "$index" =~ ^[0-9]+$ ]] || fleet_die "index $index: expected a number from 0"
index=$((10#$index))
[ -r "$list" ] || fleet_die "$list: cannot read the list of traces"
lines=$(fleet_count_lines "$list")
[ "$index" -lt "$lines" ] || fleet_die "index $index: $list has $lines traces (indexes 0 to $((lines - 1)))"
trace=$(sed -n "$((index + 1))p" "$list")
mkdir -p "$out" || fleet_die "$out: cannot create the output folder"

record=$out/$(fleet_record "$index" "$trace")
# Temporary files beside the record, on the same file system, so that the rename is atomic.
tmp=$out/.$(fleet_record "$index" "$trace").$$
trap 'rm -f "$tmp".out "$tmp".err "$tmp".rec' EXIT
: > "$tmp".out 2>/dev/null || fleet_die "$out: cannot write there"

"${TRACEAID_BIN:-traceaid}" score --json --model "$model" "$@" -- "$trace" > "$tmp".out 2> "$tmp".err
status=$?
if { [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; } && [ -s "$tmp".out ]; then
    {
        printf '{"fleet":{"index":%d,"trace":%s,"exit":%d,"host":%s,"error":null},"score":' \
            "$index" "$(fleet_json_string "$trace")" "$status" "$(fleet_json_string "${HOSTNAME:-}")"
        cat "$tmp".out
        printf '}\n'
    } > "$tmp".rec
else
    # a verdict without its report (a full disk?) is a failure too; at most the last 4 kB said
    [ "$status" -le 1 ] && { status=2; echo "traceaid score exited without a report" >> "$tmp".err; }
    fleet_failure_record "$index" "$trace" "$status" "$(tail -c 4096 "$tmp".err)" > "$tmp".rec
fi
# the record reaches the disk before its name does
sync "$tmp".rec 2>/dev/null
mv -f "$tmp".rec "$record" || fleet_die "$record: cannot write the record"
exit 0
