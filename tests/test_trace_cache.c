/* The cache beside a trace: a second load reads it and gives what parsing gives (the trace, its
 * keys in a shared vocabulary, the meanings, the warnings); a stale, truncated, corrupt or forged
 * cache, or one made with other options, is ignored and written anew; --no-cache neither reads
 * nor writes one; a cache that cannot be written is no error. */
#include "test_util.h"

#include "../io/readers.h"
#include "../io/trace_cache.h"
#include "../io/trace_set.h"

#define LOGHUB FIXTURES_DIR "/../data/loghub/HDFS/"

/* ---- what a load gives, as text to compare ---- */

static void dump_trace(FILE *f, const Trace *t, const Vocab *vocab)
{
    fprintf(f, "%s format=%d log=%d timed=%d events=%zu sessions=%zu\n", t->path, t->format,
            t->structured_log, t->timed, t->n_events, t->n_sessions);
    for (size_t i = 0; i < t->n_events; i++) {
        const char *event;
        char text[256];
        trace_event_fields(t, i, &event, text, sizeof text);
        fprintf(f, "%s %lld %u %d %d %s [%s %s]\n", vocab_name(vocab, t->key_id[i]),
                (long long)trace_time(t, i), trace_cpu(t, i), trace_pid(t, i), trace_tid(t, i),
                strpool_get(&t->names, trace_name_id(t, i)), event, text);
    }
    for (size_t s = 0; s < t->n_sessions; s++)
        fprintf(f, "session %zu %s\n", t->session_start[s],
                t->session_name ? strpool_get(&t->names, t->session_name[s]) : "-");
}

/* Everything loading these files gives. */
static char *dump(const char **paths, size_t n, TraceOptions opt)
{
    TraceSet set;
    trace_set_init(&set);
    TraceInput in[8];
    for (size_t i = 0; i < n; i++)
        in[i] = (TraceInput){paths[i], TRACE_FORMAT_AUTO};
    Error err = {0};
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    if (!trace_set_load(&set, in, n, &opt, &err))
        fprintf(f, "error: %s\n", err.msg);
    for (size_t i = 0; i < set.n_traces; i++)
        dump_trace(f, &set.traces[i], &set.vocab);
    for (uint32_t k = 0; k < vocab_size(&set.vocab); k++) {
        const char *meaning = meanings_get(&set.meanings, vocab_name(&set.vocab, k));
        fprintf(f, "key %u %s: %s\n", k, vocab_name(&set.vocab, k), meaning ? meaning : "-");
    }
    for (size_t i = 0; i < set.warnings.n; i++)
        fprintf(f, "warning: %s\n", set.warnings.items[i]);
    fclose(f);
    trace_set_free(&set);
    return text;
}

static char *dump1(const char *path, TraceOptions opt) { return dump(&path, 1, opt); }

static char *truth(const char *path, TraceOptions opt)
{
    opt.no_cache = true;
    return dump1(path, opt);
}

static const char *cache_of(const char *path)
{
    static char cache[600];
    snprintf(cache, sizeof cache, "%s%s", path, TRACE_CACHE_SUFFIX);
    return cache;
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc(*len + 1);
    assert_int_equal(fread(data, 1, *len, f), *len);
    fclose(f);
    return data;
}

static void write_whole(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static const char *copy_in(const char *from, const char *name)
{
    size_t len;
    char *data = read_whole(from, &len);
    const char *path = write_bytes(name, data, len);
    free(data);
    return path;
}

/* Writes over the file's bytes in place, keeping its size, inode and modification time: only a
 * load that reads the cache still sees what it held. */
static void overwrite_keeping_identity(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    char *junk = malloc((size_t)st.st_size);
    memset(junk, '#', (size_t)st.st_size);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, junk, (size_t)st.st_size), st.st_size);
    close(fd);
    free(junk);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void assert_same(const char *expected, char *actual)
{
    if (strcmp(expected, actual) != 0)
        fail_msg("loads differ:\n--- expected\n%.1500s\n--- actual\n%.1500s", expected, actual);
    free(actual);
}

#define KERNEL_CSV                                                                            \
    "timestamp,cpu,class,event,pid,tid,process\n"                                             \
    "1000,0,COMM,SND_MESSAGE,101,1,fcs\n"                                                     \
    "2500,1,THREAD,THRUNNING,102,7,devi-imu\n"                                                \
    "2400,1,COMM,REC_MESSAGE,101,1,fcs\n" /* the time goes back: a warning */                 \
    "9000000000,0,COMM,SND_MESSAGE,103,3,nav\n"

#define SESSIONS "5 3 5\n1 2\n7\n"

