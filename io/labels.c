#include "labels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv_write.h"
#include "safe_file.h"
#include "text.h"

#define N_COLUMNS 5

bool labels_path(const char *trace_path, char *out, size_t size)
{
    int n = snprintf(out, size, "%s" LABELS_SUFFIX, trace_path);
    return n >= 0 && (size_t)n < size;
}

/* ------------------------------------------------------------------------ escaping */

static bool needs_escape(unsigned char c)
{
    return c == ' ' || c == '%' || c < 0x20 || c == 0x7f;
}

size_t labels_escape_key(const char *name, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        size_t len = needs_escape(*p) ? 3 : 1;
        for (size_t k = 0; k < len; k++, n++)
            if (n + 1 < size)
                out[n] = len == 3 ? esc[k] : (char)*p;
    }
    if (size)
        out[n < size ? n : size - 1] = '\0';
    return n;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ------------------------------------------------------------------------ rows */

static void row_free(LabelRow *row)
{
    for (uint64_t i = 0; row->keys && i < row->events; i++)
        free(row->keys[i]);
    free(row->keys);
    row->keys = NULL;
}

void labels_free(Labels *labels)
{
    for (size_t i = 0; i < labels->n_rows; i++)
        row_free(&labels->rows[i]);
    free(labels->rows);
    memset(labels, 0, sizeof *labels);
}

/* Appends row, which owns its keys from here on (freed on failure). */
static bool append_row(Labels *labels, LabelRow *row, Error *err)
{
    if (labels->n_rows == labels->cap) {
        size_t cap = labels->cap ? 2 * labels->cap : 16;
        LabelRow *grown = realloc(labels->rows, cap * sizeof *grown);
        if (!grown) {
            row_free(row);
            return error_nomem(err);
        }
        labels->rows = grown;
        labels->cap = cap;
    }
    labels->rows[labels->n_rows++] = *row;
    return true;
}

static bool new_row(LabelRow *row, LabelUnit unit, uint64_t first, uint64_t events, LabelKind label, Error *err)
{
    *row = (LabelRow){.unit = unit, .first_event = first, .events = events, .label = label};
    if (events == 0 || events > SIZE_MAX / sizeof *row->keys || first > UINT64_MAX - events)
        return error_set(err, "a mark's range of %llu events from %llu is impossible", (unsigned long long)events,
                         (unsigned long long)first);
    row->keys = calloc(events, sizeof *row->keys);
    return row->keys || error_nomem(err);
}

bool labels_add(Labels *labels, LabelUnit unit, uint64_t first, uint64_t events, LabelKind label,
                const char *const *keys, Error *err)
{
    LabelRow row;
    if (!new_row(&row, unit, first, events, label, err))
        return false;
    for (uint64_t i = 0; i < events; i++)
        if (!(row.keys[i] = strdup(keys[i]))) {
            row_free(&row);
            return error_nomem(err);
        }
    return append_row(labels, &row, err);
}

bool labels_add_from_trace(Labels *labels, LabelUnit unit, uint64_t first, uint64_t events, LabelKind label,
                           const Trace *trace, const Vocab *vocab, Error *err)
{
    if (first > trace->n_events || events > trace->n_events - first)
        return error_set(err, "%s: events %llu..%llu are past its %zu events", trace->path,
                         (unsigned long long)first, (unsigned long long)(first + events), trace->n_events);
    LabelRow row;
    if (!new_row(&row, unit, first, events, label, err))
        return false;
    for (uint64_t i = 0; i < events; i++)
        if (!(row.keys[i] = strdup(vocab_name(vocab, trace->key_id[first + i])))) {
            row_free(&row);
            return error_nomem(err);
        }
    return append_row(labels, &row, err);
}

void labels_remove(Labels *labels, size_t i)
{
    if (i >= labels->n_rows)
        return;
    row_free(&labels->rows[i]);
    memmove(&labels->rows[i], &labels->rows[i + 1], (labels->n_rows - i - 1) * sizeof *labels->rows);
    labels->n_rows--;
}

