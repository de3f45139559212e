/* The lines of `perf script` text, one at a time. An event line, with the columns perf prints by
 * default (the cpu and period columns only when recorded, pid/tid with -F +pid):
 *
 *             perf  4411 [001] 12345.678901:       sched:sched_switch: prev_comm=perf ...
 *          swapper     0 [000]   123.456789:     250000 cpu-clock:  ffffffff81 halt+0x6 ([kernel.kallsyms])
 *   simple-terminat     9/9     198791.127353: cpu-clock:
 *
 * and a call chain frame, indented, under a sampled event recorded with -g:
 *
 * 	    ffffffff815fc56d unmap_page_range+0x51d ([kernel.kallsyms])
 */
#ifndef TRACEAID_PERF_LINE_H
#define TRACEAID_PERF_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct PerfLine {
    const char *comm, *event, *rest; /* rest: what follows the event name, trimmed */
    size_t comm_len, event_len, rest_len;
    int64_t time;                    /* ns */
    int32_t pid, tid;                /* TRACE_NO_ID when not printed (pid: only with pid/tid) */
    uint16_t cpu;                    /* TRACE_NO_CPU when not printed */
    const char *period;              /* the period column's digits, or NULL */
    size_t period_len;
} PerfLine;

typedef struct PerfFrame {
    const char *ip, *sym, *dso;      /* ip: hex digits without 0x; sym without its +0x offset */
    size_t ip_len, sym_len, dso_len;
} PerfFrame;

/* Parses line as an event line. On failure returns false with *col (from 1) and *expected
 * saying what was wrong where. */
bool perf_parse_event(const char *line, size_t len, PerfLine *out, size_t *col,
                      const char **expected);
/* Parses an indented line (or an event's rest) as a frame "ADDR SYM (DSO)": any of the three
 * may be missing; a line of no known shape is all symbol. False for a blank line. */
bool perf_parse_frame(const char *line, size_t len, PerfFrame *out);
/* True when s (an event's rest) has the shape of a frame: hex digits, a symbol, "(dso)". */
bool perf_looks_like_frame(const char *s, size_t len);

#endif
