#!/usr/bin/env python3
"""The peer for bench_load: Python's C-accelerated csv module loading the same trace into
typed columns (array module, keys interned in a dict), as a careful script would. Prints the
same key=value line as bench_load."""
import csv
import resource
import statistics
import sys
import time
from array import array


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def load(path):
    vocab, names = {}, {}
    key_id, ts, cpu, pid, tid, name_id = (array("I"), array("q"), array("H"), array("i"),
                                          array("i"), array("I"))
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = [h.strip().lower() for h in next(rows)]
        c_time, c_cpu, c_class, c_event, c_pid, c_tid, c_name = (
            header.index(n) for n in ("timestamp", "cpu", "class", "event", "pid", "tid", "process"))
        for row in rows:
            key = row[c_class] + "/" + row[c_event]
            key_id.append(vocab.setdefault(key, len(vocab)))
            ts.append(int(row[c_time]))
            cpu.append(int(row[c_cpu]))
            pid.append(int(row[c_pid]))
            tid.append(int(row[c_tid]))
            name_id.append(names.setdefault(row[c_name], len(names)))
    return key_id, ts, cpu, pid, tid, name_id, vocab, names


def main():
    path, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    seconds, held, n = [], 0, 0
    for _ in range(runs):
        before = rss_bytes()
        start = time.perf_counter()
        columns = load(path)
        seconds.append(time.perf_counter() - start)
        held = rss_bytes() - before
        n = len(columns[0])
        del columns
    median = statistics.median(seconds)
    with open(path, "rb") as f:
        f.seek(0, 2)
        megabytes = f.tell() / 1e6
    print(f"events={n} seconds={median:.3f} min={min(seconds):.3f} max={max(seconds):.3f} "
          f"mb_per_s={megabytes / median:.1f} events_per_s={n / median:.0f} "
          f"held_bytes_per_event={held / n:.1f} "
          f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


if __name__ == "__main__":
    main()
