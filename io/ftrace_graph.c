/* The function_graph tracer's lines, in the layouts its options give:
 *
 *    0)   1.382 us    |          __might_sleep();              a call that returned at once
 *    0)               |        strncpy_from_user() {           a call that calls others
 *    0)   2.478 us    |        }                               its return (maybe "} / * f * /")
 *    0)    sh-4802     |   0.616 us    |  rcu_process_gp_end();   funcgraph-proc
 *    360.774522 |   1)   0.541 us    |  }                       funcgraph-abstime
 *    3) ! 140.417 us  |      } / * __schedule * /                funcgraph-overhead
 *    1)  bash-1234    =>  sshd-5678                              a task switch on CPU 1
 *
 * A call (with or without children) is an event named by the function; a return is an event
 * named "function/return", the function found in its comment or in the CPU's open calls. */
#include "ftrace.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

#define GRAPH_DEPTH 64
#define GRAPH_FUNC_MAX 96

typedef struct GraphStack {
    size_t depth; /* may exceed GRAPH_DEPTH: the deeper calls are not named */
    /* the open calls' names, made on the first call that opens: a CPU number costs ~100 bytes
     * until then (a line's CPU is any number up to 65534, and most lines open nothing) */
    char (*func)[GRAPH_FUNC_MAX];
    /* the task a "=>" marker switched this CPU to */
    char comm[64];
    size_t comm_len;
    int32_t pid;
} GraphStack;

struct GraphStacks {
    GraphStack **cpu;
    size_t n;
};

GraphStacks *graph_stacks_new(void) { return calloc(1, sizeof(GraphStacks)); }

void graph_stacks_free(GraphStacks *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->cpu[i])
            free(s->cpu[i]->func);
        free(s->cpu[i]);
    }
    free(s->cpu);
    free(s);
}

static GraphStack *stack_of(GraphStacks *s, uint16_t cpu)
{
    if (!s || cpu == TRACE_NO_CPU)
        return NULL;
    if (cpu >= s->n) {
        GraphStack **grown = realloc(s->cpu, (cpu + 1u) * sizeof *grown);
        if (!grown)
            return NULL;
        memset(grown + s->n, 0, (cpu + 1u - s->n) * sizeof *grown);
        s->cpu = grown;
        s->n = cpu + 1u;
    }
    if (!s->cpu[cpu]) {
        s->cpu[cpu] = calloc(1, sizeof(GraphStack));
        if (s->cpu[cpu])
            s->cpu[cpu]->pid = TRACE_NO_ID;
    }
    return s->cpu[cpu];
}

static bool is_func_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || ftrace_digit(c) || c == '_' ||
           c == '.' || c == '$';
}

/* "} / * func * /" or "} / * func = -22 * /": the function's name in the comment, or 0. */
static size_t comment_func(const char *s, size_t len, size_t i, const char **func)
{
    i = ftrace_skip_spaces(s, i, len);
    if (len - i < 2 || memcmp(s + i, "/*", 2) != 0)
        return 0;
    i = ftrace_skip_spaces(s, i + 2, len);
    size_t start = i;
    while (i < len && is_func_char(s[i]))
        i++;
    *func = s + start;
    return i - start;
}

static FtraceParse graph_return(const char *s, size_t len, size_t i, GraphStack *stack,
                                FtraceRow *row)
{
    const char *func = NULL;
    size_t func_len = comment_func(s, len, i + 1, &func);
    if (stack && stack->depth > 0) {
        stack->depth--;
        if (func_len == 0 && stack->depth < GRAPH_DEPTH && stack->func) {
            func = stack->func[stack->depth];
            func_len = strlen(func);
        }
    }
    if (func_len == 0)
        ftrace_name_event(row, "", "", 0, "return");
    else
        ftrace_name_event(row, "", func, func_len, "/return");
    return FTRACE_EVENT;
}

