/* Ground truth beside a generated trace: CSV first_event,last_event,episode, one row per run of
 * events the injected behaviour produced (samples/gen.h). */
#ifndef TRACEAID_TRUTH_H
#define TRACEAID_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* segment_bad[s] = 1 for each segment of segment_len events holding a truth event. */
bool truth_mark_segments(const char *path, size_t segment_len, size_t n_segments, uint8_t *segment_bad,
                         Error *err);

#endif
