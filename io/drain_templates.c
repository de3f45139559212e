/* Templates files, loghub's *_templates.csv (EventId,EventTemplate,Occurrences): loaded as
 * frozen clusters, saved with the clusters that end with one template merged. */
#include "drain_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_write.h"
#include "input.h"
#include "safe_file.h"

/* A templates file past this is no templates file (loghub's largest holds a few thousand rows). */
#define MAX_TEMPLATES_BYTES ((size_t)256 << 20)
/* The header must be whole in this many first bytes. */
#define MAX_HEADER_BYTES ((size_t)64 << 10)

/* Whether the first len bytes of line hold name, in any case. */
static bool names(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(line + i, name, n) == 0)
            return true;
    return false;
}

/* Whether the first line of data (len bytes read so far) names EventId and EventTemplate:
 * checked as soon as it is read, so that a file of another kind is refused before it is read
 * whole. Sets *checked once it could tell; false with err set when it does not name them. */
static bool header_named(const char *path, const char *data, size_t len, bool at_end, bool *checked,
                         Error *err)
{
    const char *eol = memchr(data, '\n', len);
    if (!eol && !at_end && len < MAX_HEADER_BYTES)
        return true; /* not yet: more to read */
    size_t line = eol ? (size_t)(eol - data) : len;
    *checked = true;
    if (!memchr(data, '\0', line) && names(data, line, "EventId") && names(data, line, "EventTemplate"))
        return true;
    return error_set(err, "%s:1: the header must name EventId and EventTemplate: not a templates file", path);
}

/* The whole file (decompressed), NUL-terminated; refused when its first line is no templates
 * header or it is past MAX_TEMPLATES_BYTES; stops when *cancel is set. */
static bool read_all(const char *path, const CancelFlag *cancel, char **data, size_t *len, Error *err)
{
    InputStream in;
    if (!input_open(&in, path, cancel, err))
        return false;
    size_t cap = 1 << 16;
    bool checked = false, ok = true;
    *len = 0;
    *data = malloc(cap);
    for (;;) {
        if (!*data) {
            ok = error_nomem(err);
            break;
        }
        if (cancel && *cancel) {
            ok = error_interrupted(err);
            break;
        }
        if (*len > MAX_TEMPLATES_BYTES) {
            ok = error_set(err, "%s: more than %zu MB: too large for a templates file", path,
                           MAX_TEMPLATES_BYTES >> 20);
            break;
        }
        if (*len + 4096 + 1 > cap) {
            char *more = realloc(*data, cap *= 2);
            if (!more)
                free(*data);
            *data = more;
            continue;
        }
        ssize_t got = input_read(&in, *data + *len, cap - *len - 1);
        if (got < 0) {
            ok = input_read_error(&in, err);
            break;
        }
        *len += (size_t)got;
        (*data)[*len] = '\0';
        if (!checked && !header_named(path, *data, *len, got == 0, &checked, err)) {
            ok = false;
            break;
        }
        if (got == 0)
            break;
    }
    input_close(&in);
    if (!ok) {
        free(*data);
        *data = NULL;
    }
    return ok;
}

/* A CSV cursor over the file: fields unquoted in place, quotes undoubled. */
typedef struct CsvCursor {
    char *s;
    size_t pos, len;
    size_t line;                /* of the cursor, from 1 */
} CsvCursor;

/* The next field: *field points into the data (rewritten in place), *end_of_record says
 * whether a line end (or the file's end) followed it. */
