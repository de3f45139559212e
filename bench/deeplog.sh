#!/usr/bin/env bash
# DeepLog on the HDFS sessions: evaluation and training speed against a batched PyTorch peer
# (Debian's python3-torch, 2 threads) on the same model file and data.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

HDFS=${HDFS:-../shared/data/hdfs}
MODEL=$BUILD/hdfs-deeplog.safetensors
PEER=bench/peers/deeplog_torch.py
EVAL_RUNS=${EVAL_RUNS:-3}
TRAIN_EPOCHS=${TRAIN_EPOCHS:-5}

if [ ! -f "$MODEL" ]; then
    echo "bench: training the HDFS model with the defaults ($MODEL)"
    start=$(date +%s.%N)
    ./traceaid train --model deeplog -o "$MODEL" --sessions "$HDFS/hdfs_train" 2>&1 | tail -1
    echo "bench: trained in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "bench: the DeepLog peer needs Debian's python3-torch: apt-get install python3-torch"
    exit 0
fi

echo "== DeepLog eval on hdfs_test_normal + hdfs_test_abnormal, median of $EVAL_RUNS runs"
ours=() peer=() peer_distinct=()
for _ in $(seq "$EVAL_RUNS"); do
    o=$(./traceaid eval --json --model "$MODEL" --normal "$HDFS/hdfs_test_normal" --abnormal "$HDFS/hdfs_test_abnormal")
    p=$(/usr/bin/python3 "$PEER" eval "$MODEL" "$HDFS/hdfs_test_normal" "$HDFS/hdfs_test_abnormal")
    d=$(/usr/bin/python3 "$PEER" eval-distinct "$MODEL" "$HDFS/hdfs_test_normal" "$HDFS/hdfs_test_abnormal")
    ours+=("$(awk -v w="$(jfield windows "$o")" -v s="$(jfield seconds "$o")" 'BEGIN { printf "%.0f", w / s }')")
    peer+=("$(field windows_per_s "$p")")
    peer_distinct+=("$(field windows_per_s "$d")")
done
echo "traceaid      $o"
echo "pytorch       $p"
echo "pytorch, each distinct window once: $d"
same="identical"
for k in fp fn; do
    [ "$(jfield "$k" "$o")" = "$(field "$k" "$p")" ] || same="DIFFERENT"
done
echo "FP and FN     $same"
echo "ratio         $(ratio "$(median "${ours[@]}")" "$(median "${peer[@]}")")x the peer's windows/s" \
     "($(median "${ours[@]}") vs $(median "${peer[@]}")); like for like, each distinct window once:" \
     "$(ratio "$(median "${ours[@]}")" "$(median "${peer_distinct[@]}")")x"

echo "== DeepLog training on hdfs_train, $TRAIN_EPOCHS epochs, median of $EVAL_RUNS runs"
ours=() peer=()
for _ in $(seq "$EVAL_RUNS"); do
    line=$(./traceaid train --epochs "$TRAIN_EPOCHS" -o "$BUILD/train-bench.safetensors" --sessions "$HDFS/hdfs_train" 2>&1 |
           grep "^epoch $TRAIN_EPOCHS/" | tail -1)
    ours+=("$(sed -n 's/.*  \([0-9,]*\) windows\/s.*/\1/p' <<<"$line" | tr -d ,)")
    p=$(/usr/bin/python3 "$PEER" train "$MODEL" "$HDFS/hdfs_train" "$TRAIN_EPOCHS")
    peer+=("$(field windows_per_s "$p")")
done
echo "traceaid      $line"
echo "pytorch       $p"
echo "ratio         $(ratio "$(median "${ours[@]}")" "$(median "${peer[@]}")")x the peer's training windows/s" \
     "($(median "${ours[@]}") vs $(median "${peer[@]}"))"
