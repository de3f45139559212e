/* What the CTF reader's files share (io/ctf_find.c, io/ctf_graph.c, io/ctf_event.c). */
#ifndef TRACEAID_CTF_INTERNAL_H
#define TRACEAID_CTF_INTERNAL_H

#include <babeltrace2/babeltrace.h>

#include "trace_event.h"

#define CTF_MAX_DEPTH 6         /* session/ust/uid/1000/64-bit is 4 below the session folder */
#define CTF_MAX_TRACES 1024
#define CTF_MAX_DIRS 20000      /* folders looked at: a bound on walking a big tree by mistake */

/* The trace folders (each holding a `metadata` file) at or below a folder, sorted. */
typedef struct CtfDirs {
    char **path;
    size_t n, cap;
    size_t n_seen;              /* folders looked at */
} CtfDirs;

bool ctf_find_traces(const char *root, CtfDirs *dirs, Error *err);
void ctf_dirs_free(CtfDirs *dirs);
/* The size of the stream files (all but `metadata`) in the trace folders, for progress. */
uint64_t ctf_stream_bytes(const CtfDirs *dirs);
/* Whether a metadata file's first bytes are CTF 2 (JSON text sequence), which
 * libbabeltrace2 2.0 cannot read. */
bool ctf_metadata_is_ctf2(const char *prefix, size_t len);

/* Packetized metadata in dir whose packets are whole (libbabeltrace2 2.0.4 hangs on a cut one);
 * true for TSDL text, which babeltrace2 checks itself. */
bool ctf_check_metadata(const char *dir, Error *err);

/* One event message turned into a TraceEvent; the text and pairs live in the converter. */
typedef struct CtfField {
    size_t name_off, name_len, value_off, value_len;    /* into text */
} CtfField;

#define CTF_MAX_FIELDS 256
#define CTF_MAX_ELEMENTS 16     /* array elements shown; longer arrays end with "... N items" */

typedef struct CtfConverter {
    char *text;                 /* "name=value name=value" */
    size_t len, cap;
    bool out_of_memory;
    char prefix[256];           /* "a.b." while inside structure a.b */
    size_t prefix_len;
    CtfField field[CTF_MAX_FIELDS];
    size_t n_fields;
    TraceField pairs[CTF_MAX_FIELDS];
    char comm[256];
} CtfConverter;

/* Fills ev from an event message. Returns false when the event has no usable timestamp (the
 * caller decides) — has_time tells which. */
bool ctf_convert_event(CtfConverter *c, const bt_message *msg, TraceEvent *ev, bool *has_time,
                       Error *err);
void ctf_converter_free(CtfConverter *c);

#endif
