#!/usr/bin/env bash
# A second labelled log beside HDFS: loghub's BGL_2k (tests/data/loghub/BGL), 2,000 lines of Blue
# Gene/L's RAS log whose first field is the label: "-" for a normal line, else the alert's
# category. DeepLog is trained on normal lines only, read raw (preset bgl: train mines the
# templates of the lines it learns and keeps them beside the model; eval and explain mine a log
# with them first, so an alert's unseen message is a new key), the truth is built from the labels
# (runs of alert lines as event intervals, io/truth.h), `eval --truth` counts the segments, and
# `explain` interprets the first alert it can. Two ways to train:
#   all-normal   on every normal line of the log, evaluated on the whole log: the alerts are
#                unseen, but most normal lines evaluated were trained on (its FP is optimistic);
#   first-half   on the normal lines of lines 1-1000, evaluated on lines 1001-2000: nothing
#                evaluated was seen, the honest split.
# SEGMENTS: the segment lengths tried. BGL_KEYS=parsed reads the structured CSV of one parse of
# the whole log instead (its template ids the keys), BGL_KEYS=loghub loghub's (its hand-checked
# templates). Thunderbird_2k's labels are counted too (all "-" in the sample: nothing to evaluate).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

LOGHUB=tests/data/loghub
OUT=$BUILD/bgl
SEGMENTS=${SEGMENTS:-"10 20 50 100"}
KEYS=${BGL_KEYS:-raw}
HALF=1000
mkdir -p "$OUT"
RAW=$OUT/BGL_2k.log
xz -dc "$LOGHUB/BGL/BGL_2k.log.xz" > "$RAW"

labels() { # FILE NAME: the labelled lines a raw log holds
    xz -dc "$1" | awk -v name="$2" '{ n++ } $1 != "-" { bad++; kind[$1]++ }
        END { printf "%s: %d lines, %d labelled as alerts", name, n, bad
              for (k in kind) list = list sprintf(" %s %d", k, kind[k])
              print (bad ? ":" list : "") }'
}
labels "$LOGHUB/BGL/BGL_2k.log.xz" BGL_2k
labels "$LOGHUB/Thunderbird/Thunderbird_2k.log.xz" Thunderbird_2k

# How traceaid parses the whole log (its grouping accuracy against loghub's hand-checked EventIds)
xz -dc "$LOGHUB/BGL/BGL_2k.log_structured.csv.xz" > "$OUT/BGL_2k_truth_structured.csv"
./traceaid parse "$RAW" -o "$OUT/BGL_2k_structured.csv" --log-format bgl --truth "$OUT/BGL_2k_truth_structured.csv"
case $KEYS in
    loghub)     # loghub's structured CSV: its hand-checked templates are the keys
        EXT=csv READ=()
        cp "$OUT/BGL_2k_truth_structured.csv" "$OUT/whole.csv" ;;
    parsed)     # traceaid parse's structured CSV of the whole log: its template ids are the keys
        EXT=csv READ=()
        cp "$OUT/BGL_2k_structured.csv" "$OUT/whole.csv" ;;
    *)          # the raw lines: train mines the templates of the lines it trains on and keeps
                # them with the model; eval and explain mine with them first, frozen
        EXT=log READ=(--log-format bgl)
        cp "$RAW" "$OUT/whole.log" ;;
esac
# The inputs, keyed as KEYS says: whole, normal (every normal line), first-normal (the normal
# lines of the first HALF), second (the lines after HALF); READ holds the options that read them.
# pick AWK_CONDITION OUT: the whole input's lines whose raw line (its number r, its label l)
# meets the condition; a CSV keeps its header. One row a line in both forms.
pick() {
    awk -v header="$([ "$EXT" = csv ] && echo 1 || echo 0)" "
        NR == FNR { label[FNR] = \$1; next }
        header && FNR == 1 { print; next }
        { r = FNR - header; l = label[r] } $1 { print }" "$RAW" "$OUT/whole.$EXT" > "$2"
}
pick 'l == "-"' "$OUT/normal.$EXT"
pick "l == \"-\" && r <= $HALF" "$OUT/first-normal.$EXT"
pick "r > $HALF" "$OUT/second.$EXT"

