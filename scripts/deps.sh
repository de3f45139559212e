#!/usr/bin/env bash
# Checks the build's dependencies (with "bench", the benchmarks' peers' too). Missing ones are installed with apt-get when run as root;
# otherwise the exact command is printed and the build stops.
set -euo pipefail

missing=()

have_pkg() { command -v pkg-config >/dev/null && pkg-config --exists "$1"; }
have_header() { echo "#include <$1>" | gcc -E -x c - >/dev/null 2>&1; }

command -v gcc >/dev/null || missing+=(gcc)
command -v make >/dev/null || missing+=(make)
command -v pkg-config >/dev/null || missing+=(pkg-config)
have_pkg ncursesw || missing+=(libncurses-dev)
have_header csv.h || missing+=(libcsv-dev)
have_pkg openblas || missing+=(libopenblas-dev)
have_pkg jansson || missing+=(libjansson-dev)
have_pkg cmocka || missing+=(libcmocka-dev)
# the trace readers: compressed input, LTTng (CTF), trace-cmd's trace.dat
have_pkg zlib || missing+=(zlib1g-dev)
have_pkg liblzma || missing+=(liblzma-dev)
have_pkg libzstd || missing+=(libzstd-dev)
have_pkg babeltrace2 || missing+=(libbabeltrace2-dev)
have_pkg libtracecmd || missing+=(libtracecmd-dev)
# raw logs: their line formats and masks (PCRE2), their template ids (nettle's MD5)
have_pkg libpcre2-8 || missing+=(libpcre2-dev)
have_pkg nettle || missing+=(nettle-dev)
command -v tmux >/dev/null || missing+=(tmux)
# a perf.data file is read through `perf script` (the tests read recorded ones)
command -v perf >/dev/null || missing+=(linux-perf)
# the fleet scripts' merge (scripts/fleet/merge.sh) reads and writes JSON with jq; test_fleet runs it
command -v jq >/dev/null || missing+=(jq)
# make fuzz builds with Debian's clang and its fuzzer runtime
if [ "${1:-}" = fuzz ]; then
    command -v clang >/dev/null || missing+=(clang)
    echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
        clang -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null || missing+=(libclang-rt-14-dev)
fi
# make bench runs its peers on Debian's Python and PyTorch
if [ "${1:-}" = bench ]; then
    /usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
    # the kernel-trace benchmark's data and peer
    command -v zstd >/dev/null || missing+=(zstd)
    command -v babeltrace2 >/dev/null || missing+=(babeltrace2)
    # the log parser's peer: loghub's Drain (bench/peers/loghub_drain.py) on pandas and regex
    /usr/bin/python3 -c 'import pandas, regex' 2>/dev/null || missing+=(python3-pandas python3-regex)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "deps: missing ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
