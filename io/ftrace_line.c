/* One ftrace event line: task-pid, tgid, [cpu], irq flags, seconds, then the event, which is
 * "name: fields" for tracepoints, "func <-parent" for the function tracer (trace-cmd prints
 * "function: func <-- parent"), "sys_foo(arg: val, ...)" / "sys_foo -> 0x0" for old syscall
 * events and "0: text" for old trace_marker writes. */
#include "ftrace.h"

#include <string.h>

#include "text.h"

/* Index of the "[cpu]" column's '[': the first '[' after a blank, with digits up to a ']' that a
 * blank or the line's end follows; len when there is none. */
static size_t find_cpu(const char *s, size_t len)
{
    for (size_t i = 1; i < len; i++) {
        if (s[i] != '[' || !ftrace_space(s[i - 1]))
            continue;
        size_t j = i + 1;
        while (j < len && ftrace_digit(s[j]))
            j++;
        if (j > i + 1 && j < len && s[j] == ']' && (j + 1 == len || ftrace_space(s[j + 1])))
            return i;
    }
    return len;
}

/* The task's end without a trailing tgid column "(  1234)" or "(-----)". */
static size_t strip_tgid(const char *s, size_t start, size_t end)
{
    if (end == start || s[end - 1] != ')')
        return end;
    size_t i = end - 1;
    while (i > start && (ftrace_digit(s[i - 1]) || s[i - 1] == ' ' || s[i - 1] == '-'))
        i--;
    if (i == start || s[i - 1] != '(')
        return end;
    i--;
    while (i > start && ftrace_space(s[i - 1]))
        i--;
    return i;
}

static bool parse_int(const char *s, size_t len, int64_t max, int64_t *value)
{
    for (size_t i = 0; i < len; i++)
        if (!ftrace_digit(s[i]))
            return false;
    return len > 0 && text_parse_int64(s, len, value) && *value >= 0 && *value <= max;
}

/* "comm-pid [cpu]": fills comm, pid and cpu; returns the index after ']'. */
static FtraceParse parse_task(const char *s, size_t len, FtraceRow *row, FtraceBad *bad,
                              size_t *next)
{
    size_t open = find_cpu(s, len);
    if (open == len)
        return ftrace_bad_at(bad, 1, "an event line 'task-pid [cpu] seconds: event'");
    size_t start = ftrace_skip_spaces(s, 0, open), end = open;
    while (end > start && ftrace_space(s[end - 1]))
        end--;
    end = strip_tgid(s, start, end);
    size_t dash = end;
    while (dash > start && s[dash - 1] != '-')
        dash--;
    int64_t pid, cpu;
    if (dash == start || !parse_int(s + dash, end - dash, INT32_MAX - 1, &pid))
        return ftrace_bad_at(bad, start + 1, "'task-pid' before the [cpu] column");
    size_t close = open + 1;
    while (s[close] != ']')
        close++;
    if (!parse_int(s + open + 1, close - open - 1, TRACE_NO_CPU - 1, &cpu))
        return ftrace_bad_at(bad, open + 2, "a CPU number below 65535");
    row->ev.comm = s + start;
    row->ev.comm_len = dash - 1 - start;
    row->ev.pid = (int32_t)pid;
    row->ev.cpu = (uint16_t)cpu;
    *next = close + 1;
    return FTRACE_EVENT;
}

/* "[flags] seconds:" after the CPU column; returns the index after the ':'. */
static FtraceParse parse_time(const char *s, size_t len, size_t i, FtraceRow *row,
                              FtraceBad *bad, size_t *next)
{
    for (int tries = 0; tries < 2; tries++) {
        i = ftrace_skip_spaces(s, i, len);
        size_t start = i;
        while (i < len && !ftrace_space(s[i]))
            i++;
        if (i > start + 1 && s[i - 1] == ':' &&
            text_parse_seconds_ns(s + start, i - 1 - start, &row->ev.time)) {
            row->has_time = true;
            *next = i;
            return FTRACE_EVENT;
        }
        if (tries == 0 && (i - start < 4 || i - start > 6)) /* not an irq-flags column */
            return ftrace_bad_at(bad, start + 1, "irq flags (like 'd..2') or seconds and ':'");
        if (tries == 1 || s[i - 1] == ':')
            return ftrace_bad_at(bad, start + 1, "seconds and ':' (like '1234.567890:')");
    }
    return FTRACE_BAD;
}

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ftrace_digit(c) || c == '_' ||
           c == '.' || c == '$' || c == '/' || c == '-' || c == '@';
}

static void set_text(FtraceRow *row, const char *s, size_t len)
{
    row->ev.text = s;
    row->ev.text_len = len;
}

static void add_field(FtraceRow *row, const char *name, const char *value, size_t value_len)
{
    if (row->ev.n_fields == FTRACE_MAX_FIELDS)
        return;
    TraceField *f = &row->fields[row->ev.n_fields++];
    *f = (TraceField){.name = name, .name_len = strlen(name), .value = value,
                      .value_len = value_len};
}

/* The function tracer: a key per traced function, its caller a field. */
static void function_call(FtraceRow *row, const char *func, size_t func_len, const char *parent,
                          size_t parent_len)
{
    ftrace_name_event(row, "", func, func_len, "");
    int n = snprintf(row->text_buf, sizeof row->text_buf, "parent=%.*s", (int)parent_len, parent);
    size_t text_len = n < (int)sizeof row->text_buf ? (size_t)n : sizeof row->text_buf - 1;
    set_text(row, row->text_buf, text_len);
    if (parent_len)
        add_field(row, "parent", row->text_buf + 7, text_len - 7);
    else
        set_text(row, "", 0);
}

