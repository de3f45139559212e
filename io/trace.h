/* One loaded trace, columnar: per event a key id, a timestamp, cpu, pid, tid and a process-name
 * id. Events are grouped into sessions (a session file's lines, the groups of a structured log;
 * one session for a kernel trace). The readers fill it through the column API below;
 * io/readers.h loads a file with the reader its format needs.
 *
 * About 12 bytes an event are held: the key id (4), the time as a 32-bit offset from its block's
 * first time (4; blocks of TRACE_TIME_BLOCK events, a block whose offsets do not fit keeps its
 * times whole) and one context id (4) into a table of the distinct (cpu, pid, tid, process name)
 * the trace holds, since a few threads on a few cpus make most of a trace. */
#ifndef TRACEAID_TRACE_H
#define TRACEAID_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cancel.h"
#include "error.h"
#include "fields.h"
#include "log_format.h"
#include "meanings.h"
#include "strpool.h"
#include "vocab.h"

#define TRACE_NO_CPU UINT16_MAX     /* cpu of an event whose trace has no cpu column */
#define TRACE_NO_ID (-1)            /* pid/tid of an event whose trace has none */

typedef enum TraceFormat {
    TRACE_FORMAT_AUTO,      /* the readers' sniffers choose from the first bytes (io/readers.c) */
    TRACE_FORMAT_CSV,       /* kernel-event trace, or loghub structured log when it has EventId */
    TRACE_FORMAT_SESSIONS,  /* DeepLog session file */
    TRACE_FORMAT_PERF,      /* perf.data, or the text perf script prints */
    TRACE_FORMAT_FTRACE,    /* ftrace's trace / trace_pipe text, trace-cmd report */
    TRACE_FORMAT_TRACE_DAT, /* trace-cmd's trace.dat */
    TRACE_FORMAT_CTF,       /* LTTng's CTF trace (a folder or its metadata file) */
    TRACE_FORMAT_QNX,       /* the text QNX's traceprinter prints */
    TRACE_FORMAT_LOG,       /* a raw log: lines split by a log format, keyed by Drain's templates */
} TraceFormat;

typedef struct TraceOptions {
    TraceFormat format;
    const char *key_cols;       /* --key: comma-separated columns or fields joined into the key;
                                 * NULL: class,event (CSV), the event's name (kernel traces) */
    const char *time_col, *cpu_col, *pid_col, *tid_col, *name_col;
    const char *group_col;      /* structured logs: one session per value of this column ... */
    const char *group_regex;    /* ... or per first match of this regex in it (default Content) */
    const char *time_format;    /* --time-format: how the time column reads; NULL: recognised */
    LogOptions log;             /* raw logs: their line format and the template miner's settings */
    bool keep_messages;         /* logs: keep each event's message (Content) in the FieldStore,
                                 * for what shows them (the explorer); off, loading is lighter */
    uint64_t threads;           /* --threads: parsing (and scoring) threads; 0: every core
                                 * (io/workers.h's workers_default) */
    bool no_cache;              /* --no-cache: neither read nor write the binary cache beside the
                                 * trace (io/trace_cache.h) */
    const CancelFlag *cancel;   /* stops loading when it becomes nonzero */
    /* per chunk read; may be NULL. bytes_total is 0 when unknown (a pipe or FIFO) */
    void (*progress)(uint64_t bytes_done, uint64_t bytes_total, void *ctx);
    void *progress_ctx;
} TraceOptions;

#define TRACE_TIME_BLOCK 64         /* events a time block holds: a power of two */

/* The times, delta-coded: event i is in block i / TRACE_TIME_BLOCK. A narrow block holds each
 * time as base[block] + offset[i]; a wide one (a jump past 2^31 ns, about 2 s, within it) holds
 * them whole in wide[(wide_of[block] - 1) * TRACE_TIME_BLOCK + i % TRACE_TIME_BLOCK]. */
typedef struct TraceTimes {
    int64_t *base;              /* per block: its first event's time (when the block was made) */
    uint32_t *wide_of;          /* per block: 0 narrow, else 1 + its number among wide blocks */
    int32_t *offset;            /* per event: its time - its block's base (narrow blocks) */
    int64_t *wide;              /* the wide blocks' times, TRACE_TIME_BLOCK each */
    size_t n_wide, wide_cap;    /* wide blocks held, room for */
} TraceTimes;

/* Where an event ran: what most events share with many others. */
typedef struct TraceContext {
    int32_t pid, tid;
    uint32_t name_id;           /* into names */
    uint16_t cpu;
} TraceContext;

#define TRACE_RECENT_CONTEXTS 8     /* a power of two */

