/* A CSV file parsed in parallel chunks loads exactly as a serial read loads it: the same keys and
 * ids, names, times, sessions, warnings, and the same error naming the same line. Chunks are made
 * tiny (TRACEAID_CHUNK_BYTES) so that small files are cut many times, through quoted fields too. */
#include "test_util.h"

#include <stdatomic.h>

#include "test_load.h"

/* ---- loading both ways ----------------------------------------------------------------- */

typedef struct Progress {
    uint64_t done[4096];
    size_t n;
    uint64_t total;
    bool backwards;
    size_t cancel_at;               /* sets cancel at this call (0: never) */
    CancelFlag *cancel;
} Progress;

static void on_progress(uint64_t done, uint64_t total, void *ctx)
{
    Progress *p = ctx;
    if (p->n > 0 && done < p->done[(p->n - 1) % 4096])
        p->backwards = true;
    p->done[p->n++ % 4096] = done;
    p->total = total;
    if (p->cancel_at && p->n == p->cancel_at)
        atomic_store(p->cancel, 1);
}

/* Loads path with `threads` threads and chunks of chunk_bytes, the vocabulary first holding
 * the keys in `known` (comma-separated, or NULL). */
static Loaded *load_threads(const char *path, TraceOptions opt, uint64_t threads,
                            const char *chunk_bytes, const char *known, Progress *progress)
{
    char *old = env_set("TRACEAID_CHUNK_BYTES", chunk_bytes);
    Loaded *l = calloc(1, sizeof *l);
    vocab_init(&l->vocab);
    meanings_init(&l->meanings);
    for (const char *k = known; k && *k;) {
        size_t len = strcspn(k, ",");
        uint32_t id;
        assert_true(vocab_intern(&l->vocab, k, len, &id, NULL));
        k += len + (k[len] == ',');
    }
    opt.threads = threads;
    if (progress) {
        opt.progress = on_progress;
        opt.progress_ctx = progress;
    }
    l->ok = trace_load(&l->trace, path, &opt, &l->vocab, &l->meanings, &l->err);
    env_restore("TRACEAID_CHUNK_BYTES", old);
    return l;
}

static void assert_same_pool(const StrPool *a, const StrPool *b)
{
    assert_int_equal(a->count, b->count);
    for (uint32_t i = 0; i < a->count; i++)
        assert_string_equal(strpool_get(a, i), strpool_get(b, i));
}

static void assert_same_load(const Loaded *a, const Loaded *b)
{
    assert_int_equal(a->ok, b->ok);
    assert_string_equal(a->err.msg, b->err.msg);
    assert_int_equal(a->err.code, b->err.code);
    assert_same_pool(&a->vocab.keys, &b->vocab.keys);
    assert_int_equal(a->meanings.warnings.n, b->meanings.warnings.n);
    for (size_t i = 0; i < a->meanings.warnings.n; i++)
        assert_string_equal(a->meanings.warnings.items[i], b->meanings.warnings.items[i]);
    if (!a->ok)
        return;
    const Trace *s = &a->trace, *p = &b->trace;
    assert_int_equal(s->n_events, p->n_events);
    assert_int_equal(s->timed, p->timed);
    assert_int_equal(s->structured_log, p->structured_log);
    for (size_t i = 0; i < s->n_events; i++) {
        assert_int_equal(s->key_id[i], p->key_id[i]);
        assert_int_equal(trace_time(s, i), trace_time(p, i));
        assert_int_equal(trace_cpu(s, i), trace_cpu(p, i));
        assert_int_equal(trace_pid(s, i), trace_pid(p, i));
        assert_int_equal(trace_tid(s, i), trace_tid(p, i));
        assert_int_equal(trace_name_id(s, i), trace_name_id(p, i));
    }
    assert_same_pool(&s->names, &p->names);
    assert_int_equal(s->n_sessions, p->n_sessions);
    for (size_t k = 0; k <= s->n_sessions; k++)
        assert_int_equal(s->session_start[k], p->session_start[k]);
    assert_int_equal(s->session_name != NULL, p->session_name != NULL);
    for (size_t k = 0; s->session_name && k < s->n_sessions; k++)
        assert_int_equal(s->session_name[k], p->session_name[k]);
    assert_int_equal(s->fields.n_records, p->fields.n_records);
    assert_int_equal(s->fields.len, p->fields.len);
    if (s->fields.len)
        assert_memory_equal(s->fields.bytes, p->fields.bytes, s->fields.len);
}

