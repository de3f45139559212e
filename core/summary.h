/* What was loaded, a line per file: the explorer's word when its output is not a terminal. */
#ifndef TRACEAID_SUMMARY_H
#define TRACEAID_SUMMARY_H

#include <stdio.h>

#include "../io/trace_set.h"

void summary_print(FILE *out, const TraceSet *set);
/* What loading found worth a word, a line each: "traceaid: warning: ...". */
void summary_print_warnings(FILE *out, const TraceSet *set);

#endif
