/* `traceaid parse --truth`: a structured CSV whose EventId column is the truth, and how well
 * the parse groups the lines, as loghub's benchmark measures it (logparser's
 * utils/evaluator.py, get_accuracy). */
#ifndef TRACEAID_PARSE_TRUTH_H
#define TRACEAID_PARSE_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/error.h"
#include "../io/strpool.h"

#define PARSE_NO_LABEL UINT32_MAX

typedef struct ParseTruth {
    StrPool labels;
    uint32_t *label;            /* per row: its EventId's id, PARSE_NO_LABEL when empty (NaN) */
    size_t n_rows, cap;
} ParseTruth;

typedef struct GroupingScore {
    size_t lines;               /* rows with a truth */
    size_t accurate_lines;      /* in groups that are exactly one truth group */
    double accuracy;            /* accurate_lines / lines: "grouping accuracy" (GA) */
    double precision, recall, f1;   /* of the pairs of lines put in one group */
} GroupingScore;

/* Reads path's EventId column; errors name file:line. */
bool parse_truth_load(ParseTruth *t, const char *path, Error *err);
void parse_truth_free(ParseTruth *t);

/* Scores group[0..n) (the parse's EventId of each row, as ids) against the truth, its rows
 * without an EventId left out, as get_accuracy does. A precision or recall without pairs to
 * count is NaN, as is F1 then. */
bool parse_grouping_score(const ParseTruth *t, const uint32_t *group, size_t n, GroupingScore *s,
                          Error *err);

#endif