static const char *kernel_csv(const char *name) { return write_text(name, KERNEL_CSV); }

/* A structured log: a line without a template (the reader's warning), and keyed by EventId a
 * key given two templates (the meanings' warning). */
#define STRUCTURED_LOG                                                                        \
    "LineId,Time,Content,EventId,EventTemplate\n"                                             \
    "1,3,hello 1,E1,hello <*>\n"                                                              \
    "2,2,bye,E2,\n"                                                                           \
    "3,1,hello 2,E1,hello again <*>\n"

/* The inputs of every kind the cache must give back: a kernel CSV trace, a session file, an
 * ftrace text with fields, a compressed structured log with templates, a compressed raw log, a
 * structured log the reader warns of. */
static const char *input_of(int kind)
{
    switch (kind) {
    case 0: return kernel_csv("kernel.csv");
    case 1: return write_text("keys.sessions", SESSIONS);
    case 2: return copy_in(FIXTURES_DIR "/ftrace/tc-trace-android-sched.txt", "sched.txt");
    case 3: return copy_in(LOGHUB "HDFS_2k.log_structured.csv.xz", "hdfs.csv.xz");
    case 4: return copy_in(LOGHUB "HDFS_2k.log.xz", "hdfs.log.xz");
    default: return write_text("structured.csv", STRUCTURED_LOG);
    }
}
#define N_KINDS 6

/* ---- the cache is read, and gives what parsing gives ---- */

static void second_load_reads_the_cache(void **state)
{
    (void)state;
    for (int kind = 0; kind < N_KINDS; kind++) {
        const char *path = input_of(kind);
        unlink(cache_of(path));
        char *expected = truth(path, (TraceOptions){0});
        assert_int_equal(size_of(cache_of(path)), -1); /* --no-cache wrote none */
        assert_same(expected, dump1(path, (TraceOptions){0}));
        assert_true(size_of(cache_of(path)) > 0);
        /* the source's bytes gone, its identity kept: only the cache can give them */
        overwrite_keeping_identity(path);
        assert_same(expected, dump1(path, (TraceOptions){0}));
        free(expected);
    }
}

/* Traces loaded together share a vocabulary: a cached trace's keys are given to it as parsing
 * would, in either order (ids remapped when they differ from the cache's). */
static void shared_vocabulary_in_any_order(void **state)
{
    (void)state;
    const char *paths[N_KINDS];
    for (int kind = 0; kind < N_KINDS; kind++) {
        paths[kind] = input_of(kind);
        unlink(cache_of(paths[kind]));
    }
    const char *reversed[N_KINDS];
    for (int i = 0; i < N_KINDS; i++)
        reversed[i] = paths[N_KINDS - 1 - i];
    TraceOptions no_cache = {.no_cache = true};
    char *forward = dump(paths, N_KINDS, no_cache), *backward = dump(reversed, N_KINDS, no_cache);
    assert_same(forward, dump(paths, N_KINDS, (TraceOptions){0}));    /* writes the caches */
    assert_same(backward, dump(reversed, N_KINDS, (TraceOptions){0})); /* reads them */
    assert_same(forward, dump(paths, N_KINDS, (TraceOptions){0}));
    for (int i = 0; i < N_KINDS; i++) /* a session file's keys after others' */
        assert_same(backward, dump(reversed, N_KINDS, (TraceOptions){0}));
    free(forward);
    free(backward);
}

/* A warning noting a template made comes once, whichever traces came before (the reader's own:
 * second_load_reads_the_cache); the templates are the keys' meanings. */
static void templates_and_warnings_given_again(void **state)
{
    (void)state;
    const char *log = write_text("warned.csv", STRUCTURED_LOG);
    const char *before = write_text("before.csv", "LineId,Time,Content,EventId,EventTemplate\n"
                                                  "1,5,x,E1,another <*>\n");
    const char *both[] = {before, log};
    TraceOptions by_id = {.key_cols = "EventId"}, off = {.key_cols = "EventId", .no_cache = true};
    char *expected = dump(both, 2, off);
    assert_contains(expected, "key E1 stands for two templates: \"another <*>\"");
    assert_contains(expected, "E1: another <*>");
    assert_same(expected, dump(both, 2, by_id));
    overwrite_keeping_identity(log);
    char *again = dump(both, 2, by_id);
    assert_same(expected, again);
    free(expected);
}

/* ---- a cache that does not match is not used ---- */

