/* A large plain CSV kernel trace parsed in parallel chunks. Once the head (the header and the
 * first record: the columns, the time's format) is read, the rest of the file is cut into chunks
 * at line starts. Each is parsed on its own (io/workers.h) into its own events, keys and names,
 * then merged into the trace in file order, its keys and names interned in the order they first
 * came in it, so ids, times and names are those a serial read gives.
 *
 * A chunk is parsed on the guess that it starts a record. The guess is checked as chunks are
 * merged: chunk k holds iff the text merged before it ends exactly where it starts (a quoted
 * field holding line ends can run over a cut; its chunk then reads on to its record's end). A
 * chunk whose guess failed, or whose parse failed, is parsed again by the serial reader from where
 * the merged text ends, with its line count and its vocabulary, so what it finds -- the error
 * naming file:line:column, a key met before -- is what a serial read finds.
 *
 * Only what is stateless from record to record goes in chunks: a kernel trace whose time is
 * integer nanoseconds or the event's position. A structured log (templates, meanings, sessions),
 * grouping, or a time format read against the value before (a date without a year) stays serial,
 * as does a compressed input or a pipe. Progress is told as chunks are merged, by whichever
 * loading thread merges them, never by two at once. */
#include "csv_reader.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workers.h"

#define CHUNK_MIN_BYTES (1u << 20)
#define CHUNK_MAX_BYTES (8u << 20)
#define CHUNKS_PER_THREAD 8         /* more chunks than threads, so that their times even out */
#define CHUNKS_MAX 65536
#define AHEAD_PER_THREAD 2          /* chunks parsed ahead of the merge, per thread: the memory */
#define CUT_WINDOW 65536            /* read at a time to find a line start for a cut */
#define SPARES_MAX 64

typedef struct ChunkEvent {
    int64_t time;
    uint32_t key, name;             /* into the chunk's keys and names */
    int32_t pid, tid;
    uint16_t cpu;
} ChunkEvent;

typedef struct CsvChunk {
    uint64_t start, end_at;         /* the cut: [start, end_at), each at a line start */
    uint64_t end;                   /* where its parse ended: end_at, or past it */
    size_t lines;                   /* line ends in [start, end) */
    bool done, ok;
    Vocab keys;                     /* its own keys and names, in order of first appearance */
    StrPool names;
    ChunkEvent *events;
    size_t n_events, cap;
    Error err;                      /* its parse's own (a failed chunk is parsed again) */
} CsvChunk;

typedef struct ChunkRun {
    CsvReader *r;                   /* the serial reader: the trace, vocabulary, line count;
                                     * only the merging thread touches it */
    CsvReader head;                 /* a copy of it after the head, which the chunks' readers
                                     * are made from (read-only while threads run) */
    int fd;
    uint64_t size;
    int threads;
    CsvChunk *chunks;
    size_t n_chunks;
    pthread_mutex_t lock;
    pthread_cond_t merged;          /* broadcast as chunks are merged or the run stops */
    size_t next_merge;              /* chunks before it are in the trace */
    bool merging, failed, stopping;
    uint64_t merged_end;            /* the text in the trace ends here */
    /* merged chunks' event arrays, given to the next chunks: memory already touched is
     * not faulted in again for each chunk */
    struct ChunkEvent *spare[SPARES_MAX];
    size_t spare_cap[SPARES_MAX], n_spares;
} ChunkRun;

static int thread_count(const TraceOptions *opt)
{
    if (opt->threads == 0)
        return workers_default();
    return opt->threads > 256 ? 256 : (int)opt->threads;
}

/* TRACEAID_CHUNK_BYTES sets the chunks' size (tests make many of tiny files); else about
 * CHUNKS_PER_THREAD per thread, within bounds that keep a chunk's own events small. */
static uint64_t chunk_bytes(uint64_t size, int threads)
{
    uint64_t bytes = size / ((uint64_t)threads * CHUNKS_PER_THREAD);
    const char *env = getenv("TRACEAID_CHUNK_BYTES");
    char *end;
    unsigned long long given = env && *env ? strtoull(env, &end, 10) : 0;
    if (given > 0 && !*end)
        bytes = given;
    else
        bytes = bytes < CHUNK_MIN_BYTES ? CHUNK_MIN_BYTES : bytes > CHUNK_MAX_BYTES ? CHUNK_MAX_BYTES : bytes;
    return bytes < size / CHUNKS_MAX + 1 ? size / CHUNKS_MAX + 1 : bytes;
}