int64_t labels_find(const Labels *labels, LabelUnit unit, uint64_t first, uint64_t events)
{
    for (size_t i = labels->n_rows; i-- > 0;) {
        const LabelRow *r = &labels->rows[i];
        if (r->unit == unit && r->first_event == first && r->events == events)
            return (int64_t)i;
    }
    return -1;
}

/* ------------------------------------------------------------------------ checking */

/* Whether [first, first + events) is one of the trace's sessions (binary search of the starts). */
static bool is_session(const Trace *t, uint64_t first, uint64_t events)
{
    size_t lo = 0, hi = t->n_sessions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->session_start[mid] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n_sessions && t->session_start[lo] == first && t->session_start[lo + 1] == first + events;
}

bool labels_row_matches(const LabelRow *row, const Trace *trace, const Vocab *vocab)
{
    if (row->first_event > trace->n_events || row->events > trace->n_events - row->first_event)
        return false;
    if (row->unit == LABEL_UNIT_SESSION
        && (!trace_has_sessions(trace) || !is_session(trace, row->first_event, row->events)))
        return false;
    if (row->unit == LABEL_UNIT_SEGMENT && trace_has_sessions(trace))
        return false;
    for (uint64_t i = 0; i < row->events; i++)
        if (strcmp(vocab_name(vocab, trace->key_id[row->first_event + i]), row->keys[i]) != 0)
            return false;
    return true;
}

size_t labels_check(const Labels *labels, const Trace *trace, const Vocab *vocab, size_t *stale)
{
    size_t n = 0;
    for (size_t i = 0; i < labels->n_rows; i++)
        if (!labels_row_matches(&labels->rows[i], trace, vocab))
            stale[n++] = i;
    return n;
}

/* ------------------------------------------------------------------------ reading */

/* Where a field is read, for messages. */
typedef struct Field {
    const char *text;   /* unquoted, NUL-terminated (in the line's scratch) */
    size_t len;
    size_t column;      /* 1-based byte column of its first character in the line */
} Field;

typedef struct LineReader {
    const char *path;
    size_t line;
    Error *err;
} LineReader;

static bool fail_at(const LineReader *r, size_t column, const char *what, const char *text, size_t len)
{
    char excerpt[64];
    return error_set(r->err, "%s:%zu:%zu: %s, found '%s'", r->path, r->line, column, what,
                     text_excerpt(excerpt, sizeof excerpt, text, len));
}

/* Splits line into fields in place (a quoted field's doubled quotes undone). */
static bool split_fields(const LineReader *r, char *line, Field *fields, size_t *n_fields)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        size_t column = (size_t)(p - line) + 1;
        char *start = p, *out = p;
        if (*p == '"') {
            for (p++;; p++) {
                if (*p == '\0')
                    return fail_at(r, column, "a quoted field not closed on its line", start, strlen(start));
                if (*p == '"' && p[1] == '"')
                    *out++ = *p++;
                else if (*p == '"')
                    break;
                else
                    *out++ = *p;
            }
            p++;
            if (*p != ',' && *p != '\0')
                return fail_at(r, (size_t)(p - line) + 1, "expected ',' after a quoted field", p, strlen(p));
        } else {
            while (*p && *p != ',')
                p++;
            out = p;
        }
        if (n == N_COLUMNS)
            return fail_at(r, column, "more than the 5 fields of " LABELS_HEADER, start, strlen(start));
        bool last = *p == '\0';
        *out = '\0';
        fields[n++] = (Field){start, (size_t)(out - start), column};
        if (last)
            break;
        p++;
    }
    *n_fields = n;
    if (n < N_COLUMNS)
        return fail_at(r, (size_t)(p - line) + 1, "fewer than the 5 fields of " LABELS_HEADER, line, strlen(line));
    return true;
}