static bool next_field(CsvCursor *c, const char *path, char **field, size_t *field_len,
                       bool *end_of_record, Error *err)
{
    char *s = c->s;
    size_t out = c->pos;
    *field = s + c->pos;
    if (c->pos < c->len && s[c->pos] == '"') {
        size_t start_line = c->line;
        size_t i = c->pos + 1;
        for (;;) {
            if (i >= c->len)
                return error_set(err, "%s:%zu: a quoted field never ends", path, start_line);
            if (s[i] == '"') {
                if (i + 1 < c->len && s[i + 1] == '"') {
                    s[out++] = '"';
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (s[i] == '\n')
                c->line++;
            s[out++] = s[i++];
        }
        c->pos = i;
    } else {
        while (c->pos < c->len && s[c->pos] != ',' && s[c->pos] != '\n' && s[c->pos] != '\r')
            s[out++] = s[c->pos++];
    }
    *field_len = out - (size_t)(*field - s);
    if (c->pos < c->len && s[c->pos] == ',') {
        c->pos++;
        *end_of_record = false;
        return true;
    }
    if (c->pos < c->len && s[c->pos] == '\r') {
        c->pos++;
        if (c->pos == c->len || s[c->pos] != '\n') { /* a lone "\r" ends the line too */
            c->line++;
            *end_of_record = true;
            return true;
        }
    }
    if (c->pos < c->len && s[c->pos] != '\n')
        return error_set(err, "%s:%zu: text after a quoted field", path, c->line);
    if (c->pos < c->len) {
        c->pos++;
        c->line++;
    }
    *end_of_record = true;
    return true;
}

#define MAX_COLUMNS 64

typedef struct Record {
    char *field[MAX_COLUMNS];
    size_t len[MAX_COLUMNS];
    size_t n;
    size_t line;
} Record;

static bool next_record(CsvCursor *c, const char *path, Record *r, Error *err)
{
    r->n = 0;
    r->line = c->line;
    bool end = false;
    while (!end) {
        char *f;
        size_t n = 0;
        if (!next_field(c, path, &f, &n, &end, err))
            return false;
        if (r->n == MAX_COLUMNS)
            return error_set(err, "%s:%zu: more than %d columns", path, r->line, MAX_COLUMNS);
        r->field[r->n] = f;
        r->len[r->n++] = n;
    }
    return true;
}

static int column(const Record *header, const char *name)
{
    for (size_t k = 0; k < header->n; k++)
        if (header->len[k] == strlen(name) && strncasecmp(header->field[k], name, header->len[k]) == 0)
            return (int)k;
    return -1;
}

/* The ids a file has given so far, each with its first cluster: an id names one template. */
typedef struct LoadedIds {
    StrPool ids;
    uint32_t *cluster;          /* per id */
    uint32_t cap;
} LoadedIds;

/* Refuses an id the file gave before to another template: saved, one of them would be lost,
 * and the key would mean another template from one run to the next. */
static bool check_id(const Drain *d, LoadedIds *seen, uint32_t c, size_t line, const char *path,
                     Error *err)
{
    const char *id = d->cluster[c].id;
    uint32_t before = seen->ids.count, k;
    if (!strpool_intern(&seen->ids, id, strlen(id), &k, err))
        return false;
    if (k == before) {
        if (k == seen->cap) {
            uint32_t cap = seen->cap ? seen->cap * 2 : 256;
            uint32_t *more = realloc(seen->cluster, cap * sizeof *more);
            if (!more)
                return error_nomem(err);
            seen->cluster = more;
            seen->cap = cap;
        }
        seen->cluster[k] = c;
        return true;
    }
    uint32_t first = seen->cluster[k]; /* each cluster keeps its own text: both stay valid */
    size_t len = drain_template_len(d, c);
    bool same = len == drain_template_len(d, first) &&
                memcmp(drain_template(d, c), drain_template(d, first), len) == 0;
    return same ? true : error_set(err, "%s:%zu: EventId %s was given to another template before: "
                                   "an id names one template", path, line, id);
}

static bool load_template(Drain *d, LoadedIds *seen, const Record *r, int id_col,
                          int template_col, const char *path, Error *err)
{
    if ((size_t)id_col >= r->n || (size_t)template_col >= r->n)
        return error_set(err, "%s:%zu: %zu columns, the header has more", path, r->line, r->n);
    size_t id_len = r->len[id_col];
    if (id_len == 0 || id_len > DRAIN_LOADED_ID_MAX || memchr(r->field[id_col], '\0', id_len))
        return error_set(err, "%s:%zu: an EventId must have 1 to %d characters, none NUL", path,
                         r->line, DRAIN_LOADED_ID_MAX);
    const char *text = r->field[template_col];
    int64_t n = drain_split(d, text, r->len[template_col], err);
    uint32_t c;
    if (n < 0 || !drain_create(d, text, (uint32_t)n, true, &c, err))
        return false;
    DrainCluster *cluster = &d->cluster[c];
    memcpy(cluster->id, r->field[id_col], id_len);
    cluster->id[id_len] = '\0';
    cluster->id_valid = true;
    return check_id(d, seen, c, r->line, path, err);
}

bool drain_load_templates(Drain *d, const char *path, const CancelFlag *cancel, Error *err)
{
    char *data;
    size_t len;
    if (!read_all(path, cancel, &data, &len, err))
        return false;
    CsvCursor c = {.s = data, .len = len, .line = 1};
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c.pos = 3;
    Record header, row;
    LoadedIds seen = {0};
    strpool_init(&seen.ids);
    int id_col = -1, template_col = -1;
    bool ok = next_record(&c, path, &header, err);
    if (ok) {
        id_col = column(&header, "EventId");
        template_col = column(&header, "EventTemplate");
        if (id_col < 0 || template_col < 0)
            ok = error_set(err, "%s:1: the header must name EventId and EventTemplate", path);
    }
    while (ok && c.pos < c.len) {
        ok = next_record(&c, path, &row, err);
        if (ok && !(row.n == 1 && row.len[0] == 0)) /* a blank line */
            ok = load_template(d, &seen, &row, id_col, template_col, path, err);
    }
    strpool_free(&seen.ids);
    free(seen.cluster);
    free(data);
    return ok;
}

/* ---- saving ---- */

bool drain_write_templates(const Drain *d, FILE *out, Error *err)
{
    StrPool ids;
    strpool_init(&ids);
    uint32_t *first = malloc((d->n_clusters ? d->n_clusters : 1) * sizeof *first);
    uint64_t *count = calloc(d->n_clusters ? d->n_clusters : 1, sizeof *count);
    bool ok = first && count ? true : error_nomem(err);
    for (uint32_t c = 0; ok && c < d->n_clusters; c++) {
        const char *id = drain_id(d, c);
        uint32_t k;
        uint32_t before = ids.count;
        ok = strpool_intern(&ids, id, strlen(id), &k, err);
        if (ok && k == before)
            first[k] = c;
        if (ok)
            count[k] += drain_occurrences(d, c);
    }
    if (ok) {
        csv_header(out, "EventId,EventTemplate,Occurrences");
        for (uint32_t k = 0; k < ids.count; k++) {
            CsvRow row = csv_row_begin(out);
            csv_row_text(&row, strpool_get(&ids, k));
            csv_row_text_n(&row, drain_template(d, first[k]), drain_template_len(d, first[k]));
            csv_row_number(&row, "%llu", (unsigned long long)count[k]);
            csv_row_end(&row);
        }
    }
    free(first);
    free(count);
    strpool_free(&ids);
    return ok;
}

bool drain_save_templates(const Drain *d, const char *path, Error *err)
{
    SafeFile sf;
    if (!safe_file_open(&sf, path, err))
        return false;
    if (!drain_write_templates(d, sf.fp, err)) {
        safe_file_abort(&sf);
        return false;
    }
    return safe_file_commit(&sf, err);
}