FtraceParse ftrace_graph_content(const char *s, size_t len, size_t col, GraphStacks *stacks,
                                 FtraceRow *row, FtraceBad *bad)
{
    GraphStack *stack = stack_of(stacks, row->ev.cpu);
    size_t i = ftrace_skip_spaces(s, 0, len);
    while (len > i && ftrace_space(s[len - 1]))
        len--;
    row->ev.text = "";
    row->ev.text_len = 0;
    if (i < len && s[i] == '}')
        return graph_return(s, len, i, stack, row);
    if (len - i >= 2 && memcmp(s + i, "/*", 2) == 0) /* a trace_printk comment */
        return FTRACE_SKIP;
    if (len - i >= 3 && (memcmp(s + i, "==>", 3) == 0 || memcmp(s + i, "<==", 3) == 0))
        return FTRACE_SKIP; /* funcgraph-irqs: an interrupt's entry or exit marker */
    size_t start = i;
    while (i < len && is_func_char(s[i]))
        i++;
    size_t func_len = i - start;
    if (func_len == 0 || len - i < 3 || memcmp(s + i, "()", 2) != 0)
        return ftrace_bad_at(bad, col + start, "'func() {', 'func();' or '}' after the '|'");
    ftrace_name_event(row, "", s + start, func_len, "");
    size_t after = ftrace_skip_spaces(s, i + 2, len);
    if (after < len && s[after] == '{' && ftrace_skip_spaces(s, after + 1, len) == len) {
        if (stack && stack->depth < GRAPH_DEPTH && !stack->func)
            stack->func = calloc(GRAPH_DEPTH, sizeof *stack->func);
        if (stack && stack->depth < GRAPH_DEPTH && stack->func) {
            size_t n = func_len < GRAPH_FUNC_MAX - 1 ? func_len : GRAPH_FUNC_MAX - 1;
            memcpy(stack->func[stack->depth], s + start, n);
            stack->func[stack->depth][n] = '\0';
        }
        if (stack)
            stack->depth++;
        return FTRACE_EVENT;
    }
    if (after < len && s[after] == ';') {
        row->ev.text = s + after + 1; /* a return value "/ * = 0x0 * /" when there is one */
        row->ev.text_len = len - after - 1;
        while (row->ev.text_len && ftrace_space(row->ev.text[0]))
            row->ev.text++, row->ev.text_len--;
        return FTRACE_EVENT;
    }
    return ftrace_bad_at(bad, col + after, "'{' or ';' after the function's '()'");
}

/* "12345.678901 |" at i: the funcgraph-abstime column. */
static bool abs_time(const char *s, size_t len, size_t *i, FtraceRow *row)
{
    size_t j = ftrace_skip_spaces(s, *i, len), start = j;
    while (j < len && (ftrace_digit(s[j]) || s[j] == '.'))
        j++;
    size_t end = j;
    j = ftrace_skip_spaces(s, j, len);
    if (end == start || j == len || s[j] != '|' ||
        !text_parse_seconds_ns(s + start, end - start, &row->ev.time))
        return false;
    row->has_time = true;
    *i = j + 1;
    return true;
}

/* " 12)" at i: the CPU column. */
static bool cpu_column(const char *s, size_t len, size_t *i, FtraceRow *row)
{
    size_t j = ftrace_skip_spaces(s, *i, len), start = j;
    uint32_t cpu = 0;
    while (j < len && ftrace_digit(s[j]) && cpu < TRACE_NO_CPU)
        cpu = cpu * 10 + (uint32_t)(s[j++] - '0');
    if (j == start || j == len || s[j] != ')' || cpu >= TRACE_NO_CPU)
        return false;
    row->ev.cpu = (uint16_t)cpu;
    *i = j + 1;
    return true;
}

/* "comm-pid" in s[start, end), trimmed: fills comm and pid. */
static bool task_of(const char *s, size_t start, size_t end, const char **comm, size_t *comm_len,
                    int32_t *pid)
{
    start = ftrace_skip_spaces(s, start, end);
    while (end > start && ftrace_space(s[end - 1]))
        end--;
    size_t dash = end;
    while (dash > start && s[dash - 1] != '-')
        dash--;
    int64_t value;
    if (dash == start || dash == end || !text_parse_int64(s + dash, end - dash, &value) ||
        value < 0 || value >= INT32_MAX || !ftrace_digit(s[dash]))
        return false;
    *comm = s + start;
    *comm_len = dash - 1 - start;
    *pid = (int32_t)value;
    return true;
}

