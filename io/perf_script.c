/* The text `perf script` prints: one line an event; under a sampled event recorded with -g its
 * call chain, one indented line a frame (innermost first), then a blank line. An event's fields
 * are its tracepoint's "name=value" text, or for a sample period=, ip=, sym= and dso= of the
 * sampled address, and stack=, the call chain folded root first with ';' as FlameGraph does
 * (symbols without their +0x offsets). An event is kept back until the next event line, so
 * that its frames, even after a blank line, come with it. */
#include "perf_script.h"

#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "perf_line.h"
#include "text.h"
#include "trace_event.h"

#define MAX_FIELDS 64

typedef struct Buf {
    char *s;
    size_t len, cap;
} Buf;

typedef struct PerfParser {
    Trace *t;
    EventWriter w;
    const char *name;           /* the input, in messages */
    Buf line, next;             /* the pending event's line; the line being tried as the next */
    PerfLine ev;
    bool pending;
    bool rest_is_frame;         /* the pending sample's address is on its own line */
    Buf first;                  /* "ip=0x.. sym=.. dso=.." of its first frame */
    Buf stack;                  /* its frames' symbols, innermost first, each ended by ';' */
    size_t n_frames;            /* call chain lines */
    Buf text;                   /* the fields' text being built */
    TraceField fields[MAX_FIELDS];
} PerfParser;

static bool buf_reserve(Buf *b, size_t more, Error *err)
{
    if (b->len + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    char *grown = realloc(b->s, cap);
    if (!grown)
        return error_nomem(err);
    b->s = grown;
    b->cap = cap;
    return true;
}

static bool buf_add(Buf *b, const char *s, size_t len, Error *err)
{
    if (!buf_reserve(b, len + 1, err))
        return false;
    if (len) /* s may be NULL then: a frame without its object */
        memcpy(b->s + b->len, s, len);
    b->len += len;
    return true;
}

static bool buf_str(Buf *b, const char *s, Error *err) { return buf_add(b, s, strlen(s), err); }

static void buf_free(Buf *b) { free(b->s); }

/* "sched:sched_switch", "probe_libc:malloc"; not "cycles:ppp" or "cpu-clock:uhH", whose part
 * after ':' is modifiers. */
static bool is_tracepoint(const char *name, size_t len)
{
    const char *colon = memchr(name, ':', len);
    if (!colon || colon == name)
        return false;
    for (const char *c = colon + 1; c < name + len; c++)
        if (!strchr("ukhHpPGISDWeb", *c))
            return true;
    return false;
}

/* A frame's symbol as the folded stack shows it: an unknown one by its object's name. */
static bool add_folded(Buf *b, const PerfFrame *f, Error *err)
{
    bool unknown = f->sym_len == 0 || (f->sym_len == 9 && !memcmp(f->sym, "[unknown]", 9));
    if (!unknown)
        return buf_add(b, f->sym, f->sym_len, err) && buf_add(b, ";", 1, err);
    const char *d = f->dso;
    size_t n = f->dso_len;
    if (n == 0 || (n == 9 && !memcmp(d, "[unknown]", 9)))
        return buf_str(b, "[unknown];", err);
    if (n >= 2 && d[0] == '[' && d[n - 1] == ']')
        d++, n -= 2;
    const char *slash = d + n;
    while (slash > d && slash[-1] != '/')
        slash--;
    n -= (size_t)(slash - d);
    return buf_add(b, "[", 1, err) && buf_add(b, slash, n, err) && buf_add(b, "];", 2, err);
}

static bool set_first(PerfParser *p, const PerfFrame *f, Error *err)
{
    p->first.len = 0;
    if (f->ip_len && !(buf_str(&p->first, " ip=0x", err) && buf_add(&p->first, f->ip, f->ip_len, err)))
        return false;
    return buf_str(&p->first, " sym=", err) && buf_add(&p->first, f->sym, f->sym_len, err) &&
           buf_str(&p->first, " dso=", err) && buf_add(&p->first, f->dso, f->dso_len, err);
}

static bool add_frame(PerfParser *p, const char *line, size_t len, Error *err)
{
    PerfFrame f;
    if (!perf_parse_frame(line, len, &f))
        return true;
    if (p->first.len == 0 && !set_first(p, &f, err))
        return false;
    p->n_frames++;
    return add_folded(&p->stack, &f, err);
}

/* The stack root first: the frames innermost first, reversed. */
static bool add_stack(PerfParser *p, Error *err)
{
    if (!buf_str(&p->text, " stack=", err) || !buf_reserve(&p->text, p->stack.len, err))
        return false;
    const char *s = p->stack.s;
    size_t end = p->stack.len - 1; /* the last ';' */
    for (;;) {
        size_t start = end;
        while (start > 0 && s[start - 1] != ';')
            start--;
        memcpy(p->text.s + p->text.len, s + start, end - start);
        p->text.len += end - start;
        if (start == 0)
            return true;
        p->text.s[p->text.len++] = ';';
        end = start - 1;
    }
}

static bool emit(PerfParser *p, Error *err)
{
    const PerfLine *ev = &p->ev;
    Buf *text = &p->text;
    text->len = 0;
    bool has_trace = ev->rest_len > 0 && !p->rest_is_frame;
    if (has_trace && !buf_add(text, ev->rest, ev->rest_len, err))
        return false;
    if (ev->period && !(buf_str(text, " period=", err) && buf_add(text, ev->period, ev->period_len, err)))
        return false;
    if (!has_trace && p->first.len && !buf_add(text, p->first.s, p->first.len, err))
        return false;
    if (p->n_frames && !add_stack(p, err))
        return false;
    size_t skip = text->len && text->s[0] == ' ';
    TraceEvent e = {
        .time = ev->time, .cpu = ev->cpu, .pid = ev->pid, .tid = ev->tid,
        .comm = ev->comm, .comm_len = ev->comm_len, .name = ev->event, .name_len = ev->event_len,
        .text = text->s ? text->s + skip : "", .text_len = text->len - skip, .fields = p->fields,
    };
    e.n_fields = event_split_fields(e.text, e.text_len, p->fields, MAX_FIELDS);
    p->pending = false;
    return event_writer_add(&p->w, &e, err);
}

static bool bad_line(PerfParser *p, size_t line_no, const char *line, size_t len, size_t col,
                     const char *expected, Error *err)
{
    char shown[128];
    size_t at = col - 1 < len ? col - 1 : len;
    return error_set(err, "%s:%zu:%zu: expected %s (got '%s')", p->name, line_no, col, expected,
                     text_excerpt(shown, sizeof shown, line + at, len - at));
}

/* A new event line: the pending event goes out, this one waits for its frames. */
static bool start_event(PerfParser *p, const PerfLine *ev, Error *err)
{
    if (p->pending && !emit(p, err))
        return false;
    p->ev = *ev; /* it points into next, which becomes line */
    Buf swap = p->line;
    p->line = p->next;
    p->next = swap;
    p->pending = true;
    p->first.len = p->stack.len = p->n_frames = 0;
    p->rest_is_frame = false;
    if (!is_tracepoint(p->ev.event, p->ev.event_len) && perf_looks_like_frame(p->ev.rest, p->ev.rest_len)) {
        PerfFrame f;
        p->rest_is_frame = perf_parse_frame(p->ev.rest, p->ev.rest_len, &f);
        return !p->rest_is_frame || set_first(p, &f, err);
    }
    return true;
}

static bool on_line(void *ctx, size_t line_no, const char *line, size_t len, Error *err)
{
    PerfParser *p = ctx;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == len || line[0] == '#')
        return true; /* blank lines end call chains; '#' starts perf's header */
    if (line[0] == '\t') {
        if (!p->pending)
            return bad_line(p, line_no, line, len, 1, "an event line before a call chain", err);
        return add_frame(p, line, len, err);
    }
    p->next.len = 0;
    if (!buf_add(&p->next, line, len, err))
        return false;
    size_t col;
    const char *expected;
    PerfLine ev;
    if (perf_parse_event(p->next.s, len, &ev, &col, &expected)) {
        if (ev.comm_len && text_invalid_utf8(ev.comm, ev.comm_len) < ev.comm_len)
            return bad_line(p, line_no, line, len, (size_t)(ev.comm - p->next.s) + 1,
                            "a process name in UTF-8", err);
        return start_event(p, &ev, err);
    }
    if (i > 0 && p->pending) /* an indented line under an event: a frame */
        return add_frame(p, line, len, err);
    return bad_line(p, line_no, line, len, col, expected, err);
}

