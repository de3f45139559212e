/* loghub's *_templates.csv as a meanings file: a header naming EventId and EventTemplate
 * (Occurrences and other columns ignored), then a row per template, CSV-quoted. Each row gives
 * the template as the meaning of its EventId (traces keyed with --key EventId) and of the
 * template's own id (traces keyed by template, the default for structured and raw logs). */
#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drain.h"
#include "meanings.h"
#include "meanings_read.h"
#include "text.h"

#define TEMPLATES_MAX_FIELDS 16

typedef struct TemplatesReader {
    Meanings *m;
    const char *path;
    Error *err;
    bool failed, in_header;
    size_t line;
    int id_col, template_col;
    size_t field;
    char *value[2];             /* this row's EventId and EventTemplate */
    size_t value_len[2];
} TemplatesReader;

static bool fail(TemplatesReader *r, const char *what)
{
    r->failed = true;
    return error_set(r->err, "%s:%zu: %s", r->path, r->line, what);
}

/* A header name without the spaces around it, compared with want. */
static bool named(const char *s, size_t len, const char *want)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '"'))
        s++, len--;
    while (len > 0 && strchr(" \t\r\n\"", s[len - 1]))
        len--;
    return len == strlen(want) && strncasecmp(s, want, len) == 0;
}

bool meanings_templates_header(const char *line, size_t len)
{
    bool id = false, template = false;
    for (size_t start = 0; start <= len;) {
        const char *comma = memchr(line + start, ',', len - start);
        size_t end = comma ? (size_t)(comma - line) : len;
        id |= named(line + start, end - start, "EventId");
        template |= named(line + start, end - start, "EventTemplate");
        start = end + 1;
    }
    return id && template;
}

static void on_field(void *data, size_t len, void *ctx)
{
    TemplatesReader *r = ctx;
    if (r->failed)
        return;
    if (r->in_header) {
        if (named(data, len, "EventId") && r->id_col < 0)
            r->id_col = (int)r->field;
        else if (named(data, len, "EventTemplate") && r->template_col < 0)
            r->template_col = (int)r->field;
    } else if ((int)r->field == r->id_col || (int)r->field == r->template_col) {
        int which = (int)r->field == r->template_col;
        size_t bad = text_invalid_utf8(data, len);
        if (bad < len) {
            fail(r, "invalid UTF-8 in a templates file");
            return;
        }
        free(r->value[which]);
        r->value[which] = strndup(data, len);
        r->value_len[which] = len;
        if (!r->value[which]) {
            fail(r, "out of memory");
            r->err->code = ERROR_NOMEM;
            return;
        }
    }
    r->field++;
}

static void on_row(int terminator, void *ctx)
{
    (void)terminator;
    TemplatesReader *r = ctx;
    if (r->failed)
        return;
    bool header = r->in_header;
    r->in_header = false;
    size_t fields = r->field;
    r->field = 0;
    if (header || (fields == 1 && r->value[0] == NULL && r->value[1] == NULL))
        return; /* the header; a blank line */
    if (!r->value[0] || !r->value[1] || r->value_len[0] == 0) {
        fail(r, "expected EventId,EventTemplate: a field is missing or the EventId is empty");
        return;
    }
    char id[DRAIN_ID_LEN + 1];
    template_id(r->value[1], r->value_len[1], id);
    if (!meanings_set_template(r->m, r->value[0], r->value_len[0], r->value[1], r->value_len[1],
                               r->path, r->line, r->err) ||
        !meanings_set_template(r->m, id, strlen(id), r->value[1], r->value_len[1], r->path,
                               r->line, r->err)) {
        r->failed = true;
        error_prefix(r->err, "%s:%zu: ", r->path, r->line);
    }
    for (int i = 0; i < 2; i++) {
        free(r->value[i]);
        r->value[i] = NULL;
    }
}

/* Feeds one physical line (or the last bytes), so that errors name it. */
static bool feed(TemplatesReader *r, struct csv_parser *p, const char *s, size_t len)
{
    if (memchr(s, '\0', len))
        return fail(r, "binary data (a NUL byte) in a templates file");
    if (csv_parse(p, s, len, on_field, on_row, r) < len && !r->failed)
        return fail(r, "malformed quoting (a quote inside an unquoted field, or text after a "
                       "closing quote)");
    return !r->failed;
}

static bool feed_rest(TemplatesReader *r, struct csv_parser *p, MeaningsReader *fp)
{
    char *line = NULL;
    size_t cap = 0, len = 0;
    int c;
    bool ok = true;
    while (ok && (c = meanings_getc(fp)) != EOF) {
        if (len + 2 > cap) {
            size_t grown_cap = cap ? cap * 2 : 256;
            char *grown = grown_cap <= MEANINGS_MAX_LINE + 2 ? realloc(line, grown_cap) : NULL;
            if (!grown) {
                ok = fail(r, "a line too long, or out of memory");
                break;
            }
            line = grown;
            cap = grown_cap;
        }
        line[len++] = (char)c;
        if (c == '\n') {
            r->line++;
            ok = feed(r, p, line, len);
            len = 0;
        }
    }
    if (ok && fp->failed) {
        ok = input_read_error(&fp->in, r->err); /* names the file */
    }
    if (ok && len > 0) {
        r->line++;
        ok = feed(r, p, line, len);
    }
    free(line);
    return ok;
}

bool meanings_load_templates(Meanings *m, MeaningsReader *fp, const char *path, const char *header,
                             size_t header_len, size_t header_line, Error *err)
{
    TemplatesReader r = {.m = m, .path = path, .err = err, .in_header = true,
                         .line = header_line, .id_col = -1, .template_col = -1};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return error_set(err, "%s: cannot start the CSV parser", path);
    bool ok = feed(&r, &p, header, header_len) && feed_rest(&r, &p, fp);
    if (ok && csv_fini(&p, on_field, on_row, &r) != 0 && !r.failed)
        ok = fail(&r, "a quoted field is never closed");
    ok = ok && !r.failed;
    csv_free(&p);
    free(r.value[0]);
    free(r.value[1]);
    return ok;
}
