#!/usr/bin/env bash
# make bench: each benchmark against its peer in the same run; medians of several runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/load.sh
bash bench/parse.sh
bash bench/kernel.sh
bash bench/deeplog.sh
bash bench/seq2seq.sh
bash bench/explorer.sh
bash bench/timeview.sh
bash bench/vocab.sh
bash bench/big.sh
