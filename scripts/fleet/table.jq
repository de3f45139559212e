# The merged report (merge.jq) as a short text table: the counts, the traces worst first, the failures.
def right($width): tostring | (" " * ($width - length)) + .;

.fleet as $f
| "fleet: \($f.traces) traces: \($f.scored) scored, \($f.failed) failed; \($f.flagged_traces) flagged (\($f.flagged) \($f.unit) flagged)",
  (if $f.scored > 0 then
       (["flagged", ($f.unit | right(8)), ("events" | right(12)), "worst score", "trace"] | join("  ")),
       ($f.worst_first[]
        | [(.flagged | right(7)), (.units | right(8)), (.events | right(12)),
           ((.worst_score // "-") | tostring | .[0:8] | right(11)), .trace] | join("  "))
   else empty end),
  ($f.failures[] | "FAILED   \(.trace) (task \(.index), exit \(.exit)): \(.error | split("\n") | map(select(length > 0)) | last // "")")
