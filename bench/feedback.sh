#!/usr/bin/env bash
# The feedback curve: what marking false positives and `traceaid update` buy, measured on data
# the marks were not taken from.
#   HDFS: hdfs_test_normal is split into a feedback pool (its first half of lines) and an
#   evaluation part (the rest). The default DeepLog model is trained on hdfs_train (a model per
#   seed of SEEDS); a user marks the first N false-positive sessions met in the pool (its flagged
#   distinct sessions in file order, from `score --json`), `update --sessions` learns them, and
#   `eval` measures on the evaluation part and all of hdfs_test_abnormal; N = 0 is the model
#   without update. Once per seed, the LABELS_N marks written as the pool's TRACE.labels.csv and
#   learned by `update --labels` are checked to give the same model as --sessions.
#   Beside it, the exact learning: the figures had the model learned exactly the (window, next
#   key) pairs the marked sessions missed, and nothing else (from `score --windows`); its FN is
#   the fewest of any update after which the marked sessions pass.
#   Kernel: seq2seq and DeepLog trained on the recorded clean-01..07; the segments
#   `score` flags in clean-08 are marked normal (a labels file), the model updated, and `eval
#   --truth` run on clean-09, clean-10 and every anomalous recording before and after. With
#   the thresholds `train` sets no clean-08 segment may be flagged (nothing to mark): KERNEL_K=K
#   sets a stricter one first, mean + K std of the segments train held back (calibrate --holdout).
#   Update sets the threshold again on the parts train held back; "recalibrated" checks it
#   against `calibrate --holdout 0.2` on the same traces.
# Tables on stdout, CSV in build/bench/feedback/. PARTS="hdfs" or "kernel" runs one part,
# EXTRA_UPDATE adds options to every update (say '--epochs 20'); the trained models are kept
# and trained again when the binary or the data is newer.
set -euo pipefail
trap 'echo "feedback: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."
. bench/lib.sh

OUT=$BUILD/feedback
HDFS=${HDFS:-../shared/data/hdfs}
SEEDS=${SEEDS:-1}
MARKS=${MARKS:-"10 25 50 100 200"}
LABELS_N=${LABELS_N:-50}
EXTRA_UPDATE=${EXTRA_UPDATE:-}
PARTS=${PARTS:-"hdfs kernel"}
KERNEL_K=${KERNEL_K:-}
RECORDED=samples/recorded
mkdir -p "$OUT"

if ! ./traceaid update --help >/dev/null 2>&1; then
    echo "feedback: this traceaid has no update command" >&2
    exit 2
fi

