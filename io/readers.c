#include "readers.h"

#include <string.h>
#include <sys/stat.h>

#include "csv_trace.h"
#include "ctf.h"
#include "ftrace.h"
#include "log_trace.h"
#include "perf_script.h"
#include "qnx_text.h"
#include "session_file.h"
#include "trace_cache.h"
#include "trace_dat.h"

/* One row per format. A new format is its reader's files and a row here. */
static const TraceReader readers[] = {
    {"csv", TRACE_FORMAT_CSV, csv_sniff, csv_load, NULL, NULL},
    {"sessions", TRACE_FORMAT_SESSIONS, sessions_sniff, sessions_load, NULL, NULL},
    {"perf", TRACE_FORMAT_PERF, perf_sniff, perf_load, NULL, NULL},
    {"qnx", TRACE_FORMAT_QNX, qnx_sniff, qnx_load, NULL, NULL},
    {"ftrace", TRACE_FORMAT_FTRACE, ftrace_sniff, ftrace_load, NULL, NULL},
    {"trace.dat", TRACE_FORMAT_TRACE_DAT, trace_dat_sniff, trace_dat_load, NULL, NULL},
    {"ctf", TRACE_FORMAT_CTF, ctf_sniff, ctf_load, ctf_sniff_dir, ctf_load_dir},
    /* last: a tie goes to the formats above, whose text a loose log format could fit */
    {"log", TRACE_FORMAT_LOG, log_sniff, log_load, NULL, NULL},
};
#define N_READERS (sizeof readers / sizeof readers[0])
#define FALLBACK (&readers[0]) /* the CSV reader */

const TraceReader *trace_readers(size_t *n)
{
    *n = N_READERS;
    return readers;
}

const TraceReader *trace_reader_sniff(const char *prefix, size_t len)
{
    const TraceReader *best = FALLBACK;
    SniffScore best_score = SNIFF_NO;
    for (size_t i = 0; i < N_READERS; i++) {
        SniffScore score = readers[i].sniff(prefix, len);
        if (score > best_score) {
            best = &readers[i];
            best_score = score;
        }
    }
    /* Text no reader claims (the CSV reader takes any as a maybe) and no CSV header: a raw log
     * of a format no preset fits, read a line a message. */
    if (best_score <= SNIFF_MAYBE && log_sniff_plain(prefix, len))
        return trace_reader_for(TRACE_FORMAT_LOG);
    return best;
}

const TraceReader *trace_reader_for(TraceFormat format)
{
    for (size_t i = 0; i < N_READERS; i++)
        if (readers[i].format == format)
            return &readers[i];
    return FALLBACK;
}

const char *trace_format_name(const Trace *t)
{
    return t->structured_log ? "log" : trace_reader_for(t->format)->name;
}

/* The reader of a folder: the surest of those that read folders, or NULL. */
static const TraceReader *reader_of_dir(const char *path, TraceFormat format)
{
    const TraceReader *best = NULL;
    SniffScore best_score = SNIFF_NO;
    for (size_t i = 0; i < N_READERS; i++) {
        if (!readers[i].sniff_dir || (format != TRACE_FORMAT_AUTO && readers[i].format != format))
            continue;
        SniffScore score = readers[i].sniff_dir(path);
        if (score > best_score) {
            best = &readers[i];
            best_score = score;
        }
    }
    return best;
}

/* Reads a file (or standard input) with the reader its first bytes or the options choose. */
static bool parse_input(Trace *t, const char *path, const TraceOptions *opt, Vocab *vocab,
                        Meanings *meanings, Error *err)
{
    InputStream in;
    if (!input_open(&in, path, opt->cancel, err))
        return false;
    /* The readers skip a UTF-8 byte-order mark, so the sniffers judge the text after it (a BOM
     * before a session file's keys sent it to the CSV reader). */
    size_t bom = in.prefix_len >= 3 && memcmp(in.prefix, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    /* --log-format says the inputs are raw logs (a --sessions file keeps its format) */
    TraceFormat format = opt->format == TRACE_FORMAT_AUTO && opt->log.format ? TRACE_FORMAT_LOG : opt->format;
    const TraceReader *reader = format == TRACE_FORMAT_AUTO
                                    ? trace_reader_sniff(in.prefix + bom, in.prefix_len - bom)
                                    : trace_reader_for(format);
    bool ok = reader->load(t, &in, opt, vocab, meanings, err);
    input_close(&in);
    return ok;
}

bool trace_load(Trace *t, const char *path, const TraceOptions *opt, Vocab *vocab,
                Meanings *meanings, Error *err)
{
    error_clear(err);
    memset(t, 0, sizeof *t);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        const TraceReader *reader = reader_of_dir(path, opt->format);
        if (reader)
            return reader->load_dir(t, path, opt, vocab, meanings, err);
        return error_set(err, "%s: is a directory with no trace in it (a CTF trace's folder holds a "
                              "'metadata' file; other traces are files)", path);
    } /* else input_open says what is wrong with it */
    /* a file loaded before with these options: its cache beside it, when it still matches */
    TraceCache cache;
    trace_cache_begin(&cache, path, opt, vocab, meanings);
    CacheResult cached = trace_cache_load(&cache, t, err);
    if (cached != CACHE_MISS) {
        trace_cache_end(&cache, t, false);
        return cached == CACHE_HIT;
    }
    trace_cache_record(&cache);
    bool ok = parse_input(t, path, opt, vocab, meanings, err);
    trace_cache_end(&cache, t, ok);
    return ok;
}
