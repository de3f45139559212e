/* The binary cache beside a trace: after a file is loaded (by any reader), what the load made is
 * written to PATH.tacache, and the next load of that file with the same options reads it back
 * instead of parsing: a few big reads into the trace's arrays. What it holds: the trace (its
 * columns, sessions, names and fields), the names of its keys (remapped into the caller's
 * vocabulary, in one pass only when their ids differ), the templates the reader gave the
 * meanings and the warnings it raised. It is used only when it names the source's size,
 * modification time (ns), device and inode, the path as given and a hash of every option that
 * changes what a load makes; a stale, truncated or corrupt cache is ignored and written anew.
 * Standard input, pipes and folders are not cached; --no-cache neither reads nor writes it. A
 * cache that cannot be written (a read-only folder, a full disk) is no error: there is none.
 * The file's layout: io/trace_cache_file.h. */
#ifndef TRACEAID_TRACE_CACHE_H
#define TRACEAID_TRACE_CACHE_H

#include "trace.h"
#include "trace_cache_file.h"

#define TRACE_CACHE_SUFFIX ".tacache"

/* The growing list of strings the cache keeps (templates noted, warnings raised). */
typedef struct CacheStrings {
    char *chars;                /* NUL-terminated strings back to back */
    size_t len, cap;
    uint32_t *length;
    size_t n, n_cap;
} CacheStrings;

bool cache_strings_add(CacheStrings *s, const char *text, size_t len);
void cache_strings_free(CacheStrings *s);

/* One load's dealings with the cache, from trace_cache_begin to trace_cache_end. */
typedef struct TraceCache {
    bool enabled;               /* a regular file, caching not turned off */
    bool failed;                /* recording ran out of memory: nothing is written */
    char *cache_path;
    CacheIdentity source;
    const char *path;
    const TraceOptions *opt;
    Vocab *vocab;
    Meanings *meanings;
    uint32_t vocab_before;      /* keys the vocabulary held before the load */
    size_t warnings_before;     /* and warnings the meanings held */
    CacheStrings notes;         /* per template noted: key, text, path */
    uint64_t *note_lines;       /* per template noted: line << 1 | by_template */
    size_t note_lines_cap;
    StrPool seen;               /* "key\0text" of the templates noted: a pair given again is no
                                 * news (meanings_note_template does nothing the second time) */
    bool *note_made;            /* per warning since warnings_before: made by noting a template,
                                 * so given again by replaying the notes, not kept */
    size_t note_made_cap;
} TraceCache;

typedef enum CacheResult {
    CACHE_MISS,                 /* no usable cache: parse (and record) */
    CACHE_HIT,                  /* t is loaded from the cache */
    CACHE_FAILED,               /* giving the cache's keys or templates failed: err says why */
} CacheResult;

/* Before loading path: is it cacheable, and what the cache must name. */
void trace_cache_begin(TraceCache *c, const char *path, const TraceOptions *opt, Vocab *vocab,
                       Meanings *meanings);
/* Loads t from a matching cache. A cache that does not match or does not hold together is a miss,
 * never an error. */
CacheResult trace_cache_load(TraceCache *c, Trace *t, Error *err);
/* Starts recording what the reader tells the meanings (after a miss, before parsing). */
void trace_cache_record(TraceCache *c);
/* After the load: when loaded (and parsed), writes the cache; frees c either way. */
void trace_cache_end(TraceCache *c, const Trace *t, bool parsed);

/* The cache path of a trace: PATH.tacache (malloc'd; NULL when out of memory). */
char *trace_cache_path(const char *path);

#endif