bool csv_chunks_wanted(const CsvReader *r, const InputStream *in)
{
    if (in->compression || in->size == 0 || strcmp(in->path, "-") == 0)
        return false;
    int threads = thread_count(r->opt);
    return threads > 1 && in->size >= 2 * chunk_bytes(in->size, threads);
}

static bool cancelled(const CsvReader *r)
{
    return r->opt->cancel && *r->opt->cancel;
}

/* Reads want bytes at offset, or fewer at the file's end; -1 on a read error. */
static ssize_t read_at(const ChunkRun *run, char *buf, size_t want, uint64_t offset)
{
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(run->fd, buf + got, want - got, (off_t)(offset + got));
        if (n < 0 && errno == EINTR && !cancelled(&run->head))
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* The first line start at or past offset (the file's size when none is). */
static uint64_t line_start_from(const ChunkRun *run, uint64_t offset)
{
    char window[CUT_WINDOW];
    for (uint64_t at = offset - 1; at < run->size; at += CUT_WINDOW) {
        ssize_t n = read_at(run, window, CUT_WINDOW, at);
        if (n <= 0)
            break;
        const char *nl = memchr(window, '\n', (size_t)n);
        if (nl)
            return at + (uint64_t)(nl - window) + 1;
    }
    return run->size;
}

/* The cuts: [start, size) in chunks of about `bytes`, each starting a line. */
static bool plan_chunks(ChunkRun *run, uint64_t start, uint64_t bytes)
{
    size_t cap = (size_t)((run->size - start) / bytes) + 2;
    run->chunks = calloc(cap, sizeof *run->chunks);
    if (!run->chunks)
        return false;
    uint64_t from = start;
    for (uint64_t at = start + bytes; from < run->size && run->n_chunks + 1 < cap; at += bytes) {
        uint64_t cut = at < run->size ? line_start_from(run, at) : run->size;
        if (cut <= from)
            continue;
        run->chunks[run->n_chunks++] = (CsvChunk){.start = from, .end_at = cut};
        from = cut;
    }
    if (from < run->size)
        run->chunks[run->n_chunks++] = (CsvChunk){.start = from, .end_at = run->size};
    return true;
}

/* ---- parsing a range ------------------------------------------------------------------- */

/* Feeds rd the file from `from` until the first record's end at or past stop_at, or the file's
 * end. Reads in blocks aligned as a serial read's are, so that a NUL byte is said where a serial
 * read says it (before any error in its block). */
static bool feed_range(const ChunkRun *run, CsvReader *rd, uint64_t from, uint64_t stop_at)
{
    char *buf = malloc(CSV_CHUNK);
    if (!buf)
        return csv_fail_code(rd, ERROR_NOMEM, "out of memory");
    rd->pos = from;
    rd->stop_at = stop_at;
    bool ok = true;
    while (ok && rd->pos < run->size) {
        if (cancelled(rd)) {
            ok = csv_fail_code(rd, ERROR_INTERRUPTED, "interrupted");
            break;
        }
        size_t want = (size_t)(CSV_CHUNK - rd->pos % CSV_CHUNK);
        ssize_t n = read_at(run, buf, want, rd->pos);
        size_t used;
        if (n < 0 && errno == EINTR)
            ok = csv_fail_code(rd, ERROR_INTERRUPTED, "interrupted");
        else if (n < 0)
            ok = error_set(rd->err, "%s: read error: %s", rd->path, strerror(errno));
        else if (n == 0)
            break; /* shorter than when it was opened */
        else
            ok = csv_feed(rd, buf, (size_t)n, &used);
        if (ok && rd->stopped)
            break;
    }
    free(buf);
    rd->stop_at = UINT64_MAX;
    if (ok && !rd->stopped)
        ok = csv_feed_end(rd);
    return ok;
}

/* ---- one chunk ------------------------------------------------------------------------- */

size_t csv_chunk_events(const CsvChunk *c)
{
    return c->n_events;
}

bool csv_chunk_append(CsvReader *r, uint32_t key_id)
{
    CsvChunk *c = r->chunk;
    if (c->n_events == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        ChunkEvent *grown = realloc(c->events, cap * sizeof *grown);
        if (!grown)
            return csv_fail_code(r, ERROR_NOMEM, "out of memory");
        c->events = grown;
        c->cap = cap;
    }
    c->events[c->n_events++] = (ChunkEvent){.time = r->time, .key = key_id, .name = r->name_id,
                                            .pid = r->pid, .tid = r->tid, .cpu = r->cpu};
    return true;
}

/* A merged chunk's events kept for another (under the lock), or freed. */
static void give_back_events(ChunkRun *run, CsvChunk *c)
{
    pthread_mutex_lock(&run->lock);
    if (c->events && run->n_spares < SPARES_MAX) {
        run->spare[run->n_spares] = c->events;
        run->spare_cap[run->n_spares++] = c->cap;
        c->events = NULL;
        c->n_events = c->cap = 0;
    }
    pthread_mutex_unlock(&run->lock);
}

static void take_spare_events(ChunkRun *run, CsvChunk *c)
{
    pthread_mutex_lock(&run->lock);
    if (run->n_spares > 0) {
        c->events = run->spare[--run->n_spares];
        c->cap = run->spare_cap[run->n_spares];
    }
    pthread_mutex_unlock(&run->lock);
}

static void chunk_free(CsvChunk *c)
{
    vocab_free(&c->keys);
    strpool_free(&c->names);
    free(c->events);
    c->events = NULL;
    c->n_events = c->cap = 0;
}

/* The chunk's reader: the head's columns and time format, shared read-only, with its own
 * record, parser, events, keys and names, counting lines from 1. */
static bool chunk_reader(const CsvReader *head, CsvChunk *c, CsvReader *cr)
{
    *cr = *head;
    cr->err = &c->err;
    cr->meanings = NULL;
    cr->failed = false;
    cr->line = 1;
    cr->line_col = 0;
    cr->stopped = false;
    cr->chunk = c;
    cr->vocab = &c->keys;
    cr->names = &c->names;
    cr->scratch = cr->key = cr->repaired = NULL;
    cr->scratch_len = cr->scratch_cap = cr->key_cap = cr->repaired_cap = 0;
    vocab_init(&c->keys);
    strpool_init(&c->names);
    uint32_t empty;
    if (!strpool_intern(&c->names, "", 0, &empty, cr->err) || !csv_parser_start(cr))
        return false;
    csv_reset_record(cr);
    cr->record_line = 1;
    return true;
}

static bool parse_chunk(ChunkRun *run, CsvChunk *c)
{
    take_spare_events(run, c);
    CsvReader cr;
    bool ok = chunk_reader(&run->head, c, &cr);
    if (ok) {
        ok = feed_range(run, &cr, c->start, c->end_at);
        c->end = cr.pos;
        c->lines = cr.line - 1;
        csv_free(&cr.parser);
    }
    free(cr.scratch);
    free(cr.key);
    free(cr.repaired);
    return ok;
}

/* ---- merging --------------------------------------------------------------------------- */

/* The chunk's keys and names interned in the order they came in it, which is the order a serial
 * read meets those new to the trace; map[local id] is the trace's. */
static bool intern_all(StrPool *into, const StrPool *from, uint32_t **map, Error *err)
{
    *map = malloc((from->count ? from->count : 1) * sizeof **map);
    if (!*map)
        return error_nomem(err);
    for (uint32_t i = 0; i < from->count; i++)
        if (!strpool_intern(into, strpool_get(from, i), from->length[i], &(*map)[i], err))
            return false;
    return true;
}

static bool append_chunk(ChunkRun *run, const CsvChunk *c)
{
    CsvReader *r = run->r;
    Trace *t = r->t;
    uint32_t *key_map = NULL, *name_map = NULL;
    bool ok = intern_all(&r->vocab->keys, &c->keys.keys, &key_map, r->err) &&
              intern_all(&t->names, &c->names, &name_map, r->err);
    for (size_t i = 0; ok && i < c->n_events; i++) {
        const ChunkEvent *e = &c->events[i];
        /* without a time column an event's time is its place in the trace */
        int64_t time = t->timed ? e->time : (int64_t)t->n_events;
        ok = trace_append(t, key_map[e->key], time, e->cpu, e->pid, e->tid, name_map[e->name], r->err);
    }
    free(key_map);
    free(name_map);
    r->line += c->lines;
    run->merged_end = c->end;
    return ok;
}

/* Parses the chunk's text again with the serial reader, from where the merged text ends. */
static bool redo_chunk(ChunkRun *run, const CsvChunk *c)
{
    if (run->merged_end >= c->end_at)
        return true; /* a quoted field ran over the whole chunk: already read */
    bool ok = feed_range(run, run->r, run->merged_end, c->end_at);
    run->merged_end = run->r->pos;
    return ok;
}

static bool merge_chunk(ChunkRun *run, size_t k)
{
    CsvChunk *c = &run->chunks[k];
    bool ok;
    if (run->merged_end >= run->size)
        ok = true; /* the text before ran to the file's end */
    else if (c->done && c->ok && c->start == run->merged_end)
        ok = append_chunk(run, c);
    else
        ok = redo_chunk(run, c);
    give_back_events(run, c);
    chunk_free(c);
    CsvReader *r = run->r;
    if (ok && r->opt->progress && run->merged_end > r->bytes_reported) {
        r->bytes_reported = run->merged_end;
        r->opt->progress(run->merged_end, run->size, r->opt->progress_ctx);
    }
    return ok;
}

/* Merges the chunks ready in order, unless another thread is at it (it will take this one
 * too). Called with the lock held; merges without it. */
static void merge_ready(ChunkRun *run)
{
    if (run->merging)
        return;
    run->merging = true;
    while (!run->failed && run->next_merge < run->n_chunks && run->chunks[run->next_merge].done) {
        size_t k = run->next_merge;
        pthread_mutex_unlock(&run->lock);
        bool ok = merge_chunk(run, k);
        pthread_mutex_lock(&run->lock);
        run->failed |= !ok;
        run->next_merge++;
        pthread_cond_broadcast(&run->merged);
    }
    run->merging = false;
}

static bool chunk_job(size_t i, void *ctx)
{
    ChunkRun *run = ctx;
    pthread_mutex_lock(&run->lock);
    /* not too far ahead of the merge: parsed chunks wait in memory */
    while (!run->failed && !run->stopping &&
           i >= run->next_merge + (size_t)run->threads * AHEAD_PER_THREAD)
        pthread_cond_wait(&run->merged, &run->lock);
    bool go = !run->failed && !run->stopping && !cancelled(&run->head);
    if (!go) {
        run->stopping = true; /* the caller parses or stops at what is left */
        pthread_cond_broadcast(&run->merged);
    }
    pthread_mutex_unlock(&run->lock);
    if (!go)
        return false;
    CsvChunk *c = &run->chunks[i];
    bool ok = parse_chunk(run, c);
    pthread_mutex_lock(&run->lock);
    c->ok = ok;
    c->done = true;
    merge_ready(run);
    bool carry_on = !run->failed;
    pthread_mutex_unlock(&run->lock);
    return carry_on;
}

static void run_free(ChunkRun *run)
{
    for (size_t k = 0; k < run->n_chunks; k++)
        chunk_free(&run->chunks[k]);
    free(run->chunks);
    for (size_t i = 0; i < run->n_spares; i++)
        free(run->spare[i]);
    pthread_mutex_destroy(&run->lock);
    pthread_cond_destroy(&run->merged);
}

bool csv_load_chunks(CsvReader *r, const InputStream *in, uint64_t start, bool *handled)
{
    *handled = false;
    bool stateless_time = !r->t->timed || (r->n_time_cols == 1 && r->time_parser.integer);
    if (r->t->structured_log || r->grouping || !stateless_time)
        return true;
    ChunkRun run = {.r = r, .fd = in->fd, .size = in->size, .threads = thread_count(r->opt),
                    .merged_end = start, .head = *r};
    pthread_mutex_init(&run.lock, NULL);
    pthread_cond_init(&run.merged, NULL);
    if (!plan_chunks(&run, start, chunk_bytes(in->size, run.threads))) {
        run_free(&run);
        return csv_fail_code(r, ERROR_NOMEM, "out of memory");
    }
    if (run.n_chunks < 2) {
        run_free(&run);
        return true;
    }
    *handled = true;
    workers_run(run.n_chunks, run.threads, chunk_job, &run);
    /* Alone now: what no thread merged (the run stopped, or a thread could not start) is
     * merged, or parsed serially, here. */
    for (size_t k = run.next_merge; k < run.n_chunks && !run.failed; k++)
        run.failed = !merge_chunk(&run, k);
    run_free(&run);
    return !run.failed && !r->failed;
}