/* The load in chunks of chunk_bytes on 2 threads is the load on one; returns how many
 * progress calls it made (many when chunks were merged one by one). */
static size_t same_both_ways_known(const char *path, TraceOptions opt, const char *chunk_bytes,
                                   const char *known)
{
    Loaded *serial = load_threads(path, opt, 1, chunk_bytes, known, NULL);
    Progress progress = {0};
    Loaded *parallel = load_threads(path, opt, 2, chunk_bytes, known, &progress);
    assert_same_load(serial, parallel);
    assert_false(progress.backwards);
    loaded_free(serial);
    loaded_free(parallel);
    return progress.n;
}

static size_t same_both_ways(const char *path, const char *chunk_bytes)
{
    return same_both_ways_known(path, (TraceOptions){0}, chunk_bytes, NULL);
}

/* ---- building inputs ------------------------------------------------------------------- */

typedef struct Text {
    char *s;
    size_t len;
    FILE *fp;
} Text;

static void text_start(Text *t)
{
    t->s = NULL;
    t->fp = open_memstream(&t->s, &t->len);
    assert_non_null(t->fp);
}

static const char *text_write(Text *t, const char *name)
{
    fclose(t->fp);
    const char *path = write_bytes(name, t->s, t->len);
    free(t->s);
    return path;
}

/* A kernel trace of n rows; row i's pname is given by name_of (which may quote or break it). */
static const char *kernel_trace(const char *name, const char *header, size_t n, const char *eol,
                                void (*row)(FILE *fp, size_t i, const char *eol))
{
    Text t;
    text_start(&t);
    fprintf(t.fp, "%s%s", header, eol);
    for (size_t i = 0; i < n; i++)
        row(t.fp, i, eol);
    return text_write(&t, name);
}

static void plain_row(FILE *fp, size_t i, const char *eol)
{
    fprintf(fp, "%zu,%zu,CLASS%zu,EV%zu,%zu,%zu,proc%zu%s", 1000 + 7 * i, i % 4, i % 3, (i * 7) % 11,
            100 + i % 5, 200 + i % 9, (i * 13) % 17, eol);
}

/* Quoted fields with commas, quotes and line ends, spaces and tabs around unquoted ones,
 * empty and hex fields, blank lines. */
static void quirky_row(FILE *fp, size_t i, const char *eol)
{
    switch (i % 7) {
    case 0:
        fprintf(fp, "%zu,1,COMM,\"SND, MSG\",5,1,\"multi%sline %zu\"%s", 10 * i, eol, i % 5, eol);
        break;
    case 1:
        fprintf(fp, " %zu ,\t0\t, COMM , REC ,0x1f,-3, padded %s", 10 * i, eol);
        break;
    case 2:
        fprintf(fp, "%zu,,INT,\"ENTR\",,,\"a \"\"quoted\"\"%s%s,name\"%s", 10 * i, eol, eol, eol);
        break;
    case 3:
        fprintf(fp, "%s%zu,2,INT,EXIT,7,8,%s", eol, 10 * i, eol); /* a blank line first */
        break;
    case 4:
        fprintf(fp, "  \t%s%zu,3,KER,CALL%zu,9,9,proc%zu%s", eol, 10 * i, i % 13, i % 3, eol);
        break;
    case 5:
        fprintf(fp, "\"%zu\",\"3\",\"KER\",\"EXIT\",\"9\",\"9\",\"\"%s", 10 * i, eol);
        break;
    default:
        fprintf(fp, "%zu,0,THREAD,RUNNING%zu,1,1,\"x\"%s", 10 * i, i % 29, eol);
    }
}

#define KERNEL_HEADER "timestamp,cpu,class,event,pid,tid,process"

/* ---- the tests ------------------------------------------------------------------------- */

static void generated_traces_load_the_same(void **state)
{
    (void)state;
    const char *kinds[] = {"clean", "fifo-ls", "full-while"};
    for (size_t k = 0; k < 3; k++) {
        char name[64];
        snprintf(name, sizeof name, "gen-%s.csv", kinds[k]);
        const char *path = test_path(name);
        RunResult r = run_traceaid_as(-1, "gen", "--kind", kinds[k], "--events", "3000", "--seed", "5",
                                      "-o", path, NULL);
        assert_int_equal(r.status, 0);
        run_result_free(&r);
        assert_true(same_both_ways(path, "64") > 100); /* merged chunk by chunk */
        same_both_ways(path, "1000");
        same_both_ways(path, "65536");
    }
}

/* The loghub structured logs (and their template files) stay serial after the head; they load
 * as before whatever the chunks. */
