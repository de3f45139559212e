#include "parse_truth.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/input.h"

/* The values pandas' read_csv takes for missing (its default na_values): such an EventId is
 * no truth, and the evaluator leaves its row out. */
static const char *const NA_VALUES[] = {
    "",     "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A",  "NA",       "NULL", "NaN",    "None",     "n/a",  "nan",  "null",
};

static bool is_na(const char *s, size_t len)
{
    for (size_t k = 0; k < sizeof NA_VALUES / sizeof NA_VALUES[0]; k++)
        if (strlen(NA_VALUES[k]) == len && memcmp(NA_VALUES[k], s, len) == 0)
            return true;
    return false;
}

typedef struct TruthReader {
    ParseTruth *t;
    const char *path;
    Error *err;
    bool failed;
    size_t row;                 /* records so far, the header included */
    size_t field;
    long column;                /* EventId's, -1 until the header names it */
    bool have_label;
    uint32_t label;
} TruthReader;

static void on_field(void *s, size_t len, void *data)
{
    TruthReader *r = data;
    size_t field = r->field++;
    if (r->failed)
        return;
    if (r->row == 0) {
        if (r->column < 0 && len == 7 && memcmp(s, "EventId", 7) == 0)
            r->column = (long)field;
        return;
    }
    if ((long)field != r->column)
        return;
    r->have_label = true;
    r->label = PARSE_NO_LABEL;
    if (!is_na(s, len) && !strpool_intern(&r->t->labels, s, len, &r->label, r->err))
        r->failed = true;
}

static void on_row(int c, void *data)
{
    (void)c;
    TruthReader *r = data;
    size_t row = r->row++;
    r->field = 0;
    if (r->failed)
        return;
    if (row == 0) {
        if (r->column < 0)
            r->failed = !error_set(r->err, "%s:1: no EventId column", r->path);
        return;
    }
    if (!r->have_label) {
        r->failed = !error_set(r->err, "%s: row %zu has no EventId field", r->path, row);
        return;
    }
    r->have_label = false;
    ParseTruth *t = r->t;
    if (t->n_rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        uint32_t *label = realloc(t->label, cap * sizeof *label);
        if (!label) {
            r->failed = !error_nomem(r->err);
            return;
        }
        t->label = label;
        t->cap = cap;
    }
    t->label[t->n_rows++] = r->label;
}

bool parse_truth_load(ParseTruth *t, const char *path, Error *err)
{
    memset(t, 0, sizeof *t);
    strpool_init(&t->labels);
    InputStream in;
    if (!input_open(&in, path, NULL, err))
        return false;
    struct csv_parser parser;
    if (csv_init(&parser, 0) != 0) {
        input_close(&in);
        return error_nomem(err);
    }
    TruthReader r = {.t = t, .path = path, .err = err, .column = -1};
    static char buf[1 << 16];
    bool ok = true;
    for (;;) {
        ssize_t got = input_read(&in, buf, sizeof buf);
        if (got < 0) {
            ok = input_read_error(&in, err);
            break;
        }
        if (got == 0)
            break;
        if (csv_parse(&parser, buf, (size_t)got, on_field, on_row, &r) != (size_t)got) {
            ok = error_set(err, "%s: %s", path, csv_strerror(csv_error(&parser)));
            break;
        }
        if (r.failed)
            break;
    }
    if (ok && !r.failed)
        csv_fini(&parser, on_field, on_row, &r);
    csv_free(&parser);
    input_close(&in);
    if (ok && !r.failed && r.row == 0)
        ok = error_set(err, "%s: empty, not a structured CSV", path);
    if (!ok || r.failed) {
        parse_truth_free(t);
        return false;
    }
    return true;
}

void parse_truth_free(ParseTruth *t)
{
    strpool_free(&t->labels);
    free(t->label);
    t->label = NULL;
    t->n_rows = t->cap = 0;
}

static double pairs(uint64_t n) { return n > 1 ? (double)n * (double)(n - 1) / 2.0 : 0.0; }

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* get_accuracy: a parsed group counts its lines as accurate when they all have one truth label
 * and that label has no other lines; the pairs in common are counted per (group, label). */
bool parse_grouping_score(const ParseTruth *t, const uint32_t *group, size_t n, GroupingScore *s,
                          Error *err)
{
    memset(s, 0, sizeof *s);
    uint32_t n_groups = 0;
    for (size_t i = 0; i < n; i++)
        n_groups = group[i] + 1 > n_groups ? group[i] + 1 : n_groups;
    uint64_t *label_size = calloc(t->labels.count + 1, sizeof *label_size);
    uint64_t *group_size = calloc(n_groups + 1, sizeof *group_size);
    uint32_t *group_label = malloc((n_groups + 1) * sizeof *group_label);
    uint64_t *joint = malloc((n + 1) * sizeof *joint);
    bool ok = label_size && group_size && group_label && joint;
    if (ok) {
        const uint32_t MIXED = PARSE_NO_LABEL - 1;
        for (uint32_t g = 0; g < n_groups; g++)
            group_label[g] = PARSE_NO_LABEL;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t label = t->label[i], g = group[i];
            if (label == PARSE_NO_LABEL)
                continue;
            label_size[label]++;
            group_size[g]++;
            group_label[g] = group_label[g] == PARSE_NO_LABEL || group_label[g] == label ? label : MIXED;
            joint[m++] = (uint64_t)g << 32 | label;
        }
        s->lines = m;
        double real = 0, parsed = 0, accurate = 0;
        for (uint32_t l = 0; l < t->labels.count; l++)
            real += pairs(label_size[l]);
        for (uint32_t g = 0; g < n_groups; g++) {
            parsed += pairs(group_size[g]);
            if (group_size[g] && group_label[g] != MIXED &&
                group_size[g] == label_size[group_label[g]])
                s->accurate_lines += group_size[g];
        }
        qsort(joint, m, sizeof *joint, by_value);
        for (size_t i = 0, j; i < m; i = j) {
            for (j = i; j < m && joint[j] == joint[i]; j++)
                ;
            accurate += pairs(j - i);
        }
        s->accuracy = m ? (double)s->accurate_lines / (double)m : NAN;
        s->precision = parsed > 0 ? accurate / parsed : NAN;
        s->recall = real > 0 ? accurate / real : NAN;
        s->f1 = 2 * s->precision * s->recall / (s->precision + s->recall);
    }
    free(label_size);
    free(group_size);
    free(group_label);
    free(joint);
    return ok ? true : error_nomem(err);
}
