#!/usr/bin/env bash
# Detection quality against ground truth, per anomaly kind, on traces the models never saw,
# with the models `traceaid train` gives by default (both kinds):
#   (a) generated: trained on the 10 clean samples (make samples), evaluated on traces of seeds
#       never used (SEEDS, EVENTS events each: one clean and one of each anomaly per seed);
#   (b) recorded: the real perf recordings in samples/recorded/ (scripts/record.sh), trained on
#       the first TRAIN_CLEAN clean ones, evaluated on the other clean ones and every anomalous
#       one.
# A segment is anomalous when it holds any truth event (traceaid eval --truth). EXTRA_TRAIN
# adds options to every train (say '--epochs 100'); the models are kept in build/quality/ and
# trained again when the traces or the binary are newer.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

OUT=$BUILD/quality
SEEDS=${SEEDS:-"201 202 203"}
EVENTS=${EVENTS:-50000}
TRAIN_CLEAN=${TRAIN_CLEAN:-7}
EXTRA_TRAIN=${EXTRA_TRAIN:-}
RECORDED=samples/recorded
mkdir -p "$OUT/gen"

for seed in $SEEDS; do
    for kind in clean fifo-ls fifo-ls-sporadic full-while half-while; do
        trace=$OUT/gen/$kind-$seed.csv
        [ -f "$trace" ] || ./traceaid gen --kind "$kind" --seed "$seed" --events "$EVENTS" -o "$trace"
    done
done

# train KIND NAME TRACE...: the model file, trained again when out of date
train() {
    local kind=$1 model=$OUT/$2-$1.safetensors
    shift 2
    local stale=0 f
    for f in ./traceaid "$@"; do [ "$f" -nt "$model" ] && stale=1; done
    if [ $stale -eq 1 ]; then
        rm -f "$model" # a failed train must not leave an old model to be measured
        # shellcheck disable=SC2086 # EXTRA_TRAIN is word-split on purpose
        ./traceaid train --model "$kind" $EXTRA_TRAIN -o "$model" "$@" 2>&1 | grep -v '^epoch' | sed 's/^/  /' >&2
        [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "quality: training $kind failed" >&2; return 1; }
    fi
    echo "$model"
}

evaluate() {
    local title=$1 model=$2
    shift 2
    echo "== $title"
    ./traceaid eval --truth --model "$model" "$@"
    echo
}

shopt -s nullglob
gen_eval=()
for seed in $SEEDS; do gen_eval+=("$OUT"/gen/*-"$seed".csv); done
clean_train=() held_out=()
for f in "$RECORDED"/clean-*.perf-script.txt.xz; do
    if [ ${#clean_train[@]} -lt "$TRAIN_CLEAN" ]; then clean_train+=("$f"); else held_out+=("$f"); fi
done
anomalous=()
for f in "$RECORDED"/*.perf-script.txt.xz; do
    case $(basename "$f") in clean-*) ;; *) anomalous+=("$f") ;; esac
done

for kind in seq2seq deeplog; do
    model=$(train "$kind" gen samples/traces/clean-*.csv) || exit 2
    evaluate "$kind on generated traces of seeds $SEEDS (trained on samples/traces/clean-*)" "$model" "${gen_eval[@]}"
    if [ ${#clean_train[@]} -gt 0 ]; then
        model=$(train "$kind" recorded "${clean_train[@]}") || exit 2
        evaluate "$kind on recorded traces (trained on ${#clean_train[@]} clean recordings; ${#held_out[@]} held out)" \
            "$model" "${held_out[@]}" "${anomalous[@]}"
    fi
done
