/* The reader of traceprinter's text (see qnx_text.h; the format is in docs/TRACE_FORMATS.md).
 * The header's lines before " -- KERNEL EVENTS -- " are skipped but for TRACE_CYCLES_PER_SEC;
 * an event is held until its wide layout's argument lines have been read, then written. Times
 * are kept in cycles while reading (a CONTROL TIME event can move the earlier ones) and turned
 * into ns at the end. */
#include "qnx_text.h"

#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "qnx_event.h"
#include "qnx_state.h"
#include "text.h"
#include "trace_event.h"

#define MAX_PARTS 32 /* where each line of a wide event starts in its joined text, for messages */

typedef struct Pending {
    bool held;
    QnxHead head;
    char *text;                 /* its arguments, the wide layout's lines joined by spaces */
    size_t len, cap;
    size_t n_parts, part_at[MAX_PARTS], part_line[MAX_PARTS], part_col[MAX_PARTS];
} Pending;

typedef struct QnxReader {
    Trace *t;
    EventWriter w;
    bool in_events;
    uint64_t hz;                /* TRACE_CYCLES_PER_SEC; 0 when the header has none */
    Pending ev;
    QnxClock clock;
    QnxRunning running;
    QnxNames names;
} QnxReader;

static bool is_blank_line(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static bool trimmed_is(const char *s, size_t len, const char *word)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

static bool append(Pending *p, const char *s, size_t len, size_t line_no, size_t col, Error *err)
{
    if (p->len + len + 2 > p->cap) {
        size_t cap = (p->len + len + 2) * 2;
        char *grown = realloc(p->text, cap);
        if (!grown)
            return error_nomem(err);
        p->text = grown;
        p->cap = cap;
    }
    if (p->len)
        p->text[p->len++] = ' ';
    if (p->n_parts < MAX_PARTS) {
        p->part_at[p->n_parts] = p->len;
        p->part_line[p->n_parts] = line_no;
        p->part_col[p->n_parts++] = col;
    }
    memcpy(p->text + p->len, s, len);
    p->len += len;
    while (p->len && p->text[p->len - 1] == ' ') /* THREAD state lines end with a space */
        p->len--;
    return true;
}

/* "path:line:col" of byte at of the held event's text. */
static bool bad_value(QnxReader *r, const TraceField *f, const char *what, Error *err)
{
    Pending *p = &r->ev;
    size_t at = (size_t)(f->value - p->text), k = 0;
    while (k + 1 < p->n_parts && p->part_at[k + 1] <= at)
        k++;
    char shown[128];
    return error_set(err, "%s:%zu:%zu: expected %s (got '%s')", r->t->path, p->part_line[k],
                     p->part_col[k] + (at - p->part_at[k]), what,
                     text_excerpt(shown, sizeof shown, f->value, f->value_len));
}

static const TraceField *field(const TraceField *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].name_len == strlen(name) && memcmp(f[i].name, name, f[i].name_len) == 0)
            return &f[i];
    return NULL;
}

static bool field_int(QnxReader *r, const TraceField *f, int64_t lo, int64_t hi, const char *what,
                      int64_t *v, Error *err)
{
    if (!text_parse_int64(f->value, f->value_len, v) || *v < lo || *v > hi)
        return bad_value(r, f, what, err);
    return true;
}

static bool is_name(const QnxHead *h, const char *name)
{
    return h->name_len == strlen(name) && memcmp(h->name, name, h->name_len) == 0;
}

/* pid and tid from the event's own arguments; without either, the thread running on its cpu. A
 * THRUNNING names the running thread; a PROC*_NAME event names its pid's process. */
static bool ids_and_names(QnxReader *r, TraceEvent *ev, const TraceField *f, size_t n,
                          Error *err)
{
    const TraceField *pid = field(f, n, "pid"), *tid = field(f, n, "tid");
    int64_t v;
    if (pid && !field_int(r, pid, INT32_MIN, INT32_MAX, "a 32-bit integer", &v, err))
        return false;
    ev->pid = pid ? (int32_t)v : TRACE_NO_ID;
    if (tid && !field_int(r, tid, INT32_MIN, INT32_MAX, "a 32-bit integer", &v, err))
        return false;
    ev->tid = tid ? (int32_t)v : TRACE_NO_ID;
    const QnxHead *h = &r->ev.head;
    if (pid && tid && is_name(h, "THREAD/THRUNNING") &&
        !qnx_running_set(&r->running, ev->cpu, ev->pid, ev->tid, err))
        return false;
    if (!pid && !tid)
        qnx_running_get(&r->running, ev->cpu, &ev->pid, &ev->tid);
    const TraceField *name = field(f, n, "name");
    if (pid && name && (is_name(h, "PROCESS/PROCCREATE_NAME") || is_name(h, "PROCESS/PROCDESTROY_NAME")) &&
        !qnx_names_set(&r->names, ev->pid, name->value, name->value_len, err))
        return false;
    const char *comm = ev->pid == TRACE_NO_ID ? NULL : qnx_names_get(&r->names, ev->pid);
    ev->comm = comm ? comm : "";
    ev->comm_len = strlen(ev->comm);
    return true;
}

