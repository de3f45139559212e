/* CSV traces, streamed: each row goes straight into the columnar Trace. The input is fed one
 * physical line at a time (io/csv_lines.c: plain lines split at once, the others through libcsv)
 * so that every error can name its line; a record's fields are checked as they arrive and the
 * event is appended when the row ends. A large plain file is parsed in parallel chunks
 * (io/csv_chunks.c) with the same callbacks. */
#include "csv_trace.h"
#include "csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drain.h"
#include "text.h"

bool csv_fail(CsvReader *r, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->failed = true;
    return error_set(r->err, "%s:%zu: %s", r->path, r->line, msg);
}

/* A failure that is not the input's fault: its code tells the exit status. */
bool csv_fail_code(CsvReader *r, ErrorCode code, const char *what)
{
    csv_fail(r, "%s", what);
    if (r->err)
        r->err->code = code;
    return false;
}

static bool fail_field(CsvReader *r, const char *what, const char *s, size_t len)
{
    char shown[256];
    return csv_fail(r, "column %zu (%s): %s, got '%s'", r->field + 1, r->col_name[r->field], what,
                    text_excerpt(shown, sizeof shown, s, len));
}

bool csv_check_utf8(CsvReader *r, const char *s, size_t len)
{
    size_t bad = text_invalid_utf8(s, len);
    if (bad == len)
        return true;
    if (r->in_header)
        return csv_fail(r, "column %zu of the header: invalid UTF-8 at byte %zu (is this a CSV "
                           "trace?)", r->field + 1, bad + 1);
    return csv_fail(r, "column %zu (%s): invalid UTF-8 at byte %zu of the field", r->field + 1,
                    r->col_name[r->field], bad + 1);
}

bool csv_stash(CsvReader *r, const char *s, size_t len, Span *span)
{
    if (r->scratch_len + len + 1 > r->scratch_cap) {
        size_t cap = r->scratch_cap ? r->scratch_cap : 256;
        while (cap < r->scratch_len + len + 1)
            cap *= 2;
        char *grown = realloc(r->scratch, cap);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        r->scratch = grown;
        r->scratch_cap = cap;
    }
    memcpy(r->scratch + r->scratch_len, s, len);
    r->scratch[r->scratch_len + len] = '\0';
    span->offset = r->scratch_len;
    span->len = len;
    r->scratch_len += len + 1;
    return true;
}

/* ---- records --------------------------------------------------------------------------- */

/* Plain decimal digits, too few to overflow: the common case, read without text_parse_int64's
 * checks (signs, hex, spaces and overflow go to it, and it gives the same value for these). */
static inline bool read_plain_decimal(const char *s, size_t len, int64_t *value)
{
    if (len == 0 || len > 18)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned digit = (unsigned)(unsigned char)s[i] - '0';
        if (digit > 9)
            return false;
        v = v * 10 + digit;
    }
    *value = (int64_t)v;
    return true;
}

static bool read_int_field(CsvReader *r, const char *s, size_t len, int64_t lo, int64_t hi,
                           int64_t missing, int64_t *value)
{
    if (len == 0 || (len == 1 && s[0] == '-')) {
        *value = missing;
        return true;
    }
    if (!read_plain_decimal(s, len, value) && !text_parse_int64(s, len, value))
        return fail_field(r, "expected an integer", s, len);
    if (*value < lo || *value > hi)
        return fail_field(r, "out of range", s, len);
    return true;
}

static bool read_name(CsvReader *r, const char *s, size_t len)
{
    int64_t found = strpool_find(r->names, s, len);
    if (found >= 0) {
        r->name_id = (uint32_t)found;
        return true;
    }
    return csv_check_utf8(r, s, len) && strpool_intern(r->names, s, len, &r->name_id, r->err);
}

/* Integer nanoseconds once the first value showed them: digits are read here, anything else by
 * io/timestamp.h (which reads the same value from the same digits). */
static bool read_time(CsvReader *r, const char *s, size_t len)
{
    if (r->n_time_cols == 1 && r->time_parser.integer && read_plain_decimal(s, len, &r->time))
        return true;
    return csv_read_time(r, s, len);
}

