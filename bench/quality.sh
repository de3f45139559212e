#!/usr/bin/env bash
# Detection quality on generated kernel traces, per anomaly kind, against the generator's
# ground truth: models trained on the 10 clean sample traces (make samples), scored on traces
# of other seeds. A segment is truly anomalous when it holds any event of a truth run.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

EVAL=$BUILD/quality
SEEDS=${SEEDS:-"201 202 203"}
EVENTS=${EVENTS:-50000}
mkdir -p "$EVAL"
for seed in $SEEDS; do
    for kind in clean fifo-ls fifo-ls-sporadic full-while half-while; do
        [ -f "$EVAL/$kind-$seed.csv" ] || ./traceaid gen --kind "$kind" --seed "$seed" --events "$EVENTS" -o "$EVAL/$kind-$seed.csv"
    done
done

train() {
    local kind=$1 model=$EVAL/$1.safetensors
    shift
    if [ ! -f "$model" ]; then
        ./traceaid train --model "$kind" "$@" -o "$model" samples/traces/clean-*.csv 2>&1 | grep -v '^epoch' >&2
        # DeepLog's train sets no threshold: calibrate on two of the clean samples
        if [ "$kind" = deeplog ]; then
            ./traceaid calibrate --model "$model" samples/traces/clean-09.csv samples/traces/clean-10.csv >&2
        fi
    fi
    echo "$model"
}

# segments of one scored trace: "segment flagged truth" a line
segments() {
    local model=$1 trace=$2 truth=${2%.csv}.truth
    ./traceaid score --csv --model "$model" "$trace" > "$EVAL/score.csv" || true
    awk -F, 'NR == FNR { if (FNR > 1) { for (s = int($1 / 1000); s <= int($2 / 1000); s++) bad[s + 1] = 1 } next }
             FNR > 1 { print $2, $9, (bad[$2] ? 1 : 0) }' "$truth" "$EVAL/score.csv"
}

report() {
    local name=$1 model=$2
    echo "== $name ($(./traceaid info "$model" | sed -n 3p))"
    printf '%-18s %9s %9s %10s %8s\n' kind segments flagged precision recall
    for kind in clean fifo-ls fifo-ls-sporadic full-while half-while; do
        for seed in $SEEDS; do segments "$model" "$EVAL/$kind-$seed.csv"; done |
            awk -v kind="$kind" '{ n++; f += $2; tp += $2 && $3; pos += $3 }
                END { if (kind == "clean") printf "%-18s %9d %9d %10s %8s   %.2f%% of clean segments flagged\n", kind, n, f, "-", "-", 100 * f / n;
                      else printf "%-18s %9d %9d %9.1f%% %7.1f%%\n", kind, n, f, f ? 100 * tp / f : 0, pos ? 100 * tp / pos : 0 }'
    done
}

report "seq2seq, the defaults" "$(train seq2seq)"
report "DeepLog, 100 epochs, calibrated on clean-09 and clean-10" "$(train deeplog --epochs 100)"
