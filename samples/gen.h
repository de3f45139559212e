/* The sample-trace generator: QNX Neutrino-style kernel-event traces of a hexacopter flight
 * controller run hardware-in-the-loop on a dual-core board, as tracelogger and traceprinter
 * would record them and exported to CSV, either clean or with one kind of injected anomaly
 * that comes and goes in episodes. The same (kind, n_events, seed) always gives the same
 * bytes. The ground truth lists the runs of events the injected behaviour produced. */
#ifndef TRACEAID_GEN_H
#define TRACEAID_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../io/cancel.h"
#include "../io/error.h"

typedef enum GenKind {
    GEN_CLEAN,
    GEN_FIFO_LS,            /* a shell runs ls again and again at FIFO priority */
    GEN_FIFO_LS_SPORADIC,   /* the same in short bursts with random gaps */
    GEN_FULL_WHILE,         /* a busy loop hogs the control loop's CPU */
    GEN_HALF_WHILE,         /* the busy loop at half duty cycle */
    GEN_KIND_COUNT
} GenKind;

typedef struct GenOptions {
    GenKind kind;
    uint64_t n_events;          /* exactly this many event rows are written */
    uint64_t seed;
    const CancelFlag *cancel;  /* may be NULL; when *cancel becomes nonzero, stop, return false with error "interrupted" */
    void (*progress)(uint64_t events_done, uint64_t n_events, void *ctx); /* may be NULL; call every ~65536 events */
    void *progress_ctx;
} GenOptions;

bool gen_kind_parse(const char *name, GenKind *kind);   /* "clean", "fifo-ls", "fifo-ls-sporadic", "full-while", "half-while" */
const char *gen_kind_name(GenKind kind);

/* Writes the trace CSV to trace_path and the ground truth to truth_path (truth_path may be NULL for none),
   each through safe_file (temp file + rename; on any failure neither is left half-written). */
bool gen_write(const GenOptions *opt, const char *trace_path, const char *truth_path, Error *err);
/* Same, but into already-open streams (for tests and stdout); truth may be NULL. */
bool gen_write_streams(const GenOptions *opt, FILE *trace, FILE *truth, Error *err);

#endif
