#include "parse_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../io/format.h"
#include "../io/json.h"
#include "../io/log_format.h"

static void json_masks(const char *const *masks)
{
    printf("[");
    for (size_t k = 0; k < DRAIN_MAX_MASKS && masks[k]; k++) {
        printf(k ? ", " : "");
        json_write_string(stdout, masks[k]);
    }
    printf("]");
}

static size_t count_masks(const char *const *masks)
{
    size_t n = 0;
    while (n < DRAIN_MAX_MASKS && masks[n])
        n++;
    return n;
}

void parse_list_formats(bool json)
{
    size_t n;
    const LogPreset *p = log_presets(&n);
    if (json)
        printf("[\n");
    for (size_t k = 0; k < n; k++) {
        if (!json) {
            printf("%-12s %s; similarity %g, depth %d, %zu mask%s%s%s\n%-12s %s\n", p[k].name,
                   p[k].description, p[k].similarity, p[k].depth, count_masks(p[k].masks),
                   count_masks(p[k].masks) == 1 ? "" : "s", p[k].time_fields ? ", time " : "",
                   p[k].time_fields ? p[k].time_fields : "", "", p[k].format);
            continue;
        }
        printf("  {\"name\": ");
        json_write_string(stdout, p[k].name);
        printf(", \"format\": ");
        json_write_string(stdout, p[k].format);
        printf(", \"description\": ");
        json_write_string(stdout, p[k].description);
        printf(", \"similarity\": %g, \"depth\": %d, \"masks\": ", p[k].similarity, p[k].depth);
        json_masks(p[k].masks);
        printf(", \"time_fields\": ");
        if (p[k].time_fields)
            json_write_string(stdout, p[k].time_fields);
        else
            printf("null");
        printf("}%s\n", k + 1 < n ? "," : "");
    }
    if (json)
        printf("]\n");
    else
        printf("\nAny other --log-format is a format: <Name> a field, one <Content>; it gets the "
               "default masks:\n");
    if (!json) {
        const char *const *masks = log_default_masks();
        for (size_t k = 0; masks[k]; k++)
            printf("  %s\n", masks[k]);
    }
}

static void json_number(FILE *out, const char *name, double x)
{
    fprintf(out, ", \"%s\": ", name);
    if (isnan(x))
        fprintf(out, "null");
    else
        fprintf(out, "%.6f", x);
}

static void print_json(FILE *out, const ParseSummary *s)
{
    fprintf(out, "{\"inputs\": [");
    for (size_t k = 0; k < s->n_inputs; k++) {
        fprintf(out, k ? ", " : "");
        json_write_string(out, s->inputs[k]);
    }
    fprintf(out, "], \"lines\": %llu, \"skipped\": %llu, \"first_skipped\": ",
           (unsigned long long)s->lines, (unsigned long long)s->skipped);
    if (s->skipped)
        json_write_string(out, s->first_skipped);
    else
        fprintf(out, "null");
    fprintf(out, ", \"too_costly\": %llu", (unsigned long long)s->too_costly);
    fprintf(out, ", \"clusters\": %u, \"templates\": %u, \"output\": ", s->clusters, s->templates);
    json_write_string(out, s->out);
    fprintf(out, ", \"templates_output\": ");
    if (s->templates_out)
        json_write_string(out, s->templates_out);
    else
        fprintf(out, "null");
    if (s->reused) {
        fprintf(out, ", \"reused\": ");
        json_write_string(out, s->reused);
        fprintf(out, ", \"new_lines\": %llu, \"new_keys\": [", (unsigned long long)s->new_lines);
        for (size_t k = 0; k < s->n_new_keys; k++) {
            fprintf(out, k ? ", " : "");
            json_write_string(out, s->new_keys[k]);
        }
        fprintf(out, "]");
    }
    if (s->score) {
        json_number(out, "accuracy", s->score->accuracy);
        json_number(out, "precision", s->score->precision);
        json_number(out, "recall", s->score->recall);
        json_number(out, "f1", s->score->f1);
    }
    fprintf(out, "}\n");
}

void parse_print_summary(const ParseSummary *s, bool json)
{
    FILE *out = strcmp(s->out, "-") == 0 ? stderr : stdout; /* the CSV has standard output */
    if (s->skipped)
        fprintf(stderr, "traceaid: warning: %llu line%s did not match the format, skipped (the "
                        "first: %s)\n",
                (unsigned long long)s->skipped, s->skipped == 1 ? "" : "s", s->first_skipped);
    if (s->too_costly)
        fprintf(stderr, "traceaid: warning: %llu of them too costly to match (the format's fields "
                        "could split the line in too many ways; the first: %s)\n",
                (unsigned long long)s->too_costly, s->first_too_costly);
    if (json) {
        print_json(out, s);
        return;
    }
    char lines[32];
    fprintf(out, "%s lines: %u templates -> %s%s%s\n", format_count(lines, sizeof lines, s->lines),
           s->templates, s->out, s->templates_out ? ", " : "",
           s->templates_out ? s->templates_out : "");
    if (s->reused && s->new_lines == 0)
        fprintf(out, "every line matched a template of %s\n", s->reused);
    if (s->reused && s->new_lines) {
        fprintf(out, "%s line%s (%zu template%s) matched no template of %s: new keys",
               format_count(lines, sizeof lines, s->new_lines), s->new_lines == 1 ? "" : "s",
               s->n_new_keys, s->n_new_keys == 1 ? "" : "s", s->reused);
        for (size_t k = 0; k < s->n_new_keys && k < 10; k++)
            fprintf(out, "%s %s", k ? "," : "", s->new_keys[k]);
        fprintf(out, "%s\n", s->n_new_keys > 10 ? ", ..." : "");
    }
    if (s->score) {
        char good[32], all[32];
        fprintf(out, "grouping accuracy %.4f (%s of %s lines), F1 %.4f (precision %.4f, recall "
               "%.4f)\n",
               s->score->accuracy, format_count(good, sizeof good, s->score->accurate_lines),
               format_count(all, sizeof all, s->score->lines), s->score->f1,
               s->score->precision, s->score->recall);
    }
}