# truth FIRST_LINE OUT: the alert lines from raw line FIRST_LINE on, as runs of event indices
truth() {
    awk -v first="$1" 'NR >= first { i = NR - first; bad = $1 != "-" }
        NR >= first && bad && start < 0 { start = i }
        NR >= first && !bad && start >= 0 { print start "," i - 1 "," ++episode; start = -1 }
        BEGIN { start = -1; print "# kind: alert"; print "first_event,last_event,episode" }
        END { if (start >= 0) print start "," i "," ++episode }' "$RAW" > "$2"
}
truth 1 "$OUT/whole.truth"
truth $((HALF + 1)) "$OUT/second.truth"

# run SCHEME TRAIN EVAL SEGMENT: trains DeepLog (defaults but the segment length) and prints a row
run() {
    local model=$OUT/$1-$4.safetensors json
    ./traceaid train --model deeplog --segment "$4" -o "$model" "${READ[@]}" "$2" > "$OUT/train.out" 2>&1 ||
        { echo "bgl: training failed:"; cat "$OUT/train.out"; return 1; }
    json=$(./traceaid eval --truth --json --model "$model" "${READ[@]}" "$3" 2>>"$OUT/warnings")
    printf '%-12s %7s %8s %9s %4s %4s %4s %9s %8s %8s %7s %10s\n' "$1" "$4" "$(jfield segments "$json")" \
        "$(jfield anomalous "$json")" "$(jfield tp "$json")" "$(jfield fp "$json")" "$(jfield fn "$json")" \
        "$(awk -v v="$(jfield precision "$json")" 'BEGIN { printf v == "null" ? "-" : "%.1f%%", 100 * v }')" \
        "$(awk -v v="$(jfield recall "$json")" 'BEGIN { printf "%.1f%%", 100 * v }')" \
        "$(awk -v v="$(jfield f1 "$json")" 'BEGIN { printf "%.1f%%", 100 * v }')" \
        "$(awk -v v="$(jfield auc "$json")" 'BEGIN { printf "%.3f", v }')" "$(jfield threshold "$json")"
}

echo
echo "== DeepLog on BGL_2k (keys: $KEYS), trained on normal lines only; a segment is anomalous when it holds an alert line"
printf '%-12s %7s %8s %9s %4s %4s %4s %9s %8s %8s %7s %10s\n' training segment segments anomalous TP FP FN \
    precision recall F1 AUC threshold
rm -f "$OUT/warnings"
for seg in $SEGMENTS; do
    run all-normal "$OUT/normal.$EXT" "$OUT/whole.$EXT" "$seg"
    run first-half "$OUT/first-normal.$EXT" "$OUT/second.$EXT" "$seg"
done
# what eval said (the same for every segment length): the lines whose messages training never saw
sed 's/-[0-9]*\.templates\.csv/-SEGMENT.templates.csv/' "$OUT/warnings" | sort -u

# the first alert line of the whole log whose window the all-normal model can interpret
seg=$(awk '{ print $1; exit }' <<<"$SEGMENTS")
model=$OUT/all-normal-$seg.safetensors
while IFS=, read -r first last _; do
    for at in $(seq "$first" "$last"); do
        if ./traceaid explain --model "$model" "${READ[@]}" "$OUT/whole.$EXT" --at "$at" > "$OUT/explain.out" 2>&1; then
            echo
            echo "== traceaid explain --model $model $OUT/whole.$EXT --at $at (line $((at + 1)): $(sed -n "$((at + 1))p" "$RAW" | cut -c1-80))"
            cat "$OUT/explain.out"
            exit 0
        fi
    done
done < <(grep -v '^#' "$OUT/whole.truth" | tail -n +2)
echo "bgl: no alert line's window could be interpreted"