/* The distinct contexts, interned: each event holds the id of its own. */
typedef struct TraceContexts {
    TraceContext *of;           /* by id */
    size_t n, cap;
    uint32_t *slot;             /* open-addressed hash table: 0 empty, else 1 + id */
    size_t n_slots;             /* a power of two, at least twice n */
    uint32_t recent[TRACE_RECENT_CONTEXTS]; /* 1 + the last one appended on each cpu (modulo), 0
                                 * none: most events share the previous one's on their cpu */
} TraceContexts;

typedef struct Trace {
    char *path;
    TraceFormat format;
    bool structured_log;        /* loghub-style log: keys are template ids (or EventIds with --key
                                 * EventId), each event's Content in fields under its Level */
    bool timed;                 /* time holds real timestamps (ns), not event positions */
    size_t n_events, cap;
    uint32_t *key_id;           /* into the shared Vocab */
    TraceTimes times;           /* read through trace_time, written through trace_set_time */
    uint32_t *context_id;       /* per event: into contexts */
    TraceContexts contexts;     /* read through trace_cpu, trace_pid, trace_tid, trace_name_id */
    StrPool names;              /* process names; id 0 is "" */
    size_t n_sessions;
    size_t *session_start;      /* n_sessions + 1 entries: session s is [start[s], start[s+1]) */
    uint32_t *session_name;     /* structured logs grouped into sessions: into names; else NULL */
    FieldStore fields;          /* kernel traces: each event's name and fields; else empty */
} Trace;

void trace_free(Trace *t);

/* Are its sessions its unit (a session file, a structured log grouped into sessions), even when
 * it holds one? A kernel trace is one session of events, not a trace of sessions. */
static inline bool trace_has_sessions(const Trace *t)
{
    return t->format == TRACE_FORMAT_SESSIONS || t->session_name != NULL;
}
static inline size_t trace_session_length(const Trace *t, size_t s)
{
    return t->session_start[s + 1] - t->session_start[s];
}
/* Event i's columns. Code outside the trace reads them through these, never the arrays, so
 * how the trace keeps them can change without touching it. */
static inline int64_t trace_time(const Trace *t, size_t i)
{
    size_t block = i / TRACE_TIME_BLOCK;
    uint32_t wide = t->times.wide_of[block];
    if (wide)
        return t->times.wide[(size_t)(wide - 1) * TRACE_TIME_BLOCK + i % TRACE_TIME_BLOCK];
    return t->times.base[block] + t->times.offset[i];
}
static inline const TraceContext *trace_context(const Trace *t, size_t i)
{
    return &t->contexts.of[t->context_id[i]];
}
static inline uint16_t trace_cpu(const Trace *t, size_t i) { return trace_context(t, i)->cpu; }
static inline int32_t trace_pid(const Trace *t, size_t i) { return trace_context(t, i)->pid; }
static inline int32_t trace_tid(const Trace *t, size_t i) { return trace_context(t, i)->tid; }
static inline uint32_t trace_name_id(const Trace *t, size_t i) { return trace_context(t, i)->name_id; }
/* Event i's name (*event; "" when the format has no fields) and its field text into
 * text[0..cap), NUL-terminated, cut when longer. Returns the text's full length. */
static inline size_t trace_event_fields(const Trace *t, size_t i, const char **event, char *text,
                                        size_t cap)
{
    return fields_get(&t->fields, i, event, text, cap);
}
/* Bytes the trace holds in memory. */
size_t trace_bytes(const Trace *t);

/* For the readers in io/: start an empty trace, append one event, close the last session. */
bool trace_begin(Trace *t, const char *path, TraceFormat format, Error *err);
bool trace_append(Trace *t, uint32_t key_id, int64_t time, uint16_t cpu, int32_t pid, int32_t tid,
                  uint32_t name_id, Error *err);
bool trace_end_session(Trace *t, Error *err);
/* For the readers that rewrite times once read (clocks anchored late, positions for times):
 * event i's time becomes v. False when out of memory (a block made wide), t unchanged. */
bool trace_set_time(Trace *t, size_t i, int64_t v, Error *err);
/* Moves event i to dest[i], for each of the n_events (a permutation): keys, times, contexts;
 * not the fields nor the sessions, which the caller keeps. False when out of memory, t
 * unchanged. */
bool trace_permute(Trace *t, const size_t *dest, Error *err);
/* Ends a kernel-trace reader's load, ok saying whether reading went well: a trace of no events
 * is an error ("PATH: no events: " and why_empty, what was looked for), the one session is
 * closed and the columns shrunk to fit; on failure t is freed. Returns whether t is loaded. */
bool trace_end_load(Trace *t, bool ok, const char *why_empty, Error *err);
/* Makes room for n_events in all; a failure here is not an error (appending grows as needed). */
void trace_reserve(Trace *t, size_t n_events);
/* Frees the room not used; blocks made wide by trace_set_time whose times fit again are made
 * narrow. */
void trace_shrink(Trace *t);

#endif
