#define _GNU_SOURCE /* mkostemp */
#include "trace_cache.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_cache_layout.h"
#include "trace_cache_keys.h"

char *trace_cache_path(const char *path)
{
    size_t len = strlen(path);
    char *cache = malloc(len + sizeof TRACE_CACHE_SUFFIX);
    if (cache) {
        memcpy(cache, path, len);
        memcpy(cache + len, TRACE_CACHE_SUFFIX, sizeof TRACE_CACHE_SUFFIX);
    }
    return cache;
}

static uint64_t hash_mix(uint64_t h, const void *data, size_t len)
{
    return cache_hash_bytes(data, len, h) ^ (h * 0x9E3779B185EBCA87ull);
}

static uint64_t hash_string(uint64_t h, const char *s)
{
    uint8_t absent = 0xFF; /* NULL apart from "" */
    return s ? hash_mix(h, s, strlen(s) + 1) : hash_mix(h, &absent, 1);
}

/* A file the load reads whose contents change what it makes (--templates): its identity. */
static uint64_t hash_file(uint64_t h, const char *path)
{
    struct stat st;
    h = hash_string(h, path);
    if (path && stat(path, &st) == 0) {
        int64_t id[4] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                         (int64_t)st.st_ino};
        h = hash_mix(h, id, sizeof id);
    }
    return h;
}

/* Every option that changes what a load makes, the path as given (warnings name it), the time
 * zone (times without one are read in it) and the program itself: another build may read the
 * same file otherwise, so its cache is its own. Threads, progress and cancelling change nothing. */
static uint64_t options_hash(const char *path, const TraceOptions *opt)
{
    uint64_t h = hash_file(CACHE_VERSION, "/proc/self/exe");
    int64_t format = opt->format;
    h = hash_mix(h, &format, sizeof format);
    h = hash_string(h, path);
    const char *strings[] = {opt->key_cols, opt->time_col, opt->cpu_col, opt->pid_col, opt->tid_col,
                             opt->name_col, opt->group_col, opt->group_regex, opt->time_format,
                             opt->log.format, getenv("TZ")};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        h = hash_string(h, strings[i]);
    uint64_t n_masks = opt->log.masks.n;
    h = hash_mix(h, &n_masks, sizeof n_masks);
    for (size_t i = 0; i < opt->log.masks.n && i < STRING_LIST_MAX; i++)
        h = hash_string(h, opt->log.masks.items[i]);
    h = hash_mix(h, &opt->log.similarity, sizeof opt->log.similarity);
    h = hash_mix(h, &opt->log.depth, sizeof opt->log.depth);
    uint8_t keep = opt->keep_messages;
    h = hash_mix(h, &keep, 1);
    return hash_file(h, opt->log.templates);
}

static bool source_identity(const char *path, CacheIdentity *id)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false; /* standard input, a pipe, a folder: read as it comes, never cached */
    *id = (CacheIdentity){.size = (uint64_t)st.st_size,
                          .mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
                          .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino};
    return true;
}

void trace_cache_begin(TraceCache *c, const char *path, const TraceOptions *opt, Vocab *vocab,
                       Meanings *meanings)
{
    memset(c, 0, sizeof *c);
    strpool_init(&c->seen);
    c->path = path;
    c->opt = opt;
    c->vocab = vocab;
    c->meanings = meanings;
    c->vocab_before = vocab_size(vocab);
    c->warnings_before = meanings ? meanings->warnings.n : 0;
    if (opt->no_cache || strcmp(path, "-") == 0 || getenv("TRACEAID_NO_CACHE") ||
        !source_identity(path, &c->source))
        return;
    c->source.options_hash = options_hash(path, opt);
    c->cache_path = trace_cache_path(path);
    c->enabled = c->cache_path != NULL;
}

/* ---- what the reader tells the meanings, recorded to be told again ---- */

bool cache_strings_add(CacheStrings *s, const char *text, size_t len)
{
    if (s->n == s->n_cap) {
        size_t cap = s->n_cap ? 2 * s->n_cap : 16;
        uint32_t *grown = realloc(s->length, cap * sizeof *grown);
        if (!grown)
            return false;
        s->length = grown;
        s->n_cap = cap;
    }
    if (s->len + len + 1 > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        while (cap < s->len + len + 1)
            cap *= 2;
        char *grown = realloc(s->chars, cap);
        if (!grown)
            return false;
        s->chars = grown;
        s->cap = cap;
    }
    memcpy(s->chars + s->len, text, len);
    s->chars[s->len + len] = '\0';
    s->len += len + 1;
    s->length[s->n++] = (uint32_t)len;
    return true;
}

