#!/usr/bin/env bash
# Records a real kernel trace of this machine with perf, for the tests and benchmarks to read
# without recording: system-wide (-a) for SECONDS while a small bounded workload runs, pinned to
# one CPU. Writes OUT_DIR/NAME.perf.data.zst (the perf.data, zstd -19) and
# OUT_DIR/NAME.perf-script.txt.zst (`perf script` of it, default fields, zstd -19).
#
#   scripts/record_perf.sh [-s SECONDS] [-e EVENTS] [-w WORKLOAD] [-c CPU] [-r RECORD_OPTS] OUT_DIR NAME
#
#   -s SECONDS     how long to record (default 1; may be fractional); the workload is stopped then
#   -e EVENTS      comma- or space-separated perf events (default 'sched:*,irq:*,timer:*')
#   -w WORKLOAD    shell command run meanwhile under `timeout SECONDS taskset -c CPU`
#                  (default: a mix of sleep, ls -R /usr/share and dd | gzip)
#   -c CPU         the CPU the workload is pinned to (default: the last one)
#   -r RECORD_OPTS more `perf record` options, word-split (e.g. '-g -F 999')
#
# Needs root (system-wide tracepoints) and perf; zstd for compressing. perf.data is recorded with
# -B -N (no build-ids, no build-id cache) so it stays small and `perf script -i` reads it on
# another machine (the tracepoint formats travel in the file; symbols for call chains do not).
set -euo pipefail

usage() {
    sed -n 's/^#   \{0,1\}//p' "$0" | sed -n '/^scripts\/record_perf.sh/,/^-r/p' >&2
    exit 2
}

seconds=1
events='sched:*,irq:*,timer:*'
workload='sleep 0.2; ls -R /usr/share >/dev/null 2>&1; dd if=/dev/zero bs=1M count=50 2>/dev/null | gzip -1 >/dev/null; sleep 0.1'
cpu=$(($(nproc) - 1))
record_opts=''
while getopts 's:e:w:c:r:h' opt; do
    case $opt in
        s) seconds=$OPTARG ;;
        e) events=$OPTARG ;;
        w) workload=$OPTARG ;;
        c) cpu=$OPTARG ;;
        r) record_opts=$OPTARG ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
out_dir=$1 name=$2

if [ "$(id -u)" -ne 0 ]; then
    echo "record_perf: needs root (system-wide kernel tracepoints); run it with sudo" >&2
    exit 1
fi
if ! command -v perf > /dev/null; then
    echo "record_perf: perf not found; install it (Debian: apt-get install linux-perf)" >&2
    exit 1
fi
if ! command -v zstd > /dev/null; then
    echo "record_perf: zstd not found; install it (Debian: apt-get install zstd)" >&2
    exit 1
fi
if ! [[ $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    echo "record_perf: -s wants a number of seconds, not '$seconds'" >&2
    exit 2
fi
mkdir -p "$out_dir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/record_perf.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'echo "record_perf: interrupted" >&2; exit 130' INT TERM

event_args=()
IFS=', ' read -r -a event_list <<< "$events"
for e in "${event_list[@]}"; do
    [ -n "$e" ] && event_args+=(-e "$e")
done
# shellcheck disable=SC2206 # word-splitting the extra perf record options is the point
extra=($record_opts)

# The recording lasts SECONDS: the workload is stopped then if it is still running, and the
# recording still lasts SECONDS if it ends sooner. timeout -k makes sure nothing outlives it.
printf '%s\n' "$workload" > "$tmp/workload.sh"
cat > "$tmp/run.sh" << EOF
timeout -k 2 $seconds taskset -c $cpu bash $tmp/workload.sh > /dev/null 2>&1 &
sleep $seconds
wait
exit 0
EOF

echo "record_perf: recording ${event_list[*]} ${extra[*]} for ${seconds}s, workload on CPU $cpu" >&2
timeout -k 5 "$(awk "BEGIN { print $seconds + 30 }")" \
    perf record -a -B -N "${event_args[@]}" "${extra[@]}" -o "$tmp/perf.data" -- bash "$tmp/run.sh" \
    2> "$tmp/record.err" || { cat "$tmp/record.err" >&2; exit 1; }
grep -v '^\[ perf record' "$tmp/record.err" >&2 || true

perf script -i "$tmp/perf.data" > "$tmp/perf-script.txt" 2> "$tmp/script.err" \
    || { cat "$tmp/script.err" >&2; exit 1; }
cat "$tmp/script.err" >&2 # warnings, such as lost events

zstd -q -19 -T0 -f "$tmp/perf.data" -o "$out_dir/$name.perf.data.zst"
zstd -q -19 -T0 -f "$tmp/perf-script.txt" -o "$out_dir/$name.perf-script.txt.zst"
chmod 644 "$out_dir/$name.perf.data.zst" "$out_dir/$name.perf-script.txt.zst" # perf.data is 0600

# An event is a line that is neither blank nor starts with a tab (call chain lines do, and a
# blank line ends each chain); the comm column is right-aligned, so events may start with spaces.
records=$(grep -c -v -e '^$' -e $'^\t' "$tmp/perf-script.txt" || true)
lines=$(wc -l < "$tmp/perf-script.txt")
echo "record_perf: $records events ($lines lines of perf script)" >&2
ls -l "$out_dir/$name.perf.data.zst" "$out_dir/$name.perf-script.txt.zst" >&2
