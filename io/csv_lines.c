/* The CSV reader's text, fed a physical line at a time so that every error names its line. A
 * plain line (its quoted fields, if any, on the line and free of quotes) is split here at once;
 * any other, or a line met inside a quoted field, goes through libcsv, whose reading the split
 * reproduces: fields at commas, spaces and tabs around an unquoted field dropped, a quoted
 * field's text as it is between its quotes, a blank line no record. Part of the CSV reader
 * (io/csv_reader.h). */
#include "csv_reader.h"

#include <stdio.h>
#include <string.h>

#define PLAIN_MAX_FIELDS 64     /* a plain line of more goes through libcsv */
#define PLAIN_MAX_LINE 65536    /* so does a longer one: libcsv's field limit says its error */

static void *bounded_realloc(void *p, size_t size)
{
    /* libcsv grows its field buffer through this; refusing keeps a runaway field bounded. */
    return size > CSV_MAX_FIELD + 4096 ? NULL : realloc(p, size);
}

bool csv_parser_start(CsvReader *r)
{
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return error_set(r->err, "%s: cannot start the CSV parser", r->path);
    csv_set_realloc_func(&r->parser, bounded_realloc);
    csv_set_blk_size(&r->parser, 4096);
    return true;
}

/* Between records: libcsv's parser is in its first state (ROW_NOT_BEGUN, 0 in libcsv.c), which
 * it is in after a record's line end and never inside a quoted field. */
static bool between_records(const CsvReader *r)
{
    return r->parser.pstate == 0 && r->line_col == 0;
}

static bool parse_error(CsvReader *r, size_t col)
{
    if (csv_error(&r->parser) == CSV_ENOMEM)
        return csv_fail(r, "column %zu: a field longer than %u bytes", r->field + 1, CSV_MAX_FIELD);
    char msg[128];
    snprintf(msg, sizeof msg, "%zu: malformed quoting (a quote inside an unquoted field, or text "
             "after a closing quote)", col);
    r->failed = true;
    return error_set(r->err, "%s:%zu:%s", r->path, r->line, msg);
}

/* A NUL byte means a binary file: said before any parse error its bytes might cause. */
static bool check_not_binary(CsvReader *r, const char *buf, size_t len)
{
    const char *nul = memchr(buf, '\0', len);
    if (!nul)
        return true;
    size_t line = r->line, line_col = r->line_col;
    const char *line_start = buf;
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(nul - p))) != NULL; line_start = ++p)
        line++, line_col = 0;
    r->line = line;
    return csv_fail(r, "binary data (a NUL byte at column %zu): not a CSV trace",
                    line_col + (size_t)(nul - line_start) + 1);
}

typedef struct PlainField {
    const char *s;
    size_t len;
} PlainField;

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* The bytes that end an unquoted field, or make its line one for libcsv. */
static const bool field_stop[256] = {[','] = true, ['\n'] = true, ['\r'] = true, ['"'] = true};

/* The length of the line end at p ("\n" or "\r\n"); 0 when there is none. */
static size_t line_end_at(const char *p, const char *limit)
{
    if (*p == '\n')
        return 1;
    return *p == '\r' && p + 1 < limit && p[1] == '\n' ? 2 : 0;
}

/* A quoted field at p: its text between the quotes, *after past the closing one. False for one
 * holding a quote (doubled), a carriage return or a line end: libcsv reads those. */
static bool quoted_field(const char *p, const char *limit, PlainField *f, const char **after)
{
    const char *q = p + 1;
    while (q < limit && *q != '"' && *q != '\n' && *q != '\r')
        q++;
    if (q == limit || *q != '"' || (q + 1 < limit && q[1] == '"'))
        return false;
    *f = (PlainField){p + 1, (size_t)(q - p - 1)};
    *after = q + 1;
    return true;
}

/* An unquoted field at p, spaces and tabs around it dropped; false when a quote is in it. */
static bool unquoted_field(const char *p, const char *limit, PlainField *f, const char **after)
{
    const char *s = p;
    while (p < limit && !field_stop[(unsigned char)*p])
        p++;
    if (p < limit && *p == '"')
        return false; /* libcsv's error says where */
    size_t len = (size_t)(p - s);
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    *f = (PlainField){s, len};
    *after = p;
    return true;
}

/* Splits the line at p (it ends within end) when it is plain: every field unquoted, or quoted
 * with no quote, carriage return or line end inside, and the line ending in "\n" or "\r\n".
 * Gives each field and the record's end to the record callbacks; *line_len gets the line's
 * length with its end. False, with nothing given, for any other line: libcsv reads it. */
static bool split_plain_line(CsvReader *r, const char *p, const char *end, size_t *line_len)
{
    PlainField field[PLAIN_MAX_FIELDS];
    size_t n = 0, eol = 0;
    bool first_quoted = false;
    const char *start = p, *limit = end - p > PLAIN_MAX_LINE ? p + PLAIN_MAX_LINE : end;
    while (eol == 0) {
        while (p < limit && is_blank(*p))
            p++;
        bool quoted = p < limit && *p == '"';
        if (n == PLAIN_MAX_FIELDS ||
            !(quoted ? quoted_field(p, limit, &field[n], &p) : unquoted_field(p, limit, &field[n], &p)))
            return false;
        if (p == limit)
            return false; /* the line goes on past the buffer (or is too long) */
        first_quoted |= n == 0 && quoted;
        n++;
        if (*p == ',')
            p++;
        else if ((eol = line_end_at(p, limit)) == 0)
            return false; /* a lone carriage return, or text after a closing quote */
    }
    *line_len = (size_t)(p + eol - start);
    if (n == 1 && field[0].len == 0 && !first_quoted)
        return true; /* a blank line: no record */
    for (size_t i = 0; i < n && !r->failed; i++)
        csv_on_field((void *)field[i].s, field[i].len, r); /* the callback only reads it */
    if (!r->failed)
        csv_on_row('\n', r);
    return true;
}

/* Has feeding come to where it should stop? At a line end between records only, so that what
 * follows starts a record. */
static bool stop_here(const CsvReader *r)
{
    return r->pos >= r->stop_at && between_records(r) &&
           (!r->stop_after_event || (!r->in_header && csv_events_read(r) > 0));
}

bool csv_feed(CsvReader *r, const char *buf, size_t len, size_t *used)
{
    *used = 0;
    r->stopped = false;
    if (!check_not_binary(r, buf, len))
        return false;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        size_t seg_len;
        bool whole_line;
        if (between_records(r) && !r->in_header && split_plain_line(r, p, end, &seg_len)) {
            if (r->failed)
                return false;
            whole_line = true;
        } else {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            whole_line = nl != NULL;
            seg_len = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
            size_t fed = csv_parse(&r->parser, p, seg_len, csv_on_field, csv_on_row, r);
            if (r->failed)
                return false;
            if (fed < seg_len)
                return parse_error(r, r->line_col + fed + 1);
        }
        p += seg_len;
        r->pos += seg_len;
        if (!whole_line) {
            r->line_col += seg_len;
            continue;
        }
        r->line++;
        r->line_col = 0;
        if (stop_here(r)) {
            r->stopped = true;
            break;
        }
    }
    *used = (size_t)(p - buf);
    return true;
}

bool csv_feed_end(CsvReader *r)
{
    if (csv_fini(&r->parser, csv_on_field, csv_on_row, r) != 0 && !r->failed) {
        r->failed = true;
        return error_set(r->err, "%s:%zu: a quoted field is never closed (the record starting on "
                         "line %zu runs to the end of the file)", r->path, r->line, r->record_line);
    }
    return !r->failed;
}