bool perf_script_read(Trace *t, InputStream *in, const char *name, const TraceOptions *opt,
                      Vocab *vocab, Error *err)
{
    PerfParser p = {.t = t, .name = name};
    bool ok = event_writer_init(&p.w, t, vocab, opt, err) &&
              lines_read(in, opt, on_line, &p, err) && (!p.pending || emit(&p, err)) &&
              event_writer_finish(&p.w, err);
    event_writer_free(&p.w);
    buf_free(&p.line);
    buf_free(&p.next);
    buf_free(&p.first);
    buf_free(&p.stack);
    buf_free(&p.text);
    return ok;
}

/* The first line in prefix that is not blank or a comment, if the prefix holds all of it. */
static bool first_content_line(const char *s, size_t len, const char **line, size_t *line_len)
{
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) : len;
        size_t n = text_trim_newline(s + i, end - i + (nl != NULL));
        size_t k = 0;
        while (k < n && (s[i + k] == ' ' || s[i + k] == '\t'))
            k++;
        if (k < n && s[i] != '#') {
            *line = s + i;
            *line_len = n;
            return nl != NULL || len < INPUT_PREFIX_SIZE;
        }
        if (!nl)
            return false;
        i = end + 1;
    }
    return false;
}

SniffScore perf_script_sniff(const char *prefix, size_t len)
{
    static const char header[] = "# ========\n# captured on";
    if (len >= sizeof header - 1 && !memcmp(prefix, header, sizeof header - 1))
        return SNIFF_LIKELY;
    const char *line;
    size_t line_len, col;
    const char *expected;
    PerfLine ev;
    if (!first_content_line(prefix, len, &line, &line_len) || line[0] == '\t')
        return SNIFF_NO;
    return perf_parse_event(line, line_len, &ev, &col, &expected) ? SNIFF_LIKELY : SNIFF_NO;
}