/* trace-cmd's "function:" text: "func", "func <-- parent" or "func <-parent". */
static FtraceParse trace_cmd_function(const char *s, size_t len, FtraceRow *row, FtraceBad *bad,
                                      size_t col)
{
    size_t i = 0;
    while (i < len && !ftrace_space(s[i]))
        i++;
    if (i == 0)
        return ftrace_bad_at(bad, col, "a function's name after 'function:'");
    size_t j = ftrace_skip_spaces(s, i, len), k = j;
    while (k < len && s[k] == '<')
        k++;
    while (k < len && s[k] == '-')
        k++;
    k = ftrace_skip_spaces(s, k, len);
    function_call(row, s, i, s + k, j < len ? len - k : 0);
    return FTRACE_EVENT;
}

/* "fd: ff, cmd: 5410" as fields fd, cmd. The names point into s; each is cut at ':'. */
static void syscall_args(const char *s, size_t len, FtraceRow *row)
{
    size_t i = 0;
    while (i < len && row->ev.n_fields < FTRACE_MAX_FIELDS) {
        size_t name = i, colon = i;
        while (colon < len && s[colon] != ':' && s[colon] != ',')
            colon++;
        if (colon == len || s[colon] != ':')
            return;
        size_t value = ftrace_skip_spaces(s, colon + 1, len), end = value;
        while (end < len && s[end] != ',')
            end++;
        TraceField *f = &row->fields[row->ev.n_fields++];
        *f = (TraceField){.name = s + name, .name_len = colon - name, .value = s + value,
                          .value_len = end - value};
        i = ftrace_skip_spaces(s, end + 1, len);
    }
}

static FtraceParse parse_body(const char *s, size_t len, size_t i, GraphStacks *stacks,
                              FtraceRow *row, FtraceBad *bad)
{
    i = ftrace_skip_spaces(s, i, len);
    size_t start = i;
    while (i < len && is_ident_char(s[i]))
        i++;
    size_t ident = i - start;
    if (ident == 0 && len - i > 2 && s[i] == '<' && s[len - 1] == '>') { /* <stack trace> */
        ftrace_name_event(row, "", s + i + 1, len - i - 2, "");
        for (size_t k = 0; k < row->ev.name_len; k++)
            row->name_buf[k] = row->name_buf[k] == ' ' ? '_' : row->name_buf[k];
        return FTRACE_EVENT;
    }
    if (ident == 0)
        return ftrace_bad_at(bad, start + 1, "an event's name");
    if (i < len && s[i] == ':' && (i + 1 == len || ftrace_space(s[i + 1]))) {
        size_t t = ftrace_skip_spaces(s, i + 1, len);
        bool numeric = true; /* "0: text": a trace_marker write on old kernels */
        for (size_t k = start; k < i; k++)
            numeric = numeric && ftrace_digit(s[k]);
        if (ident == 8 && memcmp(s + start, "function", 8) == 0)
            return trace_cmd_function(s + t, len - t, row, bad, t + 1);
        const char *bar = memchr(s + t, '|', len - t);
        bool graph = (ident == 15 && memcmp(s + start, "funcgraph_entry", 15) == 0) ||
                     (ident == 14 && memcmp(s + start, "funcgraph_exit", 14) == 0);
        if (graph && bar) {
            size_t content = (size_t)(bar - s) + 1; /* trace-cmd's function_graph layout */
            return ftrace_graph_content(s + content, len - content, content + 1, stacks, row, bad);
        }
        if (numeric)
            ftrace_name_event(row, "", "print", 5, "");
        else
            ftrace_name_event(row, "", s + start, ident, "");
        set_text(row, s + t, len - t);
        row->ev.n_fields = event_split_fields(s + t, len - t, row->fields, FTRACE_MAX_FIELDS);
        return FTRACE_EVENT;
    }
    bool sys = ident > 4 && memcmp(s + start, "sys_", 4) == 0;
    if (i < len && s[i] == '(' && s[len - 1] == ')') { /* old syscall entry */
        ftrace_name_event(row, sys ? "sys_enter_" : "", s + start + (sys ? 4 : 0), ident - (sys ? 4 : 0), "");
        set_text(row, s + i + 1, len - i - 2);
        syscall_args(s + i + 1, len - i - 2, row);
        return FTRACE_EVENT;
    }
    if (len - i > 4 && memcmp(s + i, " -> ", 4) == 0) { /* old syscall exit */
        ftrace_name_event(row, sys ? "sys_exit_" : "", s + start + (sys ? 4 : 0), ident - (sys ? 4 : 0), "");
        set_text(row, s + i + 4, len - i - 4);
        add_field(row, "ret", s + i + 4, len - i - 4);
        return FTRACE_EVENT;
    }
    if (len - i > 2 && memcmp(s + i, " <-", 3) == 0) { /* the function tracer */
        size_t p = i + 3;
        while (p < len && s[p] == '-')
            p++;
        p = ftrace_skip_spaces(s, p, len);
        function_call(row, s + start, ident, s + p, len - p);
        return FTRACE_EVENT;
    }
    return ftrace_bad_at(bad, i + 1, "':' after the event's name, or ' <-parent' after a function");
}

FtraceParse ftrace_parse_event(const char *line, size_t len, GraphStacks *stacks, FtraceRow *row,
                               FtraceBad *bad)
{
    size_t i;
    memset(&row->ev, 0, sizeof row->ev);
    row->ev.tid = TRACE_NO_ID;
    row->ev.comm = "";
    row->ev.fields = row->fields;
    row->has_time = false;
    FtraceParse r = parse_task(line, len, row, bad, &i);
    if (r == FTRACE_EVENT)
        r = parse_time(line, len, i, row, bad, &i);
    if (r == FTRACE_EVENT)
        r = parse_body(line, len, i, stacks, row, bad);
    return r;
}