static bool read_field(CsvReader *r, const char *s, size_t len)
{
    int64_t value;
    if ((int)r->field == r->content_col && !csv_stash(r, s, len, &r->content))
        return false;
    if ((int)r->field == r->event_name_col && !csv_stash(r, s, len, &r->event_name))
        return false;
    if ((int)r->field == r->event_id_col && !csv_stash(r, s, len, &r->event_id))
        return false;
    switch (r->role[r->field]) {
    case ROLE_KEY:
        return csv_stash(r, s, len, &r->part[r->key_part[r->field]]);
    case ROLE_TIME:
        return read_time(r, s, len);
    case ROLE_CPU:
        if (!read_int_field(r, s, len, 0, TRACE_NO_CPU - 1, TRACE_NO_CPU, &value))
            return false;
        r->cpu = (uint16_t)value;
        return true;
    case ROLE_PID:
    case ROLE_TID:
        if (!read_int_field(r, s, len, INT32_MIN + 1, INT32_MAX, TRACE_NO_ID, &value))
            return false;
        *(r->role[r->field] == ROLE_PID ? &r->pid : &r->tid) = (int32_t)value;
        return true;
    case ROLE_NAME:
        return read_name(r, s, len);
    case ROLE_GROUP:
        return csv_stash(r, s, len, &r->group);
    case ROLE_TEMPLATE:
        return csv_stash(r, s, len, &r->template);
    case ROLE_NONE:
        return true;
    }
    return true;
}

void csv_on_field(void *data, size_t len, void *ctx)
{
    CsvReader *r = ctx;
    if (r->failed)
        return;
    if (len > CSV_MAX_FIELD) {
        csv_fail(r, "column %zu: a field of %zu bytes (the limit is %u)", r->field + 1, len,
                 CSV_MAX_FIELD);
        return;
    }
    if (r->in_header) {
        csv_header_add(r, data, len);
    } else if (r->field >= r->n_cols) {
        csv_fail(r, "more fields than the header's %zu", r->n_cols);
        return;
    } else if (!read_field(r, data, len)) {
        r->failed = true;
        return;
    }
    r->field++;
}

/* The key: the key columns joined with '/', interned in the vocab. */
static bool intern_key(CsvReader *r, uint32_t *key_id)
{
    if (r->key_by_template)
        return csv_intern_template_key(r, key_id);
    size_t len = 0;
    for (int p = 0; p < r->n_key_parts; p++)
        len += r->part[p].len + 1;
    if (len > r->key_cap) {
        char *grown = realloc(r->key, len);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        r->key = grown;
        r->key_cap = len;
    }
    size_t o = 0;
    for (int p = 0; p < r->n_key_parts; p++) {
        if (p)
            r->key[o++] = '/';
        memcpy(r->key + o, r->scratch + r->part[p].offset, r->part[p].len);
        o += r->part[p].len;
    }
    int64_t found = vocab_find(r->vocab, r->key, o);
    if (found >= 0) {
        *key_id = (uint32_t)found;
        return true;
    }
    if (o == 0 || (o == (size_t)r->n_key_parts - 1))
        return csv_fail(r, "empty key: the key columns are all empty");
    size_t bad = text_invalid_utf8(r->key, o);
    if (bad < o)
        return csv_fail(r, "invalid UTF-8 in the key at byte %zu", bad + 1);
    return vocab_intern(r->vocab, r->key, o, key_id, r->err);
}

/* The session of this event: the group column's value, or the regex's first match in it. */
static bool record_group(CsvReader *r)
{
    const char *text = r->scratch + r->group.offset;
    size_t len = r->group.len;
    regmatch_t match;
    if (r->has_regex) {
        if (regexec(&r->regex, text, 1, &match, 0) == 0) {
            text += match.rm_so;
            len = (size_t)(match.rm_eo - match.rm_so);
        } else {
            len = 0; /* no match: the event goes to the session of ungrouped events */
        }
    }
    if (r->t->n_events > r->group_cap) {
        size_t cap = r->group_cap ? r->group_cap * 2 : 4096;
        uint32_t *grown = realloc(r->group_of, cap * sizeof *grown);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        r->group_of = grown;
        r->group_cap = cap;
    }
    return strpool_intern(&r->groups, text, len, &r->group_of[r->t->n_events - 1], r->err);
}