static void structured_logs_load_the_same(void **state)
{
    (void)state;
    const char *systems[] = {"Android", "Apache", "BGL", "HDFS", "HPC", "Hadoop", "HealthApp",
                             "Linux", "Mac", "OpenSSH", "OpenStack", "Proxifier", "Spark",
                             "Thunderbird", "Windows", "Zookeeper"};
    const char *kinds[] = {"structured", "templates"};
    for (size_t s = 0; s < sizeof systems / sizeof *systems; s++)
        for (size_t k = 0; k < 2; k++) {
            char name[128], cmd[1024];
            snprintf(name, sizeof name, "%s_%s.csv", systems[s], kinds[k]);
            const char *path = test_path(name);
            snprintf(cmd, sizeof cmd, "xz -dc '%s/../data/loghub/%s/%s_2k.log_%s.csv.xz' > '%s'",
                     FIXTURES_DIR, systems[s], systems[s], kinds[k], path);
            assert_int_equal(system(cmd), 0);
            same_both_ways(path, "64");
            TraceOptions grouped = {.group_col = "Component"};
            same_both_ways_known(path, grouped, "512", NULL);
        }
}

static void quoted_line_ends_across_cuts(void **state)
{
    (void)state;
    const char *eols[] = {"\n", "\r\n"};
    for (size_t e = 0; e < 2; e++) {
        char name[64];
        snprintf(name, sizeof name, "quirky-%zu.csv", e);
        const char *path = kernel_trace(name, KERNEL_HEADER, 700, eols[e], quirky_row);
        /* every size of cut, so that some fall in each quoted field's line ends */
        for (int bytes = 1; bytes <= 97; bytes += 4) {
            char chunk[16];
            snprintf(chunk, sizeof chunk, "%d", bytes);
            assert_true(same_both_ways(path, chunk) > 10);
        }
    }
}

/* A byte-order mark, a quoted header, no line end after the last row (plain, or quoted). */
static void bom_and_no_final_newline(void **state)
{
    (void)state;
    Text t;
    text_start(&t);
    fprintf(t.fp, "\xEF\xBB\xBF\"timestamp\",cpu,class,event,pid,tid,process\n");
    for (size_t i = 0; i < 300; i++)
        plain_row(t.fp, i, "\n");
    fprintf(t.fp, "99999,1,LAST,ONE,1,1,end");
    const char *path = text_write(&t, "bom.csv");
    same_both_ways(path, "64");
    text_start(&t);
    for (size_t i = 0; i < 300; i++)
        plain_row(t.fp, i, i == 0 ? "\n" : "\r\n");
    fprintf(t.fp, "99999,1,LAST,ONE,1,1,\"quoted\nend\"");
    path = text_write(&t, "noeol.csv");
    same_both_ways(path, "64");
}

/* A plain line is split as libcsv splits it: the same rows with a doubled quote added (which
 * sends every line through libcsv) load to the same trace. */
static void plain_lines_split_as_libcsv_does(void **state)
{
    (void)state;
    Text plain, libcsv;
    text_start(&plain);
    text_start(&libcsv);
    fprintf(plain.fp, KERNEL_HEADER ",extra\n");
    fprintf(libcsv.fp, KERNEL_HEADER ",extra\n");
    const char *rows[] = {"%zu,1,A,B,2,3,p,x\n", " %zu , 1 ,\tA\t,B ,2, 3 ,p q ,x\n",
                          "%zu,,A,B,,,,x\r\n", "%zu,0, A B , C\tD ,-2,0x10, , x \n",
                          "\t %zu\t,1,A,B,2,3,\t\t,x\n", "\"%zu\",\"1\",\"A\",\"B\",\"2\",\"3\",\"p, q\",x\n",
                          "%zu,1, \"A\",B,2,3,\"\",x\n", "\"%zu\",1,A,\" B \",2,3,\"\tp\t\",x\r\n"};
    size_t n_rows = sizeof rows / sizeof *rows;
    for (size_t i = 0; i < 40 * n_rows; i++) {
        char line[256];
        snprintf(line, sizeof line, rows[i % n_rows], i);
        fputs(line, plain.fp);
        char *x = strrchr(line, 'x');
        fprintf(libcsv.fp, "%.*s\"x\"\"y\"%s", (int)(x - line), line, x + 1);
    }
    Loaded *a = load_with(text_write(&plain, "plain.csv"), (TraceOptions){0});
    Loaded *b = load_with(text_write(&libcsv, "libcsv.csv"), (TraceOptions){0});
    assert_true(a->ok);
    assert_same_load(a, b);
    assert_string_equal(vocab_name(&a->vocab, a->trace.key_id[1]), "A/B");
    assert_string_equal(vocab_name(&a->vocab, a->trace.key_id[3]), "A B/C\tD");
    assert_string_equal(vocab_name(&a->vocab, a->trace.key_id[7]), "A/ B ");
    assert_string_equal(strpool_get(&a->trace.names, trace_name_id(&a->trace, 1)), "p q");
    assert_string_equal(strpool_get(&a->trace.names, trace_name_id(&a->trace, 5)), "p, q");
    assert_string_equal(strpool_get(&a->trace.names, trace_name_id(&a->trace, 7)), "\tp\t");
    loaded_free(a);
    loaded_free(b);
}

