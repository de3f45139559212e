/* ftrace's text: the kernel's trace and trace_pipe files and `trace-cmd report` output (see
 * io/ftrace.h for an event line, io/ftrace_graph.c for the function_graph tracer's lines).
 *
 * Skipped: blank lines, '#' comments and headers ("# tracer: nop", "# entries-in-buffer..."),
 * trace-cmd's header lines ("version = 6", "cpus=4", "CPU 0 is empty"), lost-events notices
 * ("CPU:0 [LOST 123 EVENTS]"), stack-trace lines (" => func") and function_graph's task-switch
 * rules ("------"). A buffer-instance prefix ("inst: ") before an event line is read past.
 * Anything else that is not an event is an error naming line and column. */
#include "ftrace.h"

#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "text.h"

static size_t skip_spaces(const char *s, size_t i, size_t len)
{
    while (i < len && ftrace_space(s[i]))
        i++;
    return i;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static bool contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(s + i, needle, n) == 0)
            return true;
    return false;
}

/* trace-cmd's header lines: "version = 6", "cpus=4", "CPU 0 is empty". */
static bool trace_cmd_header(const char *s, size_t len)
{
    return starts(s, len, "version = ") || starts(s, len, "cpus=") ||
           (starts(s, len, "CPU ") && contains(s, len, " is empty"));
}

/* Lines that carry no event; s starts at the line's first non-blank. */
static bool skipped(const char *s, size_t len)
{
    if (len == 0 || s[0] == '#' || trace_cmd_header(s, len) || starts(s, len, "=> "))
        return true;
    if (starts(s, len, "CPU:") && contains(s, len, "[LOST ") && contains(s, len, " EVENTS]"))
        return true;
    for (size_t i = 0; i < len; i++) /* function_graph's task-switch rule */
        if (s[i] != '-' && !ftrace_space(s[i]))
            return false;
    return true;
}

/* The length of trace-cmd's buffer-instance or file prefix ("inst: ", "trace.dat: ") at the
 * start of a line, or 0. */
static size_t buffer_prefix(const char *line, size_t len)
{
    size_t i = skip_spaces(line, 0, len), start = i;
    while (i < len && !ftrace_space(line[i]))
        i++;
    return i > start + 1 && i < len && line[i - 1] == ':' ? skip_spaces(line, i, len) : 0;
}

static FtraceParse parse_plain(const char *line, size_t len, GraphStacks *stacks, FtraceRow *row,
                               FtraceBad *bad)
{
    FtraceParse r = ftrace_parse_graph(line, len, stacks, row, bad);
    return r == FTRACE_NOT_MINE ? ftrace_parse_event(line, len, stacks, row, bad) : r;
}

/* A graph line starts with "N)" or "seconds |"; anything else is an event line. A line that
 * starts with a word and ':' (trace-cmd's buffer-instance or file prefix) is read after it when
 * that gives a line: a comm is never such a word (it would take "a: b-12" as comm "b"). */
static FtraceParse parse_line(const char *line, size_t len, GraphStacks *stacks, FtraceRow *row,
                              FtraceBad *bad)
{
    size_t prefix = buffer_prefix(line, len);
    if (prefix) {
        FtraceBad bad_after;
        FtraceParse after = parse_plain(line + prefix, len - prefix, stacks, row, &bad_after);
        if (after != FTRACE_BAD && after != FTRACE_NOT_MINE)
            return after;
    }
    return parse_plain(line, len, stacks, row, bad);
}

SniffScore ftrace_sniff(const char *prefix, size_t len)
{
    FtraceRow *row = malloc(sizeof *row);
    if (!row)
        return SNIFF_NO;
    SniffScore score = SNIFF_NO;
    size_t i = 0;
    while (i < len && score == SNIFF_NO) {
        const char *end = memchr(prefix + i, '\n', len - i);
        if (!end) /* a cut last line is judged only when it is the whole input */
            end = i == 0 || len < INPUT_PREFIX_SIZE ? prefix + len : NULL;
        if (!end)
            break;
        size_t line_len = (size_t)(end - prefix) - i;
        if (line_len && prefix[i + line_len - 1] == '\r')
            line_len--;
        const char *line = prefix + i;
        size_t first = skip_spaces(line, 0, line_len);
        FtraceBad bad;
        size_t word = buffer_prefix(line, line_len);
        if (starts(line, line_len, "# tracer:") || trace_cmd_header(line, line_len) ||
            (word && trace_cmd_header(line + word, line_len - word)))
            score = SNIFF_LIKELY;
        else if (first == line_len || line[first] == '#')
            ; /* blank or another comment: look further */
        else if (parse_line(line, line_len, NULL, row, &bad) == FTRACE_EVENT)
            score = SNIFF_LIKELY;
        else
            break;
        i = (size_t)(end - prefix) + 1;
    }
    free(row);
    return score;
}

typedef struct FtraceReader {
    const char *path;
    EventWriter w;
    GraphStacks *stacks;
    FtraceRow row;
    bool all_timed;
    size_t n_events;
} FtraceReader;

static bool ftrace_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    FtraceReader *r = ctx;
    size_t first = skip_spaces(line, 0, len), prefix = buffer_prefix(line, len);
    if (skipped(line + first, len - first) || (prefix && skipped(line + prefix, len - prefix)))
        return true; /* also trace-cmd's "trace.dat: cpus=28" */
    FtraceBad bad = {1, "an ftrace event line"};
    FtraceParse p = parse_line(line, len, r->stacks, &r->row, &bad);
    if (p == FTRACE_SKIP)
        return true;
    if (p != FTRACE_EVENT) {
        char shown[64];
        size_t col = bad.col > len ? len + 1 : bad.col;
        return error_set(err, "%s:%zu:%zu: expected %s (got '%s')", r->path, line_no, col,
                         bad.expected, text_excerpt(shown, sizeof shown, line + col - 1, len - col + 1));
    }
    if (!r->row.has_time) {
        r->all_timed = false;
        r->row.ev.time = (int64_t)r->n_events;
    }
    r->n_events++;
    return event_writer_add(&r->w, &r->row.ev, err);
}

/* Without a time on every event (function_graph without funcgraph-abstime), times are the
 * events' positions. */
static bool positions_as_times(Trace *t, Error *err)
{
    t->timed = false;
    for (size_t i = 0; i < t->n_events; i++)
        if (!trace_set_time(t, i, (int64_t)i, err))
            return false;
    return true;
}

bool ftrace_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                 Meanings *meanings, Error *err)
{
    (void)meanings;
    const char *path = in->path;
    if (!trace_begin(t, path, TRACE_FORMAT_FTRACE, err))
        return false;
    FtraceReader *r = calloc(1, sizeof *r);
    if (!r) {
        trace_free(t);
        return error_set(err, "%s: out of memory", path);
    }
    r->path = t->path;
    r->all_timed = true;
    r->stacks = graph_stacks_new();
    bool ok = r->stacks ? event_writer_init(&r->w, t, vocab, opt, err)
                        : error_set(err, "%s: out of memory", path);
    ok = ok && lines_read(in, opt, ftrace_line, r, err) && event_writer_finish(&r->w, err);
    if (ok) {
        t->timed = r->all_timed;
        if (!r->all_timed)
            ok = positions_as_times(t, err);
    }
    event_writer_free(&r->w);
    graph_stacks_free(r->stacks);
    free(r);
    return trace_end_load(t, ok, "no ftrace event lines in it", err);
}
