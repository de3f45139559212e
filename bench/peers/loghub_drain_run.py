#!/usr/bin/env python3
"""The speed peer of bench/parse.sh: loghub's Drain (loghub_drain.py, unchanged) parsing one raw
log with the given format, masks, similarity threshold and depth, as its benchmark.py calls it,
RUNS times; prints one key=value line with the median wall time of LogParser.parse (reading the
log, parsing, writing the structured CSV and the templates, as `traceaid parse -o` does).
keep_para is off: traceaid writes no ParameterList column, so the peer does not compute one.

  loghub_drain_run.py LOG --format FMT [--mask RE]... [--st 0.5] [--depth 4] [--runs 3] [--out DIR]
"""
import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loghub_drain import LogParser  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--format", required=True)
    ap.add_argument("--mask", action="append", default=[])
    ap.add_argument("--st", type=float, default=0.4)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=None, help="where the structured CSV goes (a temporary folder)")
    args = ap.parse_args()

    out = args.out or tempfile.mkdtemp(prefix="loghub_drain.")
    indir, name = os.path.split(os.path.abspath(args.log))
    seconds = []
    for _ in range(args.runs):
        parser = LogParser(args.format, indir=indir, outdir=out, depth=args.depth, st=args.st,
                           rex=args.mask, keep_para=False)
        start = time.perf_counter()
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            parser.parse(name)
        seconds.append(time.perf_counter() - start)
    lines = len(parser.df_log)
    templates = parser.df_log["EventId"].nunique()
    median = statistics.median(seconds)
    print(f"lines={lines} templates={templates} seconds={median:.3f} min={min(seconds):.3f} "
          f"max={max(seconds):.3f} lines_per_s={lines / median:.0f} runs={args.runs} "
          f"structured={os.path.join(out, name + '_structured.csv')}")


if __name__ == "__main__":
    main()