void cache_strings_free(CacheStrings *s)
{
    free(s->chars);
    free(s->length);
    memset(s, 0, sizeof *s);
}

static bool mark_note_warnings(TraceCache *c, size_t n_warned)
{
    size_t n = c->meanings->warnings.n - c->warnings_before;
    if (n > c->note_made_cap) {
        size_t cap = c->note_made_cap ? 2 * c->note_made_cap : 16;
        while (cap < n)
            cap *= 2;
        bool *grown = realloc(c->note_made, cap * sizeof *grown);
        if (!grown)
            return false;
        memset(grown + c->note_made_cap, 0, (cap - c->note_made_cap) * sizeof *grown);
        c->note_made = grown;
        c->note_made_cap = cap;
    }
    for (size_t i = n - n_warned; i < n; i++)
        c->note_made[i] = true;
    return true;
}

static bool record_note(TraceCache *c, const char *key, const char *text, size_t text_len,
                        const char *path, size_t line, bool by_template)
{
    size_t key_len = strlen(key);
    char *pair = malloc(key_len + 1 + text_len);
    if (!pair)
        return false;
    memcpy(pair, key, key_len + 1);
    memcpy(pair + key_len + 1, text, text_len);
    uint32_t before = c->seen.count, id;
    bool ok = strpool_intern(&c->seen, pair, key_len + 1 + text_len, &id, NULL);
    free(pair);
    if (!ok || c->seen.count == before)
        return ok;
    if (c->notes.n / 3 == c->note_lines_cap) {
        size_t cap = c->note_lines_cap ? 2 * c->note_lines_cap : 16;
        uint64_t *grown = realloc(c->note_lines, cap * sizeof *grown);
        if (!grown)
            return false;
        c->note_lines = grown;
        c->note_lines_cap = cap;
    }
    c->note_lines[c->notes.n / 3] = (uint64_t)line << 1 | by_template;
    return cache_strings_add(&c->notes, key, key_len) && cache_strings_add(&c->notes, text, text_len) &&
           cache_strings_add(&c->notes, path, strlen(path));
}

static void on_note(void *ctx, const char *key, const char *text, size_t text_len,
                    const char *path, size_t line, bool by_template, size_t n_warned)
{
    TraceCache *c = ctx;
    if (!c->failed && !(record_note(c, key, text, text_len, path, line, by_template) &&
                        mark_note_warnings(c, n_warned)))
        c->failed = true;
}

void trace_cache_record(TraceCache *c)
{
    if (c->enabled && c->meanings) {
        c->meanings->on_note = on_note;
        c->meanings->on_note_ctx = c;
    }
}

/* ---- writing ---- */

/* The warnings the reader raised itself: those noting a template made are made again by
 * replaying the notes. */
static bool reader_warnings(const TraceCache *c, CacheStrings *out)
{
    if (!c->meanings)
        return true;
    const Warnings *w = &c->meanings->warnings;
    for (size_t i = c->warnings_before; i < w->n; i++) {
        size_t k = i - c->warnings_before;
        if ((k >= c->note_made_cap || !c->note_made[k]) &&
            !cache_strings_add(out, w->items[i], strlen(w->items[i])))
            return false;
    }
    return true;
}

static bool same_source(const CacheIdentity *a, const CacheIdentity *b)
{
    return a->size == b->size && a->mtime_ns == b->mtime_ns && a->dev == b->dev && a->ino == b->ino;
}

/* The arrays besides the trace's: the keys' names, the templates noted, the warnings. */
static size_t extra_arrays(CacheArray *out, CacheKeys *keys, CacheStrings *notes,
                           uint64_t **note_lines, CacheStrings *warnings, const uint64_t *meta)
{
    size_t n = 0;
#define ARRAY(label, field, count_)                                                                \
    out[n++] = (CacheArray){.name = label, .elem_size = sizeof *(field), .count = (size_t)(count_), \
                            .data = (field), .slot = (void **)&(field)}
    ARRAY("keys.length", keys->names.length, meta[META_KEYS]);
    ARRAY("keys.chars", keys->names.chars, meta[META_KEYS_CHARS]);
    ARRAY("keys.used", keys->used, meta[META_KEYS]);
    ARRAY("notes.length", notes->length, meta[META_NOTES]);
    ARRAY("notes.chars", notes->chars, meta[META_NOTES_CHARS]);
    ARRAY("notes.line", *note_lines, meta[META_NOTES] / 3);
    ARRAY("warnings.length", warnings->length, meta[META_WARNINGS]);
    ARRAY("warnings.chars", warnings->chars, meta[META_WARNINGS_CHARS]);
#undef ARRAY
    return n;
}

