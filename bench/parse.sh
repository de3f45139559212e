#!/usr/bin/env bash
# Log parsing (traceaid parse, the built-in Drain), its quality and its speed:
#  (a) grouping accuracy on loghub's 2k samples of 16 systems (tests/data/loghub: the hand-checked
#      EventId of SYSTEM_2k.log_structured.csv is the truth), each system with its preset (the
#      loghub benchmark's format, masks, similarity and depth), beside the published Drain figure
#      (logparser's docs/benchmark.rst: Zhu et al., "Tools and Benchmarks for Automated Log
#      Parsing", ICSE-SEIP 2019);
#  (b) lines per second on a 1,000,000-line HDFS-style log (bench/gen_log.c: HDFS_2k's lines drawn
#      at random, values renewed, seed 42) against loghub's Drain.py (bench/peers/loghub_drain.py)
#      with the same settings, medians of $PARSE_RUNS runs each; and whether both give every line
#      the same EventId.
# PARSE_PART=quality or speed runs one half.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

LOGHUB=tests/data/loghub
OUT=$BUILD/parse
PARSE_RUNS=${PARSE_RUNS:-3}
PARSE_LINES=${PARSE_LINES:-1000000}
PART=${PARSE_PART:-all}
mkdir -p "$OUT"

# Drain's grouping accuracy on the 2k samples as published (docs/benchmark.rst of logparser).
declare -A PUBLISHED=(
    [HDFS]=0.9975 [Hadoop]=0.9475 [Spark]=0.9200 [Zookeeper]=0.9665 [BGL]=0.9625 [HPC]=0.8870
    [Thunderbird]=0.9550 [Windows]=0.9970 [Linux]=0.6900 [Android]=0.9110 [HealthApp]=0.7800
    [Apache]=1.0000 [Proxifier]=0.5265 [OpenSSH]=0.7875 [OpenStack]=0.7325 [Mac]=0.7865
)
SYSTEMS="HDFS Hadoop Spark Zookeeper BGL HPC Thunderbird Windows Linux Android HealthApp Apache
         Proxifier OpenSSH OpenStack Mac"

# the first of the named numeric fields a JSON object has (spaces in it ignored)
jfirst() {
    local json=${1// /} name value
    shift
    for name in "$@"; do
        value=$(jfield "$name" "$json")
        [ -n "$value" ] && { echo "$value"; return; }
    done
}

quality() {
    echo "== traceaid parse on loghub's 2k samples: grouping accuracy against the hand-checked EventIds"
    printf '%-12s %9s %9s %9s %10s  %s\n' system lines traceaid published "F1 pairs" "at or above"
    local sys json acc f1 lines met=0 total=0 sum=0 sum_pub=0
    for sys in $SYSTEMS; do
        local dir=$LOGHUB/$sys lower
        lower=$(tr '[:upper:]' '[:lower:]' <<<"$sys")
        if ! json=$(./traceaid parse "$dir/${sys}_2k.log.xz" -o "$OUT/${sys}_2k.log_structured.csv" \
                    --log-format "$lower" --truth "$dir/${sys}_2k.log_structured.csv.xz" --json 2>"$OUT/$sys.err"); then
            printf '%-12s failed: %s\n' "$sys" "$(head -1 "$OUT/$sys.err")"
            continue
        fi
        acc=$(jfirst "$json" grouping_accuracy accuracy)
        f1=$(jfirst "$json" f1_pairs pair_f1 f1)
        lines=$(jfirst "$json" lines lines_parsed rows)
        total=$((total + 1))
        awk -v s="$sys" -v n="$lines" -v a="$acc" -v p="${PUBLISHED[$sys]}" -v f="$f1" 'BEGIN {
            printf "%-12s %9s %9.4f %9.4f %10s  %s\n", s, n, a, p, f == "" ? "-" : sprintf("%.4f", f),
                   (a + 1e-9 >= p) ? "yes" : ("NO (" sprintf("%+.4f", a - p) ")") }'
        awk -v a="$acc" -v p="${PUBLISHED[$sys]}" 'BEGIN { exit !(a + 1e-9 >= p) }' && met=$((met + 1))
        sum=$(awk -v s="$sum" -v a="$acc" 'BEGIN { print s + a }')
        sum_pub=$(awk -v s="$sum_pub" -v p="${PUBLISHED[$sys]}" 'BEGIN { print s + p }')
    done
    [ "$total" -gt 0 ] || return 0
    awk -v s="$sum" -v p="$sum_pub" -v n="$total" -v m="$met" 'BEGIN {
        printf "%-12s %9s %9.4f %9.4f %10s  %d of %d\n", "mean", "", s / n, p / n, "", m, n
        printf "goal          at or above the published Drain figure on every system: %s\n", (m == n) ? "met" : "MISSED" }'
}

