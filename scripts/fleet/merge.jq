# The fleet's records (score-one.sh), an array in list order, into one report: traceaid score
# --json's schema over every scored trace (model, segment, windows, seconds, files), and beside it
# "fleet": the counts, the failures, and the traces worst first (most flagged segments, then the
# highest segment score).
def worst_score: [(.segments // .distinct_sessions // [])[].score] | max;
def units: if has("sessions") then .sessions else (.segments | length) end;

. as $records
| [$records[] | select(.score != null)] as $scored
| [$records[] | select(.score == null)] as $failed
| [$scored[].score.files[]] as $files
| ($scored[0].score // {}) as $first
| ($first | del(.files, .windows, .seconds))
  + (if $first | has("windows") then {windows: ([$scored[].score.windows] | add)} else {} end)
  + {seconds: ([$scored[].score.seconds // 0] | add // 0), files: $files}
  + {fleet: {
        traces: ($records | length),
        scored: ($scored | length),
        failed: ($failed | length),
        flagged_traces: ([$scored[] | select(.fleet.exit == 1)] | length),
        flagged: ([$files[].flagged] | add // 0),
        unit: (if $first.unit == "session" then "sessions" else "segments" end),
        worst_first: ([$scored[] | .fleet as $task | .score.files[]
                       | {index: $task.index, trace: $task.trace, exit: $task.exit, flagged, units: units,
                          events, worst_score: worst_score}]
                      | sort_by(-.flagged, -(.worst_score // 0), .index)),
        failures: [$failed[].fleet]}}