static void stale_cache_is_not_used(void **state)
{
    (void)state;
    const char *path = kernel_csv("stale.csv");
    free(dump1(path, (TraceOptions){0}));
    /* the same size and inode, another modification time: the file is parsed */
    overwrite_keeping_identity(path);
    struct timespec later[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = 2000000000}};
    assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
    char *junk = truth(path, (TraceOptions){0});
    assert_contains(junk, "error:");
    assert_same(junk, dump1(path, (TraceOptions){0}));
    free(junk);
    /* another size, the time kept */
    kernel_csv("stale.csv");
    free(dump1(path, (TraceOptions){0}));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    write_text("stale.csv", KERNEL_CSV "9000000001,0,COMM,X,1,1,p\n");
    struct timespec same[2] = {st.st_atim, st.st_mtim};
    assert_int_equal(utimensat(AT_FDCWD, path, same, 0), 0);
    char *grown = truth(path, (TraceOptions){0});
    assert_contains(grown, "COMM/X");
    assert_same(grown, dump1(path, (TraceOptions){0}));
    free(grown);
}

static void other_options_are_another_cache(void **state)
{
    (void)state;
    const char *path = kernel_csv("options.csv");
    TraceOptions by_event = {.key_cols = "event"}, by_class = {.key_cols = "class"};
    char *event_keys = truth(path, by_event), *class_keys = truth(path, by_class);
    assert_string_not_equal(event_keys, class_keys);
    assert_same(event_keys, dump1(path, by_event));
    assert_same(class_keys, dump1(path, by_class));
    assert_same(class_keys, dump1(path, by_class));
    assert_same(event_keys, dump1(path, by_event));
    free(event_keys);
    free(class_keys);
}

static void cancelled_before_the_cache(void **state)
{
    (void)state;
    const char *path = kernel_csv("cancelled.csv");
    free(dump1(path, (TraceOptions){0}));
    CancelFlag cancel = 1;
    Vocab vocab;
    vocab_init(&vocab);
    Trace t;
    Error err = {0};
    assert_false(trace_load(&t, path, &(TraceOptions){.cancel = &cancel}, &vocab, NULL, &err));
    assert_int_equal(err.code, ERROR_INTERRUPTED);
    vocab_free(&vocab);
}

static void no_cache_neither_reads_nor_writes(void **state)
{
    (void)state;
    const char *path = kernel_csv("nocache.csv");
    TraceOptions off = {.no_cache = true};
    free(dump1(path, off));
    assert_int_equal(size_of(cache_of(path)), -1);
    free(dump1(path, (TraceOptions){0}));
    assert_true(size_of(cache_of(path)) > 0);
    overwrite_keeping_identity(path);
    char *parsed = dump1(path, off);
    assert_contains(parsed, "error:"); /* the junk, parsed: the cache was not read */
    free(parsed);
}

/* ---- a damaged cache is ignored and written anew ---- */

static void truncated_cache_is_ignored(void **state)
{
    (void)state;
    const char *path = input_of(2);
    char *expected = truth(path, (TraceOptions){0});
    free(dump1(path, (TraceOptions){0}));
    size_t len;
    char *good = read_whole(cache_of(path), &len);
    for (size_t cut = 0; cut < len; cut += cut < 512 ? 7 : len / 61 + 1) {
        write_whole(cache_of(path), good, cut);
        assert_same(expected, dump1(path, (TraceOptions){0}));
        assert_int_equal(size_of(cache_of(path)), (off_t)len); /* written anew */
    }
    free(good);
    free(expected);
}

static void corrupt_cache_is_ignored(void **state)
{
    (void)state;
    const char *path = input_of(3);
    char *expected = truth(path, (TraceOptions){0});
    free(dump1(path, (TraceOptions){0}));
    size_t len;
    char *good = read_whole(cache_of(path), &len);
    for (size_t at = 0; at < len; at += at < 1024 ? 5 : len / 83 + 1) {
        good[at] ^= 0x5A;
        write_whole(cache_of(path), good, len);
        good[at] ^= 0x5A;
        assert_same(expected, dump1(path, (TraceOptions){0}));
    }
    free(good);
    free(expected);
}

/* A forged cache: a section changed and every checksum made to fit, as a hostile file would
 * be. Bounds are checked beyond the checksums. */
static void forge(const char *cache, const char *section, size_t index, uint64_t value)
{
    size_t len;
    char *data = read_whole(cache, &len);
    CacheHeader h;
    memcpy(&h, data, sizeof h);
    CacheSection *table = (CacheSection *)(data + sizeof h);
    bool found = false;
    for (uint32_t i = 0; i < h.n_sections; i++) {
        CacheSection *s = &table[i];
        if (strcmp(s->name, section) != 0)
            continue;
        assert_true(index < s->count);
        char *at = data + s->offset + index * s->elem_size;
        memcpy(at, &value, s->elem_size); /* little-endian: the low bytes */
        s->hash = cache_hash_section(data + s->offset, s->elem_size * s->count);
        found = true;
    }
    assert_true(found);
    h.table_hash = cache_hash_bytes(table, h.n_sections * sizeof *table, 0);
    memcpy(data, &h, sizeof h);
    write_whole(cache, data, len);
    free(data);
}