void csv_reset_record(CsvReader *r)
{
    r->field = 0;
    r->scratch_len = 0;
    memset(r->part, 0, sizeof r->part);
    memset(&r->group, 0, sizeof r->group);
    memset(&r->template, 0, sizeof r->template);
    memset(&r->content, 0, sizeof r->content);
    memset(&r->event_name, 0, sizeof r->event_name);
    memset(&r->event_id, 0, sizeof r->event_id);
    r->template_known = false;
    memset(r->time_part, 0, sizeof r->time_part);
    r->time = (int64_t)csv_events_read(r);
    r->cpu = TRACE_NO_CPU;
    r->pid = r->tid = TRACE_NO_ID;
    r->name_id = 0;
    r->record_line = r->line + 1;
}

size_t csv_events_read(const CsvReader *r)
{
    return r->chunk ? csv_chunk_events(r->chunk) : r->t->n_events;
}

static bool append_event(CsvReader *r, uint32_t key_id)
{
    if (r->chunk)
        return csv_chunk_append(r, key_id);
    return trace_append(r->t, key_id, r->time, r->cpu, r->pid, r->tid, r->name_id, r->err);
}

void csv_on_row(int terminator, void *ctx)
{
    (void)terminator;
    CsvReader *r = ctx;
    if (r->failed)
        return;
    if (r->in_header) {
        r->in_header = false;
        if (!csv_header_finish(r))
            return;
    } else {
        if (r->field != r->n_cols) {
            csv_fail(r, "%zu field%s; the header has %zu", r->field, r->field == 1 ? "" : "s",
                     r->n_cols);
            return;
        }
        uint32_t key_id;
        if (!csv_read_joined_time(r)) {
            r->failed = true;
            return;
        }
        if (r->t->structured_log && r->t->timed)
            time_order_note(&r->time_order, r->time, r->record_line);
        if (!intern_key(r, &key_id) ||
            !append_event(r, key_id) ||
            !csv_record_meaning(r, key_id) || !csv_record_content(r) || (r->grouping && !record_group(r))) {
            r->failed = true;
            return;
        }
    }
    csv_reset_record(r);
}

/* ---- the input ------------------------------------------------------------------------- */

/* Sizes the columns once from the first chunk's mean line length, so that a large trace is
 * not copied through repeated growth and holds little slack (the 1.1 covers shorter lines). */
static void reserve_for_file(CsvReader *r, const char *chunk, size_t len, uint64_t file_size)
{
    size_t lines = 0;
    for (const char *p = chunk; (p = memchr(p, '\n', (size_t)(chunk + len - p))) != NULL; p++)
        lines++;
    if (lines < 2 || len == file_size)
        return;
    double mean_line = (double)len / (double)lines;
    trace_reserve(r->t, (size_t)((double)file_size / mean_line * 1.1));
}

/* The first block of a file that may be parsed in chunks: its head (the header and the first
 * record, which decide the columns and the time's format) is read here, then the rest in
 * chunks when the head allows (*done), else serially from where the head ended. */
static void report_progress(CsvReader *r, InputStream *in)
{
    if (r->opt->progress && input_consumed(in) > r->bytes_reported) {
        r->bytes_reported = input_consumed(in);
        r->opt->progress(r->bytes_reported, in->size, r->opt->progress_ctx);
    }
}

static bool read_head_then_chunks(CsvReader *r, InputStream *in, const char *buf, size_t len,
                                  bool *done)
{
    size_t used = 0, rest_used;
    r->stop_at = 0;
    r->stop_after_event = true;
    bool ok = csv_feed(r, buf, len, &used);
    r->stop_at = UINT64_MAX;
    r->stop_after_event = false;
    *done = false;
    if (ok && r->stopped && !csv_load_chunks(r, in, r->pos, done))
        return false;
    if (*done)
        return true; /* the chunks told the progress as they were merged */
    report_progress(r, in);
    return ok && csv_feed(r, buf + used, len - used, &rest_used);
}

