/* ftrace's text (io/ftrace.c): the kernel's trace / trace_pipe files, `trace-cmd report` output,
 * the function tracer and the function_graph tracer. An event line:
 *
 *           <idle>-0       [001] d..2.  1234.567890: sched_switch: prev_comm=swapper/1 ...
 *
 * task-pid (the pid after the last '-'), an optional tgid column "(  1234)", [cpu], an optional
 * irq-flags column, seconds, the event's name and its fields. */
#ifndef TRACEAID_FTRACE_H
#define TRACEAID_FTRACE_H

#include <string.h>

#include "trace_event.h"
#include "trace_reader.h"

/* SNIFF_LIKELY for a "# tracer:" header, trace-cmd's "version = " or "cpus=" header, or a first
 * line that is an ftrace event or function_graph line. */
SniffScore ftrace_sniff(const char *prefix, size_t len);
bool ftrace_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                 Meanings *meanings, Error *err);

/* ---- shared by io/ftrace.c, io/ftrace_line.c and io/ftrace_graph.c ------------------------- */

#define FTRACE_MAX_FIELDS 64
#define FTRACE_NAME_MAX 160

/* One parsed line, pointing into the line (or into name_buf / text_buf). */
typedef struct FtraceRow {
    TraceEvent ev;
    bool has_time;
    TraceField fields[FTRACE_MAX_FIELDS];
    char name_buf[FTRACE_NAME_MAX];
    char text_buf[FTRACE_NAME_MAX + 16];
} FtraceRow;

/* Where a line went wrong: its 1-based column and what was expected there. */
typedef struct FtraceBad {
    size_t col;
    const char *expected;
} FtraceBad;

/* The open function_graph calls of each CPU, to name a "}" line. */
typedef struct GraphStacks GraphStacks;

typedef enum FtraceParse { FTRACE_NOT_MINE, FTRACE_SKIP, FTRACE_EVENT, FTRACE_BAD } FtraceParse;

/* An event line ("task-pid [cpu] ... seconds: name: fields"); stacks as for a graph line. */
FtraceParse ftrace_parse_event(const char *line, size_t len, GraphStacks *stacks, FtraceRow *row,
                               FtraceBad *bad);
/* A function_graph line (" 1)   0.123 us    |  do_sys_open();"), stacks may be NULL (the
 * sniffer); FTRACE_NOT_MINE when the line does not start as one. */
FtraceParse ftrace_parse_graph(const char *line, size_t len, GraphStacks *stacks, FtraceRow *row,
                               FtraceBad *bad);
/* The content after a function_graph line's '|' ("do_sys_open() {", "func();", "} ..."), as an
 * event of row->ev.cpu: its name the function's. Also trace-cmd's funcgraph_entry text. */
FtraceParse ftrace_graph_content(const char *s, size_t len, size_t col, GraphStacks *stacks,
                                 FtraceRow *row, FtraceBad *bad);
GraphStacks *graph_stacks_new(void);
void graph_stacks_free(GraphStacks *s);

/* Helpers */
static inline bool ftrace_space(char c) { return c == ' ' || c == '\t'; }
static inline bool ftrace_digit(char c) { return c >= '0' && c <= '9'; }
static inline size_t ftrace_skip_spaces(const char *s, size_t i, size_t len)
{
    while (i < len && ftrace_space(s[i]))
        i++;
    return i;
}
/* Names the row's event prefix + body + suffix in its name_buf, the body cut to fit. */
static inline void ftrace_name_event(FtraceRow *row, const char *prefix, const char *body,
                                     size_t body_len, const char *suffix)
{
    size_t p = strlen(prefix), x = strlen(suffix);
    if (p + body_len + x >= sizeof row->name_buf)
        body_len = sizeof row->name_buf - 1 - p - x;
    memcpy(row->name_buf, prefix, p);
    memcpy(row->name_buf + p, body, body_len);
    memcpy(row->name_buf + p + body_len, suffix, x);
    row->ev.name = row->name_buf;
    row->ev.name_len = p + body_len + x;
}
/* For the line parsers: where a line went wrong and what was expected there. */
static inline FtraceParse ftrace_bad_at(FtraceBad *bad, size_t col, const char *expected)
{
    bad->col = col;
    bad->expected = expected;
    return FTRACE_BAD;
}

#endif