# The small parsing jobs, in Python's json and csv modules: py COMMAND ARG...
py() {
    python3 - "$@" <<'PY'
import csv, json, sys

def load(path):
    with open(path) as f:
        return json.load(f)

def escape(name):
    # io/labels.h: a key name's space, '%' and control characters as %XX
    return "".join("%%%02X" % ord(c) if c in " %" or ord(c) < 0x20 or ord(c) == 0x7f else c for c in name)

def labels_row(unit, first, keys):
    # the keys field quoted as io/csv_write.c quotes text (its quotes doubled)
    return '%s,%d,%d,normal,"%s"\n' % (unit, first, len(keys), " ".join(escape(k) for k in keys).replace('"', '""'))

cmd, args = sys.argv[1], sys.argv[2:]
if cmd == "flagged-sessions":        # SCORE_JSON: "session first_event length" per flagged distinct session
    for s in load(args[0])["files"][0]["distinct_sessions"]:
        if s["flagged"]:
            print(s["session"], s["first_event"], s["length"])
elif cmd == "eval":                  # EVAL_JSON: "fp fn tp f1"
    e = load(args[0])
    print(e["fp"], e["fn"], e["tp"], "%.4f" % e["f1"])
elif cmd == "session-labels":        # FLAGGED SESSIONFILE N OUT: the first N as a marks file
    rows = [l.split() for l in open(args[0])][: int(args[2])]
    lines = [l.split() for l in open(args[1])]
    with open(args[3], "w") as out:
        out.write("unit,first_event,events,label,keys\n")
        for index, first, length in rows:
            keys = lines[int(index) - 1]
            assert len(keys) == int(length), "session %s: %d keys, score says %s" % (index, len(keys), length)
            out.write(labels_row("session", int(first), keys))
elif cmd == "segment-labels":        # SCORE_JSON EVENTS_CSV OUT: the flagged segments as a marks file
    keys = [row["key"] for row in csv.DictReader(open(args[1], newline=""))]
    n = 0
    with open(args[2], "w") as out:
        out.write("unit,first_event,events,label,keys\n")
        for seg in load(args[0])["files"][0]["segments"]:
            if seg["flagged"]:
                out.write(labels_row("segment", seg["first_event"], keys[seg["first_event"] : seg["last_event"] + 1]))
                n += 1
    print(n)
elif cmd == "oracle":               # DIR N...: FP FN TP F1 had the model learned exactly the marked misses
    import bisect
    def missed(name):
        # per distinct session (its row in score --csv): the (window, next key) pairs it missed
        ses = list(csv.DictReader(open("%s/%s.sessions.csv" % (args[0], name), newline="")))
        starts = sorted((int(r["first_event"]), int(r["length"]), i) for i, r in enumerate(ses))
        firsts = [f for f, _, _ in starts]
        pairs = {}
        for r in csv.DictReader(open("%s/%s.windows.csv" % (args[0], name), newline="")):
            if r["misses"] != "0":
                first, length, i = starts[bisect.bisect_right(firsts, int(r["first_event"])) - 1]
                if int(r["first_event"]) < first + length:  # not a copy of a session listed before
                    pairs.setdefault(i, set()).add((r["input"], r["actual"]))
        return ses, pairs
    def flagged_still(ses, pairs, learned):
        return sum(1 for i, r in enumerate(ses) if r["flagged"] == "1"
                   and not (r["reason"] == "miss" and pairs.get(i, set()) <= learned))
    pool, pool_pairs = missed("pool")
    normal, normal_pairs = missed("eval")
    abnormal, abnormal_pairs = missed("abnormal")
    marked = [i for i, r in enumerate(pool) if r["flagged"] == "1"]
    for n in [0] + [int(a) for a in args[1:]]:
        learned = set().union(*[pool_pairs.get(i, set()) for i in marked[:n]])
        fp, tp = flagged_still(normal, normal_pairs, learned), flagged_still(abnormal, abnormal_pairs, learned)
        fn = len(abnormal) - tp
        print(n, min(n, len(marked)), fp, fn, tp, "%.4f" % (2 * tp / (2 * tp + fp + fn)))
elif cmd == "truth":                 # EVAL_JSON: "clean_flagged/clean_segments normal_flagged/normal recall... f1"
    e = load(args[0])
    kinds = {k["kind"]: k for k in e["kinds"]}
    a = e["all"]
    cols = ["%d/%d" % (kinds["clean"]["clean_flagged"], kinds["clean"]["clean_segments"]) if "clean" in kinds else "-",
            "%d/%d" % (a["normal_flagged_in_anomalous_traces"], a["normal_segments_in_anomalous_traces"])]
    for kind in args[1:]:
        r = kinds.get(kind, {}).get("recall")
        cols.append("-" if r is None else "%.3f" % r)
    cols.append("-" if a["f1"] is None else "%.3f" % a["f1"])
    print(" ".join(cols))
PY
}

# A command whose exit status 1 means "something flagged", not a failure.
flagging() { "$@" || [ $? -eq 1 ]; }

# stale FILE INPUT...: FILE is missing or older than one of the inputs
stale() {
    local f=$1
    shift
    [ -f "$f" ] || return 0
    local i
    for i in ./traceaid "$@"; do [ "$i" -nt "$f" ] && return 0; done
    return 1
}

