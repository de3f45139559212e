/* What `traceaid parse` tells: --list-formats, and the summary of a parse (text or --json). */
#ifndef TRACEAID_PARSE_REPORT_H
#define TRACEAID_PARSE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse_truth.h"

void parse_list_formats(bool json);

typedef struct ParseSummary {
    const char *const *inputs;
    size_t n_inputs;
    uint64_t lines;             /* written: they matched the format */
    uint64_t skipped;           /* did not */
    char first_skipped[512];    /* FILE:LINE of the first that did not */
    uint64_t too_costly;        /* of those, the ones too costly to match (log_format.h) */
    char first_too_costly[512];
    uint32_t clusters;
    uint32_t templates;         /* distinct final ids */
    const char *out, *templates_out;    /* templates_out NULL when not written */
    const char *reused;         /* --templates FILE, or NULL */
    uint64_t new_lines;         /* with reused: lines matching none of its templates */
    const char *const *new_keys;    /* their ids */
    size_t n_new_keys;
    const GroupingScore *score; /* with --truth, else NULL */
    const char *truth;
} ParseSummary;

void parse_print_summary(const ParseSummary *s, bool json);

#endif