/* A count or index: decimal digits only, below 2^63. */
static bool parse_count(const LineReader *r, const Field *f, const char *name, uint64_t *value)
{
    uint64_t v = 0;
    bool ok = f->len > 0 && f->len <= 19;
    for (size_t i = 0; ok && i < f->len; i++)
        ok = f->text[i] >= '0' && f->text[i] <= '9';
    for (size_t i = 0; ok && i < f->len; i++)
        v = v * 10 + (uint64_t)(f->text[i] - '0');
    if (!ok || v > (uint64_t)INT64_MAX) {
        char what[96];
        snprintf(what, sizeof what, "%s: expected a whole number from 0 to 2^63-1", name);
        return fail_at(r, f->column, what, f->text, f->len);
    }
    *value = v;
    return true;
}

/* One escaped key name [s, s + len) into out (NUL-terminated); *bad_at: its offset at fault. */
static bool unescape_key(const char *s, size_t len, char *out, size_t *bad_at)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            *bad_at = i;
            return false;
        }
        if (c != '%') {
            out[n++] = (char)c;
            continue;
        }
        int hi = i + 1 < len ? hex_value(s[i + 1]) : -1, lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            *bad_at = i;
            return false;
        }
        out[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[n] = '\0';
    return true;
}

/* The names must be as many as the events, checked before the row's keys are allocated: a count
 * read from the file (events 1000000000) must not size an allocation the line cannot fill. */
static bool check_key_count(const LineReader *r, const Field *f, uint64_t events)
{
    uint64_t n_names = 1;
    for (size_t i = 0; i < f->len; i++)
        n_names += f->text[i] == ' ';
    if (n_names == events)
        return true;
    char what[128];
    snprintf(what, sizeof what, "keys: %llu names for %llu events", (unsigned long long)n_names,
             (unsigned long long)events);
    return fail_at(r, f->column, what, f->text, f->len);
}

/* Row's key names from f (as many as its events: check_key_count). */
static bool parse_keys(const LineReader *r, const Field *f, LabelRow *row)
{
    const char *name = f->text;
    for (uint64_t k = 0; k < row->events; k++) {
        const char *end = strchr(name, ' ');
        size_t len = end ? (size_t)(end - name) : strlen(name);
        if (!(row->keys[k] = malloc(len + 1)))
            return error_nomem(r->err);
        size_t bad_at;
        if (!unescape_key(name, len, row->keys[k], &bad_at))
            return fail_at(r, f->column + (size_t)(name - f->text) + bad_at,
                           "keys: a control character or a bad escape (expected %XX, XX two hex digits, not 00)",
                           name + bad_at, len - bad_at);
        name += len + 1;
    }
    return true;
}

static bool parse_word(const LineReader *r, const Field *f, const char *a, const char *b, const char *what, int *which)
{
    if (strcmp(f->text, a) == 0 && f->len == strlen(a))
        *which = 0;
    else if (strcmp(f->text, b) == 0 && f->len == strlen(b))
        *which = 1;
    else
        return fail_at(r, f->column, what, f->text, f->len);
    return true;
}

static bool parse_row(Labels *labels, const LineReader *r, char *line)
{
    Field f[N_COLUMNS];
    size_t n;
    if (!split_fields(r, line, f, &n))
        return false;
    int unit, label;
    uint64_t first, events;
    if (!parse_word(r, &f[0], "session", "segment", "unit: expected session or segment", &unit)
        || !parse_count(r, &f[1], "first_event", &first) || !parse_count(r, &f[2], "events", &events)
        || !parse_word(r, &f[3], "normal", "anomalous", "label: expected normal or anomalous", &label))
        return false;
    if (events == 0)
        return fail_at(r, f[2].column, "events: a mark covers 1 event or more", f[2].text, f[2].len);
    if (first > (uint64_t)INT64_MAX - events)
        return fail_at(r, f[2].column, "events: the range ends past 2^63-1", f[2].text, f[2].len);
    if (!check_key_count(r, &f[4], events))
        return false;
    LabelRow row;
    if (!new_row(&row, unit ? LABEL_UNIT_SEGMENT : LABEL_UNIT_SESSION, first, events,
                 label ? LABEL_ANOMALOUS : LABEL_NORMAL, r->err))
        return false;
    row.line = r->line;
    if (!parse_keys(r, &f[4], &row)) {
        row_free(&row);
        return false;
    }
    return append_row(labels, &row, r->err);
}

