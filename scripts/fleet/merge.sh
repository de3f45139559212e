#!/usr/bin/env bash
# Merges the records a fleet run wrote (score-one.sh) into one report. README.md, "Scoring a
# fleet of traces".
#
#   merge.sh [-o REPORT.json] LIST OUTDIR
#
# Reads the record of every line of LIST in OUTDIR; a line without one (a task that never ran, or
# was killed before writing it: out of memory, out of time) or with an unreadable one counts as
# failed. Writes REPORT.json (default OUTDIR/fleet.json): traceaid score --json's schema over every
# scored trace, and "fleet" with the counts, the traces worst first and the failures (merge.jq);
# prints a short table (table.jq). Exit status: 2 when any trace failed, else 1 when any was
# flagged, else 0 (as traceaid score's). Needs jq.
set -uo pipefail
here=$(dirname "$0")
. "$here/lib.sh"

report=
if [ "${1:-}" = -o ]; then
    [ $# -ge 2 ] || fleet_die "-o needs a file"
    report=$2
    shift 2
fi
[ $# -eq 2 ] || fleet_die "usage: merge.sh [-o REPORT.json] LIST OUTDIR"
list=$1 out=${2%/}
report=${report:-$out/fleet.json}
command -v jq >/dev/null || fleet_die "needs jq (Debian: apt-get install jq)"
[ -r "$list" ] || fleet_die "$list: cannot read the list of traces"
[ -d "$out" ] || fleet_die "$out: no such folder (no task has written a record)"

work=$(mktemp -d) || fleet_die "cannot make a temporary folder"
trap 'rm -rf "$work"' EXIT

# Every line's record, or a failure record for a line without one.
index=0
while IFS= read -r trace || [ -n "$trace" ]; do
    record=$out/$(fleet_record "$index" "$trace")
    if [ -f "$record" ]; then
        printf '%s\n' "$record" >> "$work/present"
    else
        fleet_failure_record "$index" "$trace" -1 "no record: the task did not run, or was stopped before writing it" \
            >> "$work/missing"
    fi
    index=$((index + 1))
done < "$list"
touch "$work/present" "$work/missing"

# All records read at once; when one does not parse or is not a record (written by hand? cut
# short by a full disk?), each is checked and an unreadable one counts as failed.
records() { xargs -r -d '\n' cat < "$work/present"; cat "$work/missing"; }
read_records() {
    records | jq -s 'if all(.[]; type == "object" and (.fleet | type) == "object") then sort_by(.fleet.index)
                     else error("not a record") end' > "$work/records"
}
if ! read_records 2>/dev/null; then
    while IFS= read -r record; do
        if jq -e 'type == "object" and (.fleet | type) == "object"' "$record" >/dev/null 2>&1; then
            printf '%s\n' "$record" >> "$work/good"
            continue
        fi
        index=$((10#$(basename "$record" | cut -d- -f1)))
        fleet_failure_record "$index" "$(sed -n "$((index + 1))p" "$list")" -1 "unreadable record: $record" \
            >> "$work/missing"
    done < "$work/present"
    touch "$work/good"
    mv "$work/good" "$work/present"
    read_records || fleet_die "cannot read the records"
fi

jq -f "$here/merge.jq" "$work/records" > "$work/report" || fleet_die "cannot merge the records"
mv -f "$work/report" "$report" 2>/dev/null || cp "$work/report" "$report" || fleet_die "$report: cannot write the report"
jq -r -f "$here/table.jq" "$report"
echo "report: $report"
status=$(jq -r '.fleet | if .failed > 0 then 2 elif .flagged_traces > 0 then 1 else 0 end' "$report") || exit 2
exit "$status"