static void forged_cache_is_not_trusted(void **state)
{
    (void)state;
    static const struct {
        const char *section;
        size_t index;
        uint64_t value;
    } forgeries[] = {
        {"key_id", 0, 0xFFFFFFF0u},           {"key_id", 3, 4},
        {"context_id", 1, 1000000},           {"times.wide_of", 0, 7},
        {"session_start", 1, 0},              {"session_start", 0, 1},
        {"names.length", 1, 0xFFFFFFFFu},     {"names.length", 1, 0},
        {"contexts.of", 2, 0xFFFF},           {"keys.length", 0, 9999},
        {"meta", 3, UINT64_MAX},              {"meta", 4, 1u << 30},
        {"meta", 0, 77},                      {"notes.length", 0, 1},
        {"fields.block_start", 0, 1u << 30},
    };
    const char *path = input_of(0);
    char *expected = truth(path, (TraceOptions){0});
    const char *ftrace = input_of(2);
    char *expected_ftrace = truth(ftrace, (TraceOptions){0});
    for (size_t i = 0; i < sizeof forgeries / sizeof forgeries[0]; i++) {
        bool fields = strncmp(forgeries[i].section, "fields", 6) == 0;
        const char *p = fields ? ftrace : path;
        free(dump1(p, (TraceOptions){0}));
        if (strcmp(forgeries[i].section, "notes.length") == 0)
            continue; /* a kernel trace notes no templates: nothing to forge */
        forge(cache_of(p), forgeries[i].section, forgeries[i].index, forgeries[i].value);
        assert_same(fields ? expected_ftrace : expected, dump1(p, (TraceOptions){0}));
    }
    free(expected);
    free(expected_ftrace);
}

/* ---- a cache that cannot be written is no error ---- */

static void unwritable_cache_is_no_error(void **state)
{
    (void)state;
    const char *path = kernel_csv("unwritable.csv");
    char *expected = truth(path, (TraceOptions){0});
    assert_int_equal(mkdir(cache_of(path), 0755), 0); /* rename cannot replace a folder */
    assert_same(expected, dump1(path, (TraceOptions){0}));
    assert_same(expected, dump1(path, (TraceOptions){0}));
    free(expected);
}

/* ---- the command line ---- */

static void commands_read_the_cache(void **state)
{
    (void)state;
    const char *path = kernel_csv("cli.csv");
    RunResult first = run_traceaid("stats", path);
    assert_status(first, 0);
    assert_true(size_of(cache_of(path)) > 0);
    overwrite_keeping_identity(path);
    RunResult second = run_traceaid("stats", path);
    assert_status(second, 0);
    assert_string_equal(first.out, second.out);
    assert_string_equal(first.err, second.err);
    RunResult off = run_traceaid("stats", "--no-cache", path);
    setenv("TRACEAID_NO_CACHE", "1", 1); /* the environment's switch, as --no-cache */
    RunResult env_off = run_traceaid("stats", path);
    unsetenv("TRACEAID_NO_CACHE");
    assert_status(env_off, 2);
    run_result_free(&env_off);
    assert_status(off, 2); /* the junk, parsed */
    run_result_free(&first);
    run_result_free(&second);
    run_result_free(&off);
    const char *fresh = kernel_csv("cli-fresh.csv");
    RunResult none = run_traceaid("stats", "--no-cache", fresh);
    assert_status(none, 0);
    assert_int_equal(size_of(cache_of(fresh)), -1);
    run_result_free(&none);
}

int main(void)
{
    unsetenv("TRACEAID_NO_CACHE"); /* make test sets it for the other tests */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_load_reads_the_cache),
        cmocka_unit_test(shared_vocabulary_in_any_order),
        cmocka_unit_test(templates_and_warnings_given_again),
        cmocka_unit_test(stale_cache_is_not_used),
        cmocka_unit_test(other_options_are_another_cache),
        cmocka_unit_test(cancelled_before_the_cache),
        cmocka_unit_test(no_cache_neither_reads_nor_writes),
        cmocka_unit_test(truncated_cache_is_ignored),
        cmocka_unit_test(corrupt_cache_is_ignored),
        cmocka_unit_test(forged_cache_is_not_trusted),
        cmocka_unit_test(unwritable_cache_is_no_error),
        cmocka_unit_test(commands_read_the_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