static bool read_input(CsvReader *r, InputStream *in)
{
    /* A compressed file's size says nothing of the text's: no estimate then. */
    uint64_t file_size = in->compression ? 0 : in->size;
    bool chunks = csv_chunks_wanted(r, in), done = false;
    char *buf = malloc(CSV_CHUNK);
    if (!buf)
        return csv_fail_code(r, ERROR_NOMEM, "out of memory");
    bool first = true, ok = true;
    ssize_t n = 0;
    while (ok && !done && (n = input_read(in, buf, CSV_CHUNK)) > 0) {
        /* Progress in the input's own bytes, against its size; the decoder of a compressed
         * input may give several chunks from the same bytes, reported once. */
        if (!(first && chunks))
            report_progress(r, in);
        if (r->opt->cancel && *r->opt->cancel) {
            ok = csv_fail_code(r, ERROR_INTERRUPTED, "interrupted");
            break;
        }
        size_t skip = (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0, used;
        r->pos += skip;
        if (first)
            reserve_for_file(r, buf, (size_t)n, file_size);
        if (first && chunks)
            ok = read_head_then_chunks(r, in, buf + skip, (size_t)n - skip, &done);
        else
            ok = csv_feed(r, buf + skip, (size_t)n - skip, &used);
        first = false;
    }
    free(buf);
    if (done)
        return ok;
    /* A compressed input's last bytes (its trailer) can be read after its last text. */
    if (ok && n == 0)
        report_progress(r, in);
    if (ok && n < 0 && errno == EINTR)
        ok = csv_fail_code(r, ERROR_INTERRUPTED, "interrupted");
    else if (ok && n < 0)
        ok = input_read_error(in, r->err);
    return ok && csv_feed_end(r);
}

static bool check_loaded(CsvReader *r)
{
    if (r->in_header && r->n_cols == 0)
        return error_set(r->err, "%s: empty file: expected a header row and events", r->path);
    if (r->t->n_events == 0)
        return error_set(r->err, "%s: no events: the file has a header row only", r->path);
    return true;
}

/* What the read found worth a word, in the load's warnings (meanings.h). */
static bool csv_warn(CsvReader *r)
{
    if (!r->meanings)
        return true;
    if (!time_order_warn(&r->time_order, r->path, &r->meanings->warnings, r->err))
        return false;
    return r->no_template == 0 || warnings_add(&r->meanings->warnings, r->err, "%s: %zu line%s without an EventTemplate "
                        "(the first on line %zu): keyed by %s EventId (or \"" NO_TEMPLATE_KEY "\" without one)", r->path, r->no_template,
                        r->no_template == 1 ? "" : "s", r->no_template_line,
                        r->no_template == 1 ? "its" : "their");
}

void csv_reader_free(CsvReader *r)
{
    for (size_t c = 0; c < r->n_cols; c++)
        free(r->col_name[c]);
    free(r->col_name);
    free(r->role);
    free(r->key_part);
    free(r->scratch);
    free(r->repaired);
    free(r->key);
    free(r->group_of);
    strpool_free(&r->groups);
    strpool_free(&r->templates);
    free(r->template_key);
    free(r->key_template);
    if (r->has_regex)
        regfree(&r->regex);
}

/* A CSV trace is text with a header row: the first non-blank line holds something besides
 * integers (which would make it a session file), and there is no NUL byte. */
SniffScore csv_sniff(const char *prefix, size_t len)
{
    if (memchr(prefix, '\0', len))
        return SNIFF_NO;
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", prefix[i]))
        i++;
    for (; i < len && prefix[i] != '\n'; i++)
        if (!strchr(" \t\r0123456789", prefix[i]))
            return SNIFF_MAYBE;
    return SNIFF_NO;
}

bool csv_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
              Meanings *meanings, Error *err)
{
    const char *path = in->path;
    if (text_cr_line_ends(in->prefix, in->prefix_len))
        return error_set(err, CR_LINE_ENDS_MESSAGE, path);
    CsvReader r = {.path = path, .opt = opt, .t = t, .vocab = vocab, .meanings = meanings,
                   .err = err, .line = 1, .in_header = true, .content_col = -1,
                   .event_name_col = -1, .event_id_col = -1, .stop_at = UINT64_MAX};
    strpool_init(&r.groups);
    strpool_init(&r.templates);
    if (!csv_compile_group_regex(&r)) {
        csv_reader_free(&r);
        return false;
    }
    bool ok = csv_parser_start(&r);
    if (ok) {
        ok = trace_begin(t, path, TRACE_FORMAT_CSV, err);
        r.names = &t->names;
        csv_reset_record(&r);
        r.record_line = 1;
        ok = ok && read_input(&r, in) && check_loaded(&r) && csv_warn(&r);
        csv_free(&r.parser);
    }
    if (ok && r.grouping)
        ok = csv_group_into_sessions(&r);
    else if (ok)
        ok = trace_end_session(t, err);
    csv_reader_free(&r);
    if (!ok) {
        trace_free(t);
        return false;
    }
    trace_shrink(t);
    return true;
}