static bool read_line(Labels *labels, LineReader *r, bool *have_header, char *line, size_t len)
{
    if (r->line == 1)
        len = text_skip_bom(line, len);
    len = text_trim_newline(line, len);
    line[len] = '\0';
    if (strlen(line) != len)
        return fail_at(r, strlen(line) + 1, "a NUL byte in the line", "", 0);
    if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
        return true;
    if (*have_header)
        return parse_row(labels, r, line);
    if (strcmp(line, LABELS_HEADER) != 0)
        return fail_at(r, 1, "expected the header " LABELS_HEADER, line, len);
    *have_header = true;
    return true;
}

bool labels_load(Labels *labels, const char *path, Error *err)
{
    memset(labels, 0, sizeof *labels);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT)
        return true; /* no marks yet */
    FILE *fp;
    if (!text_open(path, &fp, err))
        return false;
    LineReader r = {path, 0, err};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool ok = true, have_header = false;
    while (ok && (len = getline(&line, &cap, fp)) >= 0) {
        r.line++;
        ok = read_line(labels, &r, &have_header, line, (size_t)len);
    }
    if (ok && ferror(fp))
        ok = error_set_code(err, errno == ENOMEM ? ERROR_NOMEM : ERROR_IO, "%s:%zu: read error: %s", path,
                            r.line + 1, strerror(errno));
    if (ok && !have_header)
        ok = error_set(err, "%s:%zu:1: no header (" LABELS_HEADER ")", path, r.line + 1);
    free(line);
    fclose(fp);
    if (!ok)
        labels_free(labels);
    return ok;
}

/* ------------------------------------------------------------------------ writing */

static bool write_keys(FILE *out, const LabelRow *row, CsvRow *csv, Error *err)
{
    size_t len = 0;
    for (uint64_t k = 0; k < row->events; k++)
        len += labels_escape_key(row->keys[k], NULL, 0) + 1;
    char *joined = malloc(len + 1), *p = joined;
    if (!joined)
        return error_nomem(err);
    for (uint64_t k = 0; k < row->events; k++) {
        if (k)
            *p++ = ' ';
        p += labels_escape_key(row->keys[k], p, len + 1 - (size_t)(p - joined));
    }
    *p = '\0';
    (void)out;
    csv_row_text_n(csv, joined, (size_t)(p - joined));
    free(joined);
    return true;
}

bool labels_save(const Labels *labels, const char *path, Error *err)
{
    SafeFile sf;
    if (!safe_file_open(&sf, path, err))
        return false;
    fputs("# traceaid marks: normal = a false positive (traceaid update learns it), anomalous = a miss\n", sf.fp);
    csv_header(sf.fp, LABELS_HEADER);
    for (size_t i = 0; i < labels->n_rows; i++) {
        const LabelRow *row = &labels->rows[i];
        CsvRow csv = csv_row_begin(sf.fp);
        csv_row_word(&csv, labels_unit_name(row->unit));
        csv_row_number(&csv, "%llu", (unsigned long long)row->first_event);
        csv_row_number(&csv, "%llu", (unsigned long long)row->events);
        csv_row_word(&csv, labels_kind_name(row->label));
        if (!write_keys(sf.fp, row, &csv, err)) {
            safe_file_abort(&sf);
            return false;
        }
        csv_row_end(&csv);
    }
    return safe_file_commit(&sf, err);
}
