#!/usr/bin/env bash
# The seq2seq model: scoring a 1,000,000-event trace and training, against a batched PyTorch
# peer (Debian's python3-torch, 2 threads, greedy) on the same model file and data; the
# predicted keys of every window must be identical.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

MODEL=$BUILD/flight-seq2seq.safetensors
TRACE=$BUILD/trace-1m.csv
PEER=bench/peers/seq2seq_torch.py
EVAL_RUNS=${EVAL_RUNS:-3}
TRAIN_EPOCHS=${TRAIN_EPOCHS:-2}
[ -f "$TRACE" ] || ./traceaid gen --kind fifo-ls --events 1000000 --seed 42 -o "$TRACE"
if [ ! -f "$MODEL" ]; then
    echo "bench: training the flight-controller seq2seq model with the defaults ($MODEL)"
    ./traceaid train --model seq2seq -o "$MODEL" samples/traces/clean-*.csv 2>&1 | grep -v '^epoch' | tail -1
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "bench: the seq2seq peer needs Debian's python3-torch: apt-get install python3-torch"
    exit 0
fi

echo "== seq2seq scoring of a 1,000,000-event trace (windows of 5 predicting 5, stride 5), median of $EVAL_RUNS runs"
ours=() peer=() peer_distinct=()
for _ in $(seq "$EVAL_RUNS"); do
    o=$(./traceaid score --json --model "$MODEL" "$TRACE" | head -c 200 || true)
    ours+=("$(awk -v w="$(jfield windows "$o")" -v s="$(jfield seconds "$o")" 'BEGIN { printf "%.0f", w / s }')")
    p=$(/usr/bin/python3 "$PEER" score "$MODEL" "$TRACE" "$BUILD/peer-predicted.txt")
    d=$(/usr/bin/python3 "$PEER" score "$MODEL" "$TRACE" "$BUILD/peer-predicted-distinct.txt" distinct)
    peer+=("$(field windows_per_s "$p")")
    peer_distinct+=("$(field windows_per_s "$d")")
done
./traceaid score --windows --model "$MODEL" "$TRACE" | tail -n +2 | awk -F'"' '{ print $6 }' > "$BUILD/our-predicted.txt" || true
same=DIFFERENT
cmp -s "$BUILD/our-predicted.txt" "$BUILD/peer-predicted.txt" && same=identical
echo "traceaid      windows=$(jfield windows "$o") seconds=$(jfield seconds "$o")"
echo "pytorch       $p"
echo "pytorch, each distinct window once: $d"
echo "predicted keys of all $(wc -l < "$BUILD/our-predicted.txt") windows: $same"
echo "ratio         $(ratio "$(median "${ours[@]}")" "$(median "${peer[@]}")")x the peer's windows/s" \
     "($(median "${ours[@]}") vs $(median "${peer[@]}")); like for like, each distinct window once:" \
     "$(ratio "$(median "${ours[@]}")" "$(median "${peer_distinct[@]}")")x"

echo "== seq2seq training on the 10 clean samples, $TRAIN_EPOCHS epochs, median of $EVAL_RUNS runs"
ours=() peer=()
for _ in $(seq "$EVAL_RUNS"); do
    line=$(./traceaid train --model seq2seq --epochs "$TRAIN_EPOCHS" --holdout 0.2 -o "$BUILD/train-bench.safetensors" \
           samples/traces/clean-*.csv 2>&1 | grep "^epoch $TRAIN_EPOCHS/" | tail -1)
    ours+=("$(sed -n 's/.*  \([0-9,]*\) windows\/s.*/\1/p' <<<"$line" | tr -d ,)")
    p=$(/usr/bin/python3 "$PEER" train "$MODEL" "$TRAIN_EPOCHS" samples/traces/clean-*.csv)
    peer+=("$(field windows_per_s "$p")")
done
echo "traceaid      $line"
echo "pytorch       $p"
echo "ratio         $(ratio "$(median "${ours[@]}")" "$(median "${peer[@]}")")x the peer's training windows/s" \
     "($(median "${ours[@]}") vs $(median "${peer[@]}"))"