static void untimed_and_other_time_formats(void **state)
{
    (void)state;
    /* no time column: an event's time is its place in the trace */
    Text t;
    text_start(&t);
    fprintf(t.fp, "class,event,pid\n");
    for (size_t i = 0; i < 400; i++)
        fprintf(t.fp, "C%zu,E%zu,%zu\n", i % 3, i % 7, i);
    const char *path = text_write(&t, "untimed.csv");
    Loaded *l = load_threads(path, (TraceOptions){0}, 2, "64", NULL, NULL);
    assert_true(l->ok);
    assert_int_equal(trace_time(&l->trace, 399), 399);
    loaded_free(l);
    assert_true(same_both_ways(path, "64") > 10);
    /* dates without a year are read against the one before: serial, and the same */
    text_start(&t);
    fprintf(t.fp, "time,class,event\n");
    for (size_t i = 0; i < 400; i++)
        fprintf(t.fp, "%s %2zu 10:00:%02zu,C,E%zu\n", i < 200 ? "Dec" : "Jan", 1 + i % 28, i % 60, i % 5);
    same_both_ways(text_write(&t, "noyear.csv"), "64");
}

/* Keys the vocabulary holds before keep their ids; new ones follow in order of appearance. */
static void a_shared_vocabulary_keeps_its_ids(void **state)
{
    (void)state;
    const char *path = kernel_trace("vocab.csv", KERNEL_HEADER, 500, "\n", plain_row);
    same_both_ways_known(path, (TraceOptions){0}, "64", "CLASS2/EV5,other,CLASS0/EV0");
    /* an invalid key a vocabulary already holds is taken, as a serial read takes it */
    const char bad[] = KERNEL_HEADER "\n1,0,A,\xff,1,1,p\n";
    Text t;
    text_start(&t);
    fputs(KERNEL_HEADER "\n", t.fp);
    for (size_t i = 0; i < 300; i++)
        fprintf(t.fp, i == 250 ? "%zu,0,A,\xff,1,1,p\n" : "%zu,0,A,B,1,1,p\n", i);
    path = text_write(&t, "known-bad.csv");
    (void)bad;
    Loaded *serial = load_threads(path, (TraceOptions){0}, 1, "64", "A/\xff", NULL);
    assert_true(serial->ok);
    Loaded *parallel = load_threads(path, (TraceOptions){0}, 2, "64", "A/\xff", NULL);
    assert_same_load(serial, parallel);
    loaded_free(serial);
    loaded_free(parallel);
}

/* A bad row in a late chunk: the error of a serial read, naming the same line and column. */
static void errors_in_late_chunks_name_their_line(void **state)
{
    (void)state;
    const char *bad_rows[] = {
        "5000,0,A,B,x,1,p\n",                  /* not an integer */
        "5000,0,A,B,1\n",                      /* too few fields */
        "5000,0,A,B,1,1,p,q\n",                /* too many */
        "5000,0,A,B\"x,1,1,p\n",               /* a stray quote */
        "5000,0,A,B,1,1,\"p\"x\n",             /* text after a closing quote */
        "5000,0,A,B,1,1,\xc3\x28\n",           /* invalid UTF-8 name */
        "5000,0,,,1,1,p\n",                    /* an empty key */
        "5000,zero,A,B,1,1,p\n",               /* cpu */
        "5000,0,A,B,1,1,p\0q\n",               /* a NUL byte */
        "5000,0,A,B,1,1,\"never closed\n",     /* a quote open to the end */
        "abc,0,A,B,1,1,p\n",                   /* a time */
    };
    for (size_t b = 0; b < sizeof bad_rows / sizeof *bad_rows; b++) {
        Text t;
        text_start(&t);
        fputs(KERNEL_HEADER "\n", t.fp);
        for (size_t i = 0; i < 400; i++) {
            if (i == 333)
                fwrite(bad_rows[b], 1, strlen(bad_rows[b]) + (b == 8 ? 3 : 0), t.fp);
            else
                plain_row(t.fp, i, "\n");
        }
        const char *path = text_write(&t, "late-error.csv");
        for (int bytes = 64; bytes <= 1024; bytes *= 4) {
            char chunk[16];
            snprintf(chunk, sizeof chunk, "%d", bytes);
            Loaded *serial = load_threads(path, (TraceOptions){0}, 1, chunk, NULL, NULL);
            Loaded *parallel = load_threads(path, (TraceOptions){0}, 2, chunk, NULL, NULL);
            assert_false(serial->ok);
            assert_contains(serial->err.msg, "335"); /* the header is line 1 */
            assert_same_load(serial, parallel);
            loaded_free(serial);
            loaded_free(parallel);
        }
    }
}