static bool write_file(const TraceCache *c, const CacheArray *arrays, size_t n, mode_t mode)
{
    size_t len = strlen(c->cache_path);
    char *tmp = malloc(len + 8);
    if (!tmp)
        return false;
    memcpy(tmp, c->cache_path, len);
    memcpy(tmp + len, ".XXXXXX", 8);
    int fd = mkostemp(tmp, O_CLOEXEC);
    bool ok = fd >= 0;
    if (ok) {
        CacheHeader h = {.source = c->source, .flags = c->meanings ? CACHE_HAS_MEANINGS : 0};
        ok = fchmod(fd, mode & 0666) == 0 && cache_file_write(fd, &h, arrays, n);
        ok = close(fd) == 0 && ok;
        ok = ok && rename(tmp, c->cache_path) == 0;
        if (!ok)
            unlink(tmp);
    }
    free(tmp);
    return ok;
}

static void write_cache(TraceCache *c, const Trace *t)
{
    CacheIdentity now;
    struct stat st;
    /* a CTF trace's metadata file names a folder of stream files, whose changes it does not
     * show: only a trace read from the file alone is cached */
    if (t->format == TRACE_FORMAT_CTF)
        return;
    if (!source_identity(c->path, &now) || !same_source(&now, &c->source) ||
        stat(c->path, &st) != 0 || !cache_trace_writable(t))
        return; /* changed while it was read: the next load parses it again */
    CacheStrings warnings = {0};
    CacheKeys keys;
    bool ok = cache_keys_collect(&keys, t, c->vocab, c->vocab_before) && reader_warnings(c, &warnings);
    uint64_t meta[META_COUNT] = {0};
    cache_trace_meta(t, meta);
    meta[META_KEYS] = keys.n;
    meta[META_KEYS_CHARS] = keys.chars_len;
    meta[META_NOTES] = c->notes.n;
    meta[META_NOTES_CHARS] = c->notes.len;
    meta[META_WARNINGS] = warnings.n;
    meta[META_WARNINGS_CHARS] = warnings.len;
    CacheArray arrays[CACHE_MAX_SECTIONS];
    uint64_t *meta_data = meta;
    arrays[0] = (CacheArray){.name = "meta", .elem_size = sizeof *meta, .count = META_COUNT, .data = meta_data};
    CacheTracePools pools = {0};
    size_t n = 1 + cache_trace_arrays((Trace *)t, &pools, meta, arrays + 1);
    if (keys.local_of) { /* the key column, arrays[1], through the cache's own ids */
        arrays[1].fill = cache_keys_fill;
        arrays[1].fill_ctx = &keys;
    }
    n += extra_arrays(arrays + n, &keys, &c->notes, &c->note_lines, &warnings, meta);
    if (ok)
        write_file(c, arrays, n, st.st_mode); /* no cache written is no error: parsing works */
    cache_keys_free(&keys);
    cache_strings_free(&warnings);
}

void trace_cache_end(TraceCache *c, const Trace *t, bool parsed)
{
    if (c->meanings && c->meanings->on_note == on_note) {
        c->meanings->on_note = NULL;
        c->meanings->on_note_ctx = NULL;
    }
    if (parsed && c->enabled && !c->failed)
        write_cache(c, t);
    free(c->cache_path);
    cache_strings_free(&c->notes);
    free(c->note_lines);
    free(c->note_made);
    strpool_free(&c->seen);
    memset(c, 0, sizeof *c);
}

/* ---- reading ---- */

/* The arrays a load reads into: freed together when the cache is not used. */
typedef struct Loaded {
    uint64_t *meta;
    CacheTracePools pools;
    CacheKeys keys;
    CacheStrings notes, warnings;
    uint64_t *note_lines;
    uint64_t max_key;           /* the key column's largest id */
} Loaded;

static void loaded_free(Loaded *l)
{
    free(l->meta);
    free(l->pools.names.length);
    free(l->pools.names.chars);
    free(l->pools.shapes.length);
    free(l->pools.shapes.chars);
    free(l->keys.names.length);
    free(l->keys.names.chars);
    free(l->keys.used);
    cache_strings_free(&l->notes);
    cache_strings_free(&l->warnings);
    free(l->note_lines);
    memset(l, 0, sizeof *l);
}

/* Reads the meta section and checks its counts: none past the file's size, so no count + 1
 * overflows and every array's size is bounded before its section is looked at. */
static bool read_meta(int fd, const CacheHeader *h, const CacheSection *table, Loaded *l)
{
    CacheArray meta = {.name = "meta", .elem_size = sizeof *l->meta, .count = META_COUNT,
                       .slot = (void **)&l->meta};
    if (!cache_file_read(fd, table, h->n_sections, &meta, 1, 1))
        return false;
    for (size_t i = META_EVENTS; i < META_COUNT; i++)
        if (l->meta[i] > h->file_size)
            return false;
    return l->meta[META_NOTES] % 3 == 0;
}