/* The event's time in cycles; a CONTROL TIME event's msb (the counter's high 32 bits) and lsb
 * set it outright, and the first one moves the events before it by as much. */
static bool event_cycles(QnxReader *r, const TraceField *f, size_t n, int64_t *cycles, Error *err)
{
    const TraceField *msb = field(f, n, "msb"), *lsb = field(f, n, "lsb(offset)");
    if (!is_name(&r->ev.head, "CONTROL/TIME") || !msb || !lsb) {
        *cycles = qnx_clock_next(&r->clock, r->ev.head.t);
        return true;
    }
    int64_t hi, lo, shift;
    /* msb past 0x7fffffff would not fit the signed 64-bit cycle count (nor happen in 2^31 *
     * 2^32 cycles: decades at any clock rate) */
    if (!field_int(r, msb, 0, 0x7fffffff, "the counter's high 32 bits, below 0x80000000", &hi, err) ||
        !field_int(r, lsb, 0, UINT32_MAX, "a 32-bit unsigned integer", &lo, err))
        return false;
    qnx_clock_anchor(&r->clock, r->ev.head.t, (uint64_t)hi, (uint64_t)lo, cycles, &shift);
    for (size_t i = 0; shift != 0 && i < r->t->n_events; i++) { /* the first anchor only */
        int64_t moved;
        if (__builtin_add_overflow(trace_time(r->t, i), shift, &moved))
            moved = shift > 0 ? INT64_MAX : INT64_MIN;
        if (!trace_set_time(r->t, i, moved, err))
            return false;
    }
    return true;
}

static bool write_held(QnxReader *r, Error *err)
{
    Pending *p = &r->ev;
    if (!p->held)
        return true;
    p->held = false;
    TraceField f[QNX_MAX_FIELDS];
    size_t n = qnx_split_args(p->head.name, p->head.name_len, p->text, p->len, f, QNX_MAX_FIELDS);
    TraceEvent ev = {.cpu = p->head.cpu, .name = p->head.name, .name_len = p->head.name_len,
                     .text = p->text, .text_len = p->len, .fields = f, .n_fields = n};
    return ids_and_names(r, &ev, f, n, err) && event_cycles(r, f, n, &ev.time, err) &&
           event_writer_add(&r->w, &ev, err);
}

/* An event line from byte col0 of line on (a KER_EXIT error line runs on into the next). */
static bool event_line(QnxReader *r, size_t line_no, const char *line, size_t len, size_t col0,
                       Error *err)
{
    for (;;) {
        if (!write_held(r, err))
            return false;
        Pending *p = &r->ev;
        size_t bad_col;
        const char *expected;
        if (!qnx_parse_head(line, len, &p->head, &bad_col, &expected)) {
            char shown[128];
            return error_set(err, "%s:%zu:%zu: expected %s (got '%s')", r->t->path, line_no,
                             col0 + bad_col, expected, text_excerpt(shown, sizeof shown, line, len));
        }
        size_t args = p->head.args;
        size_t run_on = qnx_run_on(p->head.name, p->head.name_len, line + args, len - args);
        p->len = p->n_parts = 0;
        p->held = true;
        if (!append(p, line + args, run_on ? run_on : len - args, line_no, col0 + args + 1, err))
            return false;
        if (!run_on)
            return true;
        line += args + run_on;
        len -= args + run_on;
        col0 += args + run_on;
    }
}