static void progress_rises_to_the_size(void **state)
{
    (void)state;
    const char *path = kernel_trace("progress.csv", KERNEL_HEADER, 2000, "\n", plain_row);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    Progress progress = {0};
    Loaded *l = load_threads(path, (TraceOptions){0}, 2, "256", NULL, &progress);
    assert_true(l->ok);
    assert_true(progress.n > 100);
    assert_false(progress.backwards);
    assert_int_equal(progress.done[(progress.n - 1) % 4096], (uint64_t)st.st_size);
    assert_int_equal(progress.total, (uint64_t)st.st_size);
    loaded_free(l);
}

/* Ctrl-C while chunks are parsed: the load stops, interrupted, and holds nothing. */
static void cancel_stops_the_chunks(void **state)
{
    (void)state;
    const char *path = kernel_trace("cancel.csv", KERNEL_HEADER, 3000, "\n", plain_row);
    CancelFlag cancel;
    atomic_init(&cancel, 0);
    Progress progress = {.cancel_at = 20, .cancel = &cancel};
    TraceOptions opt = {.cancel = &cancel};
    Loaded *l = load_threads(path, opt, 2, "128", NULL, &progress);
    assert_false(l->ok);
    assert_int_equal(l->err.code, ERROR_INTERRUPTED);
    assert_contains(l->err.msg, "interrupted");
    assert_int_equal(l->trace.n_events, 0);
    assert_true(progress.n >= 20);
    loaded_free(l);
}

/* What a user sees: the same output on 1 and 2 threads, the same error and exit status. */
static void the_command_line_reads_the_same(void **state)
{
    (void)state;
    const char *good = kernel_trace("cli-good.csv", KERNEL_HEADER, 900, "\n", quirky_row);
    char *old = env_set("TRACEAID_CHUNK_BYTES", "64");
    RunResult one = run_traceaid_as(-1, "stats", "--threads", "1", good, NULL);
    RunResult two = run_traceaid_as(-1, "stats", "--threads", "2", good, NULL);
    assert_int_equal(one.status, 0);
    assert_int_equal(two.status, 0);
    assert_string_equal(one.out, two.out);
    run_result_free(&one);
    run_result_free(&two);
    Text t;
    text_start(&t);
    fputs(KERNEL_HEADER "\n", t.fp);
    for (size_t i = 0; i < 600; i++)
        fputs(i == 555 ? "1,0,A,B,1,1,\"p\"x\n" : "1,0,A,B,1,1,p\n", t.fp);
    const char *bad = text_write(&t, "cli-bad.csv");
    RunResult failed = run_traceaid_as(-1, "stats", "--threads", "2", bad, NULL);
    assert_int_equal(failed.status, 2);
    assert_contains(failed.err, "cli-bad.csv:557:16: malformed quoting");
    run_result_free(&failed);
    env_restore("TRACEAID_CHUNK_BYTES", old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_traces_load_the_same),
        cmocka_unit_test(structured_logs_load_the_same),
        cmocka_unit_test(quoted_line_ends_across_cuts),
        cmocka_unit_test(bom_and_no_final_newline),
        cmocka_unit_test(plain_lines_split_as_libcsv_does),
        cmocka_unit_test(untimed_and_other_time_formats),
        cmocka_unit_test(a_shared_vocabulary_keeps_its_ids),
        cmocka_unit_test(errors_in_late_chunks_name_their_line),
        cmocka_unit_test(progress_rises_to_the_size),
        cmocka_unit_test(cancel_stops_the_chunks),
        cmocka_unit_test(the_command_line_reads_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