/* "  1)   bash-1234    =>   sshd-5678" */
static FtraceParse task_switch(const char *s, size_t len, size_t arrow, GraphStacks *stacks,
                               FtraceRow *row, FtraceBad *bad)
{
    const char *comm;
    size_t comm_len;
    int32_t pid;
    if (!task_of(s, arrow + 2, len, &comm, &comm_len, &pid))
        return ftrace_bad_at(bad, arrow + 3, "'task-pid' after '=>'");
    GraphStack *stack = stack_of(stacks, row->ev.cpu);
    if (stack) {
        stack->comm_len = comm_len < sizeof stack->comm ? comm_len : sizeof stack->comm;
        memcpy(stack->comm, comm, stack->comm_len);
        stack->pid = pid;
    }
    return FTRACE_SKIP;
}

static bool is_duration(const char *s, size_t len)
{
    size_t i = ftrace_skip_spaces(s, 0, len);
    if (i < len && strchr("+!#*@$", s[i]))
        i = ftrace_skip_spaces(s, i + 1, len);
    size_t digits = i;
    while (i < len && (ftrace_digit(s[i]) || s[i] == '.'))
        i++;
    if (i == digits)
        return ftrace_skip_spaces(s, i, len) == len;
    i = ftrace_skip_spaces(s, i, len);
    if (len - i >= 2 && (memcmp(s + i, "us", 2) == 0 || memcmp(s + i, "ns", 2) == 0))
        i += 2;
    return ftrace_skip_spaces(s, i, len) == len;
}

/* The columns between "N)" and the content: [task-pid |] [irq flags |] duration |. */
static FtraceParse graph_columns(const char *s, size_t len, size_t i, GraphStacks *stacks,
                                 FtraceRow *row, FtraceBad *bad)
{
    for (int column = 0; column < 3; column++) {
        const char *bar = memchr(s + i, '|', len - i);
        if (!bar)
            return ftrace_bad_at(bad, i + 1, "a duration column and '|'");
        size_t end = (size_t)(bar - s);
        if (is_duration(s + i, end - i))
            return ftrace_graph_content(s + end + 1, len - end - 1, end + 2, stacks, row, bad);
        if (!task_of(s, i, end, &row->ev.comm, &row->ev.comm_len, &row->ev.pid)) {
            size_t f = ftrace_skip_spaces(s, i, end), flags_end = f;
            while (flags_end < end && !ftrace_space(s[flags_end]))
                flags_end++;
            if (flags_end - f < 4 || flags_end - f > 6 || ftrace_skip_spaces(s, flags_end, end) != end)
                return ftrace_bad_at(bad, f + 1, "a duration ('1.234 us'), task-pid or irq flags before '|'");
        }
        i = end + 1;
    }
    return ftrace_bad_at(bad, i + 1, "the function after the duration column");
}

FtraceParse ftrace_parse_graph(const char *line, size_t len, GraphStacks *stacks, FtraceRow *row,
                               FtraceBad *bad)
{
    memset(&row->ev, 0, sizeof row->ev);
    row->ev.tid = TRACE_NO_ID;
    row->ev.comm = "";
    row->ev.pid = TRACE_NO_ID;
    row->ev.fields = row->fields;
    row->has_time = false;
    size_t i = 0;
    abs_time(line, len, &i, row);
    if (!cpu_column(line, len, &i, row))
        return FTRACE_NOT_MINE;
    GraphStack *stack = stack_of(stacks, row->ev.cpu);
    if (stack && stack->pid != TRACE_NO_ID) {
        row->ev.comm = stack->comm;
        row->ev.comm_len = stack->comm_len;
        row->ev.pid = stack->pid;
    }
    const char *arrow = NULL;
    for (size_t k = i; k + 1 < len && !arrow; k++)
        if (line[k] == '=' && line[k + 1] == '>' && (k == 0 || line[k - 1] != '='))
            arrow = line + k;
    if (arrow && !memchr(line + i, '|', (size_t)(arrow - line) - i))
        return task_switch(line, len, (size_t)(arrow - line), stacks, row, bad);
    return graph_columns(line, len, i, stacks, row, bad);
}