/* The header: TRACE_CYCLES_PER_SEC is the one value the events need. */
static bool header_line(QnxReader *r, size_t line_no, const char *line, size_t len, Error *err)
{
    const char *key = "TRACE_CYCLES_PER_SEC:: ";
    size_t i = 0, key_len = strlen(key);
    while (i < len && line[i] == ' ')
        i++;
    if (len - i < key_len || memcmp(line + i, key, key_len) != 0)
        return true;
    int64_t hz;
    i += key_len;
    size_t end = len;
    const char *quote = memchr(line + i, '"', len - i);
    if (len - i > 5 && memcmp(line + i, "(len=", 5) == 0 && quote) { /* -v: (len=9) -> "736629000" */
        const char *close = memchr(quote + 1, '"', (size_t)(line + len - quote - 1));
        i = (size_t)(quote - line) + 1;
        end = close ? (size_t)(close - line) : len;
    }
    if (!text_parse_int64(line + i, end - i, &hz) || hz <= 0) {
        char shown[128];
        return error_set(err, "%s:%zu:%zu: expected a positive number of cycles a second (got '%s')",
                         r->t->path, line_no, i + 1, text_excerpt(shown, sizeof shown, line + i, end - i));
    }
    r->hz = (uint64_t)hz;
    return true;
}

static bool qnx_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    QnxReader *r = ctx;
    if (!r->in_events) {
        if (trimmed_is(line, len, "-- KERNEL EVENTS --")) {
            r->in_events = true;
            return true;
        }
        if (len < 4 || memcmp(line, "t:0x", 4) != 0) /* a header without its end line */
            return header_line(r, line_no, line, len, err);
        r->in_events = true;
    }
    if (is_blank_line(line, len))
        return true;
    if (line[0] == ' ' || line[0] == '\t') { /* the wide layout: one argument a line */
        size_t i = 0;
        while (line[i] == ' ' || line[i] == '\t')
            i++;
        char shown[128];
        if (!r->ev.held || !memchr(line + i, ':', len - i))
            return error_set(err, "%s:%zu:%zu: expected %s (got '%s')", r->t->path, line_no, i + 1,
                             r->ev.held ? "an argument line 'label:value'" : "an event line before this argument line",
                             text_excerpt(shown, sizeof shown, line + i, len - i));
        return append(&r->ev, line + i, len - i, line_no, i + 1, err);
    }
    /* traceprinter -v: raw event words and its own notices */
    if ((len >= 9 && memcmp(line, "event => ", 9) == 0) || (len >= 13 && memcmp(line, "TRACEPRINTER:", 13) == 0))
        return true;
    return event_line(r, line_no, line, len, 0, err);
}

/* Times from cycles to ns, when the header gave the clock's rate. */
static bool times_to_ns(QnxReader *r, Error *err)
{
    Trace *t = r->t;
    t->timed = r->hz != 0;
    for (size_t i = 0; t->timed && i < t->n_events; i++) {
        int64_t ns;
        if (!qnx_cycles_to_ns(trace_time(t, i), r->hz, &ns))
            return error_set(err, "%s: event %zu: %lld cycles at %llu a second is out of range",
                             t->path, i + 1, (long long)trace_time(t, i), (unsigned long long)r->hz);
        if (!trace_set_time(t, i, ns, err))
            return false;
    }
    return true;
}

SniffScore qnx_sniff(const char *prefix, size_t len)
{
    const char *nl = memchr(prefix, '\n', len);
    size_t first = nl ? (size_t)(nl - prefix) : len;
    if (first >= 20 && memcmp(prefix, "TRACEPRINTER version", 20) == 0)
        return SNIFF_SURE;
    if ((first >= 27 && memcmp(prefix, "TRACEPARSER LIBRARY version", 27) == 0) ||
        (first >= 30 && memcmp(prefix, " -- HEADER FILE INFORMATION --", 30) == 0))
        return SNIFF_LIKELY;
    QnxHead h;
    size_t col;
    const char *expected;
    return nl && qnx_parse_head(prefix, first, &h, &col, &expected) ? SNIFF_LIKELY : SNIFF_NO;
}

bool qnx_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err)
{
    (void)meanings;
    if (!trace_begin(t, in->path, TRACE_FORMAT_QNX, err))
        return false;
    QnxReader r = {.t = t};
    bool ok = event_writer_init(&r.w, t, vocab, opt, err) && lines_read(in, opt, qnx_line, &r, err) &&
              write_held(&r, err) && event_writer_finish(&r.w, err) && times_to_ns(&r, err);
    event_writer_free(&r.w);
    free(r.ev.text);
    qnx_running_free(&r.running);
    qnx_names_free(&r.names);
    return trace_end_load(t, ok, "expected lines 't:0x<time> CPU:<n> CLASS:EVENT ...' after "
                                 "' -- KERNEL EVENTS -- '", err);
}
