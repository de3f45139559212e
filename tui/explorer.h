/* The explorer's entry: on the terminal, or headless from a script of keys and dumps. */
#ifndef TRACEAID_EXPLORER_H
#define TRACEAID_EXPLORER_H

#include "../cli/scoring.h"

typedef struct ExplorerOptions {
    const char *theme;      /* a name or a path; NULL: default */
    const char *script;     /* run headless from this file, dumps to standard output */
} ExplorerOptions;

/* Runs the explorer over the loaded traces (and model, when has_model). */
bool explorer_run(ScoredSet *scored, bool has_model, const ExplorerOptions *opt, Error *err);

#endif