# quietly WHAT COMMAND...: runs it, showing its output but the epoch lines on stderr; exits on failure
quietly() {
    local what=$1
    shift
    if ! "$@" >"$OUT/run.log" 2>&1; then
        cat "$OUT/run.log" >&2
        echo "feedback: $what failed" >&2
        exit 2
    fi
    tr '\r' '\n' <"$OUT/run.log" | grep -v '^epoch' | grep . | sed 's/^/  /' >&2 || true
}

# update MODEL OUT ARGS...: the updated model (a failed update leaves no file to be measured)
update() {
    local model=$1 out=$2
    shift 2
    rm -f "$out"
    # shellcheck disable=SC2086 # EXTRA_UPDATE is word-split on purpose
    quietly "update of $model" ./traceaid update --model "$model" -o "$out" $EXTRA_UPDATE "$@"
}

hdfs_eval() { # MODEL: "fp fn tp f1" on the evaluation part and hdfs_test_abnormal
    ./traceaid eval --json --model "$1" --normal "$EVAL_PART" --abnormal "$HDFS/hdfs_test_abnormal" >"$OUT/eval.json"
    py eval "$OUT/eval.json"
}

pool_fp() { # MODEL: the pool's flagged distinct sessions
    flagging ./traceaid score --json --flagged --model "$1" "$POOL" >"$OUT/pool-after.json"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][0]["flagged_distinct"])' "$OUT/pool-after.json"
}