# the 1M-line log, made once
speed_log() {
    local log=$OUT/hdfs-${PARSE_LINES}.log
    if [ ! -f "$log" ] || [ "$BUILD/gen_log" -nt "$log" ]; then
        echo "bench: generating a $PARSE_LINES-line HDFS-style log ($log)" >&2
        xz -dc "$LOGHUB/HDFS/HDFS_2k.log.xz" | "$BUILD/gen_log" 42 "$PARSE_LINES" > "$log.tmp"
        mv "$log.tmp" "$log"
    fi
    echo "$log"
}

# the EventId column of a structured CSV, one a line, header dropped
event_ids() {
    /usr/bin/python3 -c 'import csv, sys
rows = csv.reader(open(sys.argv[1], newline=""))
col = next(rows).index("EventId")
sys.stdout.writelines(r[col] + "\n" for r in rows)' "$1"
}

speed() {
    local log ours=() seconds out start
    log=$(speed_log)
    out=$OUT/hdfs-1m_structured.csv
    echo "== parsing a ${PARSE_LINES}-line HDFS-style log ($(du -m "$log" | cut -f1) MB, bench/gen_log.c), median of $PARSE_RUNS runs"
    for _ in $(seq "$PARSE_RUNS"); do
        start=$EPOCHREALTIME
        ./traceaid parse "$log" -o "$out" --log-format hdfs >/dev/null 2>"$OUT/parse.err" ||
            { echo "traceaid parse failed: $(head -3 "$OUT/parse.err")"; return 0; }
        ours+=("$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')")
    done
    seconds=$(median "${ours[@]}")
    awk -v n="$PARSE_LINES" -v s="$seconds" 'BEGIN { printf "%-16s %7.2f s  %9.0f lines/s  (wall time of the whole command)\n", "traceaid", s, n / s }'
    if ! /usr/bin/python3 -c 'import pandas, regex' 2>/dev/null; then
        echo "bench: the parsing peer needs Debian's python3-pandas and python3-regex"
        return 0
    fi
    local peer peer_dir=$OUT/peer
    peer=$(/usr/bin/python3 bench/peers/loghub_drain_run.py "$log" --runs "$PARSE_RUNS" --out "$peer_dir" \
           --format '<Date> <Time> <Pid> <Level> <Component>: <Content>' \
           --mask 'blk_-?\d+' --mask '(\d+\.){3}\d+(:\d+)?' --st 0.5 --depth 4)
    awk -v s="$(field seconds "$peer")" -v r="$(field lines_per_s "$peer")" 'BEGIN {
        printf "%-16s %7.2f s  %9.0f lines/s  (LogParser.parse alone, interpreter start not counted)\n", "loghub Drain.py", s, r }'
    local same differ
    differ=$(cmp <(event_ids "$out") <(event_ids "$(field structured "$peer")") 2>&1 | head -1 || true)
    same=$([ -z "$differ" ] && echo "identical on every line" || echo "DIFFERENT: $differ")
    echo "EventIds         $same"
    awk -v p="$(field seconds "$peer")" -v o="$seconds" 'BEGIN {
        printf "ratio            %.1fx Drain.py'"'"'s speed    goal > 1x (traceaid faster): %s\n", p / o, (p > o) ? "met" : "MISSED" }'
}

case $PART in
    quality) quality ;;
    speed) speed ;;
    *) quality; echo; speed ;;
esac
