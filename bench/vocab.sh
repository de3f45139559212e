#!/usr/bin/env bash
# A 100,000-key vocabulary (issue 17): training and scoring a DeepLog model whose output layer
# covers every key, its softmax taken a block of keys at a time. Sessions come from
# bench/gen_vocab.awk: flows of 20 keys, a session walking one flow, so every key occurs and
# the next key is learnable. Prints wall time and peak RSS (/usr/bin/time -v), medians of RUNS
# runs, each beside its goal: progress within an epoch about every second, scoring memory
# bounded by the batch (no windows x vocabulary term: the same RSS for a trace twice as long
# with twice the distinct windows).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

RUNS=${RUNS:-3}
KEYS=${KEYS:-100000}
EPOCHS=${EPOCHS:-1}
FLOW=${FLOW:-20}
DIR=$BUILD/vocab
mkdir -p "$DIR"
gen() { awk -v keys="$KEYS" -v flow="$FLOW" -v sessions="$1" -v len="$FLOW" -v seed="$2" -f bench/gen_vocab.awk > "$3"; }
TRAIN=$DIR/train.txt SHORT=$DIR/score-1x.txt LONG=$DIR/score-2x.txt MODEL=$DIR/model.safetensors
# each session one window: the flow's last key predicted from the others
gen $((KEYS / FLOW)) 1 "$TRAIN"
gen $((KEYS / FLOW / 2)) 2 "$SHORT"
gen $((KEYS / FLOW)) 3 "$LONG"
ARGS=(--hidden 8 --layers 1 --window $((FLOW - 1)) --top-g 10 --batch 256 --epochs "$EPOCHS")

# timed LOG CMD...: runs CMD under /usr/bin/time -v, stderr (with a clock per line) to LOG
timed() {
    local log=$1; shift
    local start; start=$(date +%s.%N)
    { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } |
        while IFS= read -r line; do printf '%.2f %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$line"; done > "$log"
}
wall() { awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
rss_mb() { awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$1"; }
# seconds from the training windows' line to the first progress line within epoch 1
first_progress() {
    awk '/ train: .* windows of / { t0 = $1 } / epoch 1\/[0-9]+  [0-9,]+\/[0-9,]+ windows/ && t0 != "" { printf "%.1f", $1 - t0; exit }' "$1"
}

echo "== a $KEYS-key vocabulary: DeepLog (${ARGS[*]}), median of $RUNS runs (a shared machine)"
t_train=() r_train=() p_train=() t_short=() r_short=() t_long=() r_long=()
for run in $(seq "$RUNS"); do
    timed "$DIR/train-$run.log" ./traceaid train "${ARGS[@]}" -o "$MODEL" --sessions "$TRAIN"
    t_train+=("$(wall "$DIR/train-$run.log")") r_train+=("$(rss_mb "$DIR/train-$run.log")")
    p_train+=("$(first_progress "$DIR/train-$run.log")")
    timed "$DIR/score-1x-$run.log" ./traceaid score --json --model "$MODEL" --sessions "$SHORT"
    t_short+=("$(wall "$DIR/score-1x-$run.log")") r_short+=("$(rss_mb "$DIR/score-1x-$run.log")")
    timed "$DIR/score-2x-$run.log" ./traceaid score --json --model "$MODEL" --sessions "$LONG"
    t_long+=("$(wall "$DIR/score-2x-$run.log")") r_long+=("$(rss_mb "$DIR/score-2x-$run.log")")
done
grep -h "train: .* windows of\|final loss" "$DIR/train-1.log" | cut -d' ' -f2-
events() { wc -w < "$1" | tr -d ' '; }
echo "train            $(median "${t_train[@]}") s, peak RSS $(median "${r_train[@]}") MB (goal: bounded by the batch, not batch x vocabulary)"
echo "train progress   first line within epoch 1 after $(median "${p_train[@]}") s (goal: about every second)"
echo "score 1x         $(events "$SHORT") events: $(median "${t_short[@]}") s, peak RSS $(median "${r_short[@]}") MB"
echo "score 2x         $(events "$LONG") events: $(median "${t_long[@]}") s, peak RSS $(median "${r_long[@]}") MB (goal: RSS not growing with windows beyond their verdicts)"
