/* What a trace format's reader provides: a sniffer that says from the first bytes of an input
 * whether it is that format, and a loader that reads the whole input into a Trace through
 * trace.h's column API. The readers are listed in one table, io/readers.c. */
#ifndef TRACEAID_TRACE_READER_H
#define TRACEAID_TRACE_READER_H

#include "input.h"
#include "trace.h"

/* How sure a sniffer is; the surest reader wins, the earlier row of the table on a tie. */
typedef enum SniffScore {
    SNIFF_NO,       /* not this format */
    SNIFF_MAYBE,    /* plausible: text this reader can take (CSV) */
    SNIFF_LIKELY,   /* the shape this format has and others rarely do */
    SNIFF_SURE,     /* a magic number or signature */
} SniffScore;

typedef struct TraceReader {
    const char *name;
    TraceFormat format;     /* what the reader reads; a forced format skips the sniffing */
    /* prefix: the input's first bytes, INPUT_PREFIX_SIZE of them or the whole input if shorter */
    SniffScore (*sniff)(const char *prefix, size_t len);
    /* Reads in from its first byte (the prefix is replayed) to its end. On failure t is left
     * empty and err names the input, line and column at fault. */
    bool (*load)(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
                 Meanings *meanings, Error *err);
    /* For formats stored as a folder (a CTF trace), both may be NULL: whether the folder at path
     * is one, and the loader of such a folder. */
    SniffScore (*sniff_dir)(const char *path);
    bool (*load_dir)(Trace *t, const char *path, const TraceOptions *opt, Vocab *vocab,
                     Meanings *meanings, Error *err);
} TraceReader;

#endif