static bool strings_valid(const CacheStrings *s, const uint64_t *meta, int count, int chars)
{
    return cache_pool_valid(s->length, meta[count], s->chars, meta[chars]);
}

/* Reads every array and checks what the trace's own checks do not: the keys, notes, warnings. */
static bool read_arrays(int fd, const CacheHeader *h, const CacheSection *table, TraceCache *c,
                        Trace *t, Loaded *l)
{
    const uint64_t *meta = l->meta;
    CacheArray arrays[CACHE_MAX_SECTIONS];
    size_t n = cache_trace_arrays(t, &l->pools, meta, arrays);
    n += extra_arrays(arrays + n, &l->keys, &l->notes, &l->note_lines, &l->warnings, meta);
    int threads = c->opt->threads > 0 && c->opt->threads < 256 ? (int)c->opt->threads : 0;
    if (!cache_file_read(fd, table, h->n_sections, arrays, n, threads))
        return false;
    l->keys.n = meta[META_KEYS];
    l->notes.n = meta[META_NOTES];
    l->warnings.n = meta[META_WARNINGS];
    if (!cache_pool_valid(l->keys.names.length, meta[META_KEYS], l->keys.names.chars, meta[META_KEYS_CHARS]) ||
        !cache_keys_valid(&l->keys.names, meta[META_KEYS], l->keys.used, (TraceFormat)meta[META_FORMAT]) ||
        arrays[0].max_u32 >= meta[META_KEYS] || !strings_valid(&l->notes, meta, META_NOTES, META_NOTES_CHARS) ||
        !strings_valid(&l->warnings, meta, META_WARNINGS, META_WARNINGS_CHARS)) {
        trace_free(t);
        return false;
    }
    l->max_key = arrays[0].max_u32; /* arrays[0] is the key column (cache_trace_arrays) */
    return cache_trace_finish(t, &l->pools, meta, arrays, n, c->path);
}

/* Tells the meanings the templates the reader gave and the warnings it raised. */
static bool give_meanings(TraceCache *c, const Loaded *l, Error *err)
{
    if (!c->meanings)
        return true;
    const char *s = l->notes.chars;
    for (size_t i = 0; i + 2 < l->notes.n; i += 3) {
        const char *key = s, *text = s + l->notes.length[i] + 1;
        const char *path = text + l->notes.length[i + 1] + 1;
        uint64_t line = l->note_lines[i / 3];
        if (!meanings_note_template(c->meanings, key, text, l->notes.length[i + 1], path,
                                    (size_t)(line >> 1), line & 1, err))
            return false;
        s = path + l->notes.length[i + 2] + 1;
    }
    s = l->warnings.chars;
    for (size_t i = 0; i < l->warnings.n; i++, s += l->warnings.length[i - 1] + 1)
        if (!warnings_add(&c->meanings->warnings, err, "%s", s))
            return false;
    return true;
}

CacheResult trace_cache_load(TraceCache *c, Trace *t, Error *err)
{
    if (!c->enabled || (c->opt->cancel && *c->opt->cancel))
        return CACHE_MISS; /* a load stopped before it began says so, as parsing does */
    int fd = open(c->cache_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return CACHE_MISS;
    struct stat st;
    CacheHeader h;
    CacheSection table[CACHE_MAX_SECTIONS];
    Loaded l = {0};
    memset(t, 0, sizeof *t);
    bool hit = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
               cache_file_open(fd, (uint64_t)st.st_size, &h, table) &&
               memcmp(&h.source, &c->source, sizeof h.source) == 0 &&
               (!c->meanings || (h.flags & CACHE_HAS_MEANINGS)) && read_meta(fd, &h, table, &l) &&
               read_arrays(fd, &h, table, c, t, &l);
    close(fd);
    if (!hit) {
        loaded_free(&l);
        return CACHE_MISS;
    }
    int threads = c->opt->threads > 0 && c->opt->threads < 256 ? (int)c->opt->threads : 0;
    bool ok = cache_keys_give(&l.keys.names, l.keys.n, l.keys.used, l.max_key, t, c->vocab,
                              threads, err) &&
              give_meanings(c, &l, err);
    loaded_free(&l);
    if (!ok) {
        trace_free(t);
        return CACHE_FAILED;
    }
    if (c->opt->progress)
        c->opt->progress(c->source.size, c->source.size, c->opt->progress_ctx);
    return CACHE_HIT;
}
