# Helpers shared by the fleet scripts (sourced, not run).
# shellcheck shell=bash

# fleet_die MESSAGE: says what is wrong, on stderr, and stops with 2 (an error, as traceaid's).
fleet_die() {
    echo "${0##*/}: $*" >&2
    exit 2
}

# fleet_record INDEX TRACE: the name of the trace's record in the output folder. The line's index
# makes it unique (two hosts' traces are often both called trace.csv) and computable by the merge
# from the list alone; the trace's own name makes it readable.
fleet_record() {
    local base=${2##*/}
    printf '%06d-%s.json' "$1" "${base:-empty}"
}

# fleet_json_string TEXT: TEXT as a JSON string (quotes, backslashes and control characters
# escaped), so that a task needs no JSON tool of its own.
fleet_json_string() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\t'/\\t}
    s=${s//$'\r'/\\r}
    # any other control character: dropped
    s=$(printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037')
    printf '"%s"' "$s"
}

# fleet_failure_record INDEX TRACE EXIT ERROR: the record of a trace that was not scored.
fleet_failure_record() {
    printf '{"fleet":{"index":%d,"trace":%s,"exit":%d,"host":%s,"error":%s},"score":null}\n' \
        "$1" "$(fleet_json_string "$2")" "$3" "$(fleet_json_string "${HOSTNAME:-}")" "$(fleet_json_string "$4")"
}

# fleet_count_lines FILE: its lines, the last one counted even without its newline.
fleet_count_lines() {
    awk 'END { print NR }' "$1"
}