part() { [[ " $PARTS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- HDFS
# row SEED N MARKS MODEL: a line of the table and of the CSV
row() {
    local figures left
    read -r -a figures <<<"$(hdfs_eval "$4")"
    left=$(pool_fp "$4")
    printf '%5s %6s %6s %6s %6s %7.2f%% %8s\n' "$2" "$3" "${figures[0]}" "${figures[1]}" "${figures[2]}" \
        "$(awk -v f="${figures[3]}" 'BEGIN { print 100 * f }')" "$left"
    echo "$1,$2,$3,${figures[0]},${figures[1]},${figures[2]},${figures[3]},$left" >>"$CSV"
}

hdfs_part() {
    POOL=$OUT/hdfs_pool
    EVAL_PART=$OUT/hdfs_eval
    local lines
    lines=$(wc -l <"$HDFS/hdfs_test_normal")
    head -n $((lines / 2)) "$HDFS/hdfs_test_normal" >"$POOL"
    tail -n +$((lines / 2 + 1)) "$HDFS/hdfs_test_normal" >"$EVAL_PART"
    echo "HDFS: pool $(wc -l <"$POOL") sessions (the first half of hdfs_test_normal), evaluation part" \
        "$(wc -l <"$EVAL_PART") normal + hdfs_test_abnormal"
    CSV=$OUT/hdfs.csv
    echo "seed,n,marks,fp,fn,tp,f1,pool_fp" >"$CSV"
    echo "seed,n,marks,fp,fn,tp,f1" >"$OUT/hdfs-oracle.csv"
    local seed
    for seed in $SEEDS; do hdfs_seed "$seed"; done
    echo "wrote $CSV and $OUT/hdfs-oracle.csv"
}

hdfs_seed() {
    local seed=$1 model=$OUT/hdfs-s$1.safetensors flagged=$OUT/pool-s$1.flagged n marks updated
    if stale "$model" "$HDFS/hdfs_train"; then
        rm -f "$model"
        quietly "training" ./traceaid train --model deeplog --seed "$seed" -o "$model" --sessions "$HDFS/hdfs_train"
    fi
    flagging ./traceaid score --json --model "$model" "$POOL" >"$OUT/pool-s$seed.json"
    py flagged-sessions "$OUT/pool-s$seed.json" >"$flagged"
    echo
    echo "== seed $seed: $(wc -l <"$flagged") false-positive sessions in the pool"
    printf '%5s %6s %6s %6s %6s %8s %8s\n' N marks FP FN TP F1 "pool FP"
    row "$seed" 0 0 "$model"
    for n in $MARKS; do
        marks=$OUT/marks-s$seed-$n.txt
        head -n "$n" "$flagged" | awk 'NR == FNR { want[$1]; next } FNR in want' - "$POOL" >"$marks"
        updated=$OUT/hdfs-s$seed-n$n.safetensors
        update "$model" "$updated" --seed "$seed" --sessions "$marks"
        row "$seed" "$n" "$(wc -l <"$marks")" "$updated"
    done

    # What learning exactly the marked sessions' missed (window, next key) pairs would give, the
    # rest of the model unchanged: the evaluation part's FP and the anomalous sessions' TP whose
    # every miss is such a pair are no longer flagged. Its FN is the fewest of any update that
    # makes the marks pass (the same window gives the same verdict in every session).
    local name file
    for name in pool eval abnormal; do
        file=$POOL
        [ $name = eval ] && file=$EVAL_PART
        [ $name = abnormal ] && file=$HDFS/hdfs_test_abnormal
        flagging ./traceaid score --csv --model "$model" "$file" >"$OUT/$name.sessions.csv"
        flagging ./traceaid score --windows --model "$model" "$file" >"$OUT/$name.windows.csv"
    done
    echo "if exactly the marked sessions' missed (window, next key) pairs were learned and nothing else changed:"
    # shellcheck disable=SC2086 # the counts, one argument each
    py oracle "$OUT" $MARKS | while read -r n marked fp fn tp f1; do
        printf '%5s %6s %6s %6s %6s %7.2f%%\n' "$n" "$marked" "$fp" "$fn" "$tp" "$(awk -v f="$f1" 'BEGIN { print 100 * f }')"
        echo "$seed,$n,$marked,$fp,$fn,$tp,$f1" >>"$OUT/hdfs-oracle.csv"
    done

    # The same marks through a marks file beside the pool: the same model?
    n=$LABELS_N
    head -n "$n" "$flagged" | awk 'NR == FNR { want[$1]; next } FNR in want' - "$POOL" >"$OUT/marks-s$seed-$n.txt"
    py session-labels "$flagged" "$POOL" "$n" "$POOL.labels.csv"
    local by_sessions=$OUT/hdfs-s$seed-n$n.safetensors by_labels=$OUT/hdfs-s$seed-n$n-labels.safetensors
    [ -f "$by_sessions" ] || update "$model" "$by_sessions" --seed "$seed" --sessions "$OUT/marks-s$seed-$n.txt"
    update "$model" "$by_labels" --seed "$seed" --labels "$POOL.labels.csv"
    if cmp -s "$by_sessions" "$by_labels"; then
        echo "marks file: update --labels $(basename "$POOL").labels.csv ($n rows) writes the model --sessions does, byte for byte"
    elif [ "$(hdfs_eval "$by_sessions")" = "$(hdfs_eval "$by_labels")" ]; then
        echo "marks file: update --labels ($n rows) writes another file than --sessions, with the same eval: $(hdfs_eval "$by_labels")"
    else
        echo "marks file: update --labels ($n rows) and --sessions DIFFER: $(hdfs_eval "$by_labels") against $(hdfs_eval "$by_sessions")"
    fi
}

# ---------------------------------------------------------------- kernel traces
kernel_part() {
    shopt -s nullglob
    train_clean=("$RECORDED"/clean-0[1-7].perf-script.txt.xz)
    evaluated=("$RECORDED"/clean-09.perf-script.txt.xz "$RECORDED"/clean-10.perf-script.txt.xz)
    for f in "$RECORDED"/*.perf-script.txt.xz; do
        case $(basename "$f") in clean-*) ;; *) evaluated+=("$f") ;; esac
    done
    # clean-08 opened from here, so its marks file lies here and not among the recordings
    feedback_trace=$OUT/clean-08.perf-script.txt.xz
    ln -sf "$(realpath "$RECORDED/clean-08.perf-script.txt.xz")" "$feedback_trace"
    KINDS="fifo-ls fifo-ls-sporadic full-while half-while"

    CSV=$OUT/kernel${KERNEL_K:+-k$KERNEL_K}.csv
    echo "model,stage,marked_segments,clean_flagged,normal_flagged_in_anomalous,${KINDS// /_recall,}_recall,f1" >"$CSV"
    echo
    echo "== kernel traces: trained on clean-01..07${KERNEL_K:+, threshold mean + $KERNEL_K std}, marks from clean-08," \
        "evaluated on clean-09, clean-10 and the anomalous recordings"
    printf '%-8s %-12s %6s %13s %17s' model stage marks "clean flagged" "normal in anom."
    for k in $KINDS; do printf ' %9.9s' "$k"; done
    printf ' %6s\n' F1
    for kind in seq2seq deeplog; do
        model=$OUT/recorded-$kind.safetensors
        if stale "$model" "${train_clean[@]}"; then
            rm -f "$model"
            quietly "training $kind" ./traceaid train --model "$kind" -o "$model" "${train_clean[@]}"
        fi
        if [ -n "$KERNEL_K" ]; then
            local strict=$OUT/recorded-$kind-k$KERNEL_K.safetensors
            cp "$model" "$strict"
            cp "${model%.safetensors}.windows.safetensors" "${strict%.safetensors}.windows.safetensors"
            quietly "calibrating $kind" ./traceaid calibrate --model "$strict" --holdout 0.2 --k "$KERNEL_K" "${train_clean[@]}"
            model=$strict
        fi
        flagging ./traceaid score --json --model "$model" "$feedback_trace" >"$OUT/clean-08-$kind.json"
        flagging ./traceaid score --events --model "$model" "$feedback_trace" >"$OUT/clean-08-$kind.events.csv"
        marked=$(py segment-labels "$OUT/clean-08-$kind.json" "$OUT/clean-08-$kind.events.csv" "$feedback_trace.labels.csv")
        updated=${model%.safetensors}-updated.safetensors
        stages="before"
        local recalibrated=${updated%.safetensors}-recalibrated.safetensors
        if [ "$marked" -gt 0 ]; then
            update "$model" "$updated" --labels "$feedback_trace.labels.csv"
            # update sets the threshold again on the parts train held back: the same as calibrate's?
            cp "$updated" "$recalibrated"
            cp "${updated%.safetensors}.windows.safetensors" "${recalibrated%.safetensors}.windows.safetensors"
            quietly "calibrating the updated $kind" ./traceaid calibrate --model "$recalibrated" --holdout 0.2 \
                ${KERNEL_K:+--k "$KERNEL_K"} "${train_clean[@]}"
            stages="before after recalibrated"
        fi
        for stage in $stages; do
            m=$model
            [ "$stage" = after ] && m=$updated
            [ "$stage" = recalibrated ] && m=$recalibrated
            ./traceaid eval --truth --json --model "$m" "${evaluated[@]}" >"$OUT/truth.json"
            # shellcheck disable=SC2086 # the kinds, one argument each
            read -r -a figures <<<"$(py truth "$OUT/truth.json" $KINDS)"
            printf '%-8s %-12s %6s %13s %17s' "$kind" "$stage" "$marked" "${figures[0]}" "${figures[1]}"
            for ((i = 2; i < ${#figures[@]} - 1; i++)); do printf ' %9s' "${figures[i]}"; done
            printf ' %6s\n' "${figures[-1]}"
            (IFS=,; echo "$kind,$stage,$marked,${figures[*]}") >>"$CSV"
        done
        [ "$marked" -gt 0 ] || echo "  ($kind flags no segment of clean-08: nothing to mark)"
    done
    echo "wrote $CSV"
}

if part hdfs; then hdfs_part; fi
if part kernel; then kernel_part; fi
