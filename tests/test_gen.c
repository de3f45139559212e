/* The sample-trace generator: format, determinism, consistency of the simulated system,
 * and the ground truth against what the injected processes actually wrote. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../samples/gen.h"

#ifndef SAMPLES_DIR
#define SAMPLES_DIR "samples"
#endif

static const char TRACE_HEADER[] = "timestamp,cpu,class,event,pid,tid,process,detail\n";
static const char TRUTH_HEADER[] = "first_event,last_event,episode\n";

/* ------------------------------------------------------------ generating into memory */

typedef struct Output {
    char *trace, *truth;
    size_t trace_len, truth_len;
} Output;

static Output generate(GenKind kind, uint64_t n, uint64_t seed)
{
    Output out = {0};
    FILE *trace = open_memstream(&out.trace, &out.trace_len);
    FILE *truth = open_memstream(&out.truth, &out.truth_len);
    assert_non_null(trace);
    assert_non_null(truth);
    GenOptions opt = {.kind = kind, .n_events = n, .seed = seed};
    Error err = {0};
    bool ok = gen_write_streams(&opt, trace, truth, &err);
    fclose(trace);
    fclose(truth);
    if (!ok)
        fail_msg("generating %s: %s", gen_kind_name(kind), err.msg);
    return out;
}

static void output_free(Output *out)
{
    free(out->trace);
    free(out->truth);
}

/* ------------------------------------------------------------ reading it back */

typedef struct Row {
    uint64_t ts;
    int cpu, pid, tid;
    char key[48];
    char process[32];
} Row;

typedef struct Run {
    uint64_t first, last;
    int episode;
} Run;

typedef struct Parsed {
    Row *rows;
    size_t n_rows;
    Run *runs;
    size_t n_runs;
} Parsed;

static char *next_line(char **cursor)
{
    char *line = *cursor;
    if (!line || !*line)
        return NULL;
    char *nl = strchr(line, '\n');
    assert_non_null(nl); /* every row ends with a newline */
    *nl = '\0';
    *cursor = nl + 1;
    return line;
}

static void parse_row(char *line, Row *row)
{
    char *field[8];
    int n = 0;
    field[n++] = line;
    for (char *p = line; *p; p++) {
        assert_true(*p != '"');
        if (*p == ',') {
            assert_true(n < 8);
            *p = '\0';
            field[n++] = p + 1;
        }
    }
    assert_int_equal(n, 8);
    row->ts = strtoull(field[0], NULL, 10);
    row->cpu = atoi(field[1]);
    assert_true(field[2][0] && field[3][0]);
    snprintf(row->key, sizeof row->key, "%s/%s", field[2], field[3]);
    row->pid = atoi(field[4]);
    row->tid = atoi(field[5]);
    assert_true(strlen(field[6]) < sizeof row->process);
    strcpy(row->process, field[6]);
}

static Parsed parse(const Output *out)
{
    Parsed p = {0};
    char *text = strdup(out->trace);
    char *cursor = text;
    char *line = next_line(&cursor);
    assert_non_null(line);
    assert_string_equal(line, "timestamp,cpu,class,event,pid,tid,process,detail");
    size_t cap = 1024;
    p.rows = malloc(cap * sizeof *p.rows);
    while ((line = next_line(&cursor))) {
        if (p.n_rows == cap)
            p.rows = realloc(p.rows, (cap *= 2) * sizeof *p.rows);
        parse_row(line, &p.rows[p.n_rows++]);
    }
    free(text);

    text = strdup(out->truth);
    cursor = text;
    line = next_line(&cursor);
    assert_non_null(line);
    assert_string_equal(line, "first_event,last_event,episode");
    cap = 64;
    p.runs = malloc(cap * sizeof *p.runs);
    while ((line = next_line(&cursor))) {
        if (p.n_runs == cap)
            p.runs = realloc(p.runs, (cap *= 2) * sizeof *p.runs);
        Run *r = &p.runs[p.n_runs++];
        assert_int_equal(sscanf(line, "%" SCNu64 ",%" SCNu64 ",%d", &r->first, &r->last,
                                &r->episode), 3);
    }
    free(text);
    return p;
}

static void parsed_free(Parsed *p)
{
    free(p->rows);
    free(p->runs);
}

/* run index holding event i, or -1 (runs are sorted) */
static long run_of(const Parsed *p, uint64_t i)
{
    size_t lo = 0, hi = p->n_runs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->runs[mid].last < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n_runs && p->runs[lo].first <= i ? (long)lo : -1;
}

static bool is_injected(const char *process)
{
    return !strcmp(process, "sh") || !strcmp(process, "ls") || !strcmp(process, "while");
}

static const GenKind ANOMALIES[] = {GEN_FIFO_LS, GEN_FIFO_LS_SPORADIC, GEN_FULL_WHILE,
                                    GEN_HALF_WHILE};
enum { N_ANOMALIES = sizeof ANOMALIES / sizeof ANOMALIES[0] };

/* ------------------------------------------------------------ the tests */

static void kind_names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < GEN_KIND_COUNT; k++) {
        GenKind parsed;
        assert_true(gen_kind_parse(gen_kind_name((GenKind)k), &parsed));
        assert_int_equal(parsed, k);
    }
    GenKind kind;
    assert_true(gen_kind_parse("fifo-ls-sporadic", &kind));
    assert_int_equal(kind, GEN_FIFO_LS_SPORADIC);
    assert_false(gen_kind_parse("fifo", &kind));
    assert_false(gen_kind_parse("", &kind));
    assert_false(gen_kind_parse(NULL, &kind));
}

static void header_and_exact_count(void **state)
{
    (void)state;
    const uint64_t counts[] = {0, 1, 2, 1023, 1024, 1025, 7777};
    for (int k = 0; k < GEN_KIND_COUNT; k++) {
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            Output out = generate((GenKind)k, counts[c], 5);
            assert_memory_equal(out.trace, TRACE_HEADER, strlen(TRACE_HEADER));
            assert_memory_equal(out.truth, TRUTH_HEADER, strlen(TRUTH_HEADER));
            size_t lines = 0;
            for (size_t i = 0; i < out.trace_len; i++)
                lines += out.trace[i] == '\n';
            assert_int_equal(lines, counts[c] + 1);
            assert_int_equal(out.trace[out.trace_len - 1], '\n');
            output_free(&out);
        }
    }
}

static void same_seed_same_bytes(void **state)
{
    (void)state;
    for (int k = 0; k < GEN_KIND_COUNT; k++) {
        Output a = generate((GenKind)k, 30000, 42);
        Output b = generate((GenKind)k, 30000, 42);
        Output c = generate((GenKind)k, 30000, 43);
        assert_int_equal(a.trace_len, b.trace_len);
        assert_memory_equal(a.trace, b.trace, a.trace_len);
        assert_int_equal(a.truth_len, b.truth_len);
        assert_memory_equal(a.truth, b.truth, a.truth_len);
        assert_true(a.trace_len != c.trace_len || memcmp(a.trace, c.trace, a.trace_len) != 0);
        output_free(&a);
        output_free(&b);
        output_free(&c);
    }
}

static void kinds_differ(void **state)
{
    (void)state;
    Output clean = generate(GEN_CLEAN, 20000, 1);
    Output ls = generate(GEN_FIFO_LS, 20000, 1);
    assert_true(clean.trace_len != ls.trace_len ||
                memcmp(clean.trace, ls.trace, clean.trace_len) != 0);
    output_free(&clean);
    output_free(&ls);
}

/* Timestamps never go back; a pid always names one process; a thread always runs on one CPU;
 * interrupts land on CPU 0. */
typedef struct Seen {
    int pid, tid, cpu;
    char process[32];
} Seen;

static Seen *seen_find(Seen *seen, size_t *n, int pid, int tid)
{
    for (size_t i = 0; i < *n; i++)
        if (seen[i].pid == pid && seen[i].tid == tid)
            return &seen[i];
    assert_true(*n < 4096);
    seen[*n] = (Seen){.pid = pid, .tid = tid, .cpu = -1};
    return &seen[(*n)++];
}

static void rows_are_consistent(void **state)
{
    (void)state;
    static Seen procs[4096], threads[4096];
    for (int k = 0; k < GEN_KIND_COUNT; k++) {
        Output out = generate((GenKind)k, 50000, 9);
        Parsed p = parse(&out);
        assert_int_equal(p.n_rows, 50000);
        size_t n_procs = 0, n_threads = 0;
        for (size_t i = 0; i < p.n_rows; i++) {
            const Row *r = &p.rows[i];
            if (i)
                assert_true(r->ts >= p.rows[i - 1].ts);
            assert_true(r->cpu == 0 || r->cpu == 1);
            assert_true(r->pid > 0 && r->tid > 0);
            if (!strncmp(r->key, "INT/", 4))
                assert_int_equal(r->cpu, 0);
            Seen *proc = seen_find(procs, &n_procs, r->pid, 0);
            if (!proc->process[0])
                strcpy(proc->process, r->process);
            assert_string_equal(proc->process, r->process);
            Seen *thread = seen_find(threads, &n_threads, r->pid, r->tid);
            if (thread->cpu < 0)
                thread->cpu = r->cpu;
            assert_int_equal(thread->cpu, r->cpu);
        }
        /* and a process name belongs to one pid, except for the commands run again and again */
        for (size_t i = 0; i < n_procs; i++)
            for (size_t j = i + 1; j < n_procs; j++)
                if (!strcmp(procs[i].process, procs[j].process))
                    assert_true(!strcmp(procs[i].process, "ls") ||
                                !strcmp(procs[i].process, "while"));
        parsed_free(&p);
        output_free(&out);
    }
}

/* Most of a clean trace is the control loop: a timer pulse to fcs and its reads and writes. */
static void clean_trace_is_the_control_loop(void **state)
{
    (void)state;
    Output out = generate(GEN_CLEAN, 50000, 3);
    Parsed p = parse(&out);
    size_t ticks = 0, sends = 0, imu_irqs = 0;
    bool seen_buffer = false, seen_time = false;
    for (size_t i = 0; i < p.n_rows; i++) {
        const Row *r = &p.rows[i];
        ticks += !strcmp(r->key, "COMM/REC_PULSE") && !strcmp(r->process, "fcs");
        sends += !strcmp(r->key, "KER_CALL/MSG_SENDV") && !strcmp(r->process, "fcs");
        imu_irqs += !strcmp(r->key, "KER_EXIT/INTERRUPT_WAIT");
        seen_buffer |= !strcmp(r->key, "CONTROL/BUFFER");
        seen_time |= !strcmp(r->key, "CONTROL/TIME");
    }
    assert_true(seen_buffer && seen_time);
    /* 40 to 80 events a 2.5 ms cycle */
    assert_true(ticks > 50000 / 80 && ticks < 50000 / 40);
    assert_true(sends >= 2 * ticks);
    assert_true(imu_irqs > ticks / 2);
    parsed_free(&p);
    output_free(&out);
}

/* ------------------------------------------------------------ meanings */

typedef struct KeySet {
    char (*keys)[48];
    size_t count;
} KeySet;

static bool keyset_has(const KeySet *set, const char *key)
{
    for (size_t i = 0; i < set->count; i++)
        if (!strcmp(set->keys[i], key))
            return true;
    return false;
}

static KeySet load_meanings(void)
{
    const char *path = SAMPLES_DIR "/qnx-meanings.txt";
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("cannot open %s", path);
    KeySet set = {.keys = calloc(256, sizeof *set.keys)};
    char line[512];
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        assert_true(tab[1] != '\n' && tab[1] != '\0'); /* a meaning follows */
        *tab = '\0';
        assert_false(keyset_has(&set, line));
        assert_true(set.count < 256 && strlen(line) < 48);
        strcpy(set.keys[set.count++], line);
    }
    fclose(fp);
    return set;
}

static void every_key_has_a_meaning(void **state)
{
    (void)state;
    KeySet meanings = load_meanings();
    KeySet emitted = {.keys = calloc(256, sizeof *emitted.keys)};
    for (int k = 0; k < GEN_KIND_COUNT; k++) {
        for (uint64_t seed = 1; seed <= 2; seed++) {
            Output out = generate((GenKind)k, 120000, seed);
            Parsed p = parse(&out);
            for (size_t i = 0; i < p.n_rows; i++) {
                if (keyset_has(&emitted, p.rows[i].key))
                    continue;
                if (!keyset_has(&meanings, p.rows[i].key))
                    fail_msg("%s emits %s, which has no meaning", gen_kind_name((GenKind)k),
                             p.rows[i].key);
                strcpy(emitted.keys[emitted.count++], p.rows[i].key);
            }
            parsed_free(&p);
            output_free(&out);
        }
    }
    /* the meanings file lists nothing the generator never writes */
    for (size_t i = 0; i < meanings.count; i++)
        if (!keyset_has(&emitted, meanings.keys[i]))
            fail_msg("%s is in the meanings file but never generated", meanings.keys[i]);
    free(meanings.keys);
    free(emitted.keys);
}

/* ------------------------------------------------------------ ground truth */

static void truth_runs_well_formed(const Parsed *p, uint64_t n)
{
    for (size_t i = 0; i < p->n_runs; i++) {
        const Run *r = &p->runs[i];
        assert_true(r->first <= r->last);
        assert_true(r->last < n);
        assert_true(r->episode >= 1);
        if (i) {
            const Run *prev = &p->runs[i - 1];
            assert_true(prev->last < r->first);
            assert_true(prev->episode <= r->episode);
            /* maximal: a run touching the previous one would have been merged with it */
            assert_true(prev->last + 1 < r->first || prev->episode != r->episode);
        }
    }
}

static void clean_has_empty_truth(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        Output out = generate(GEN_CLEAN, 60000, seed);
        assert_string_equal(out.truth, TRUTH_HEADER);
        Parsed p = parse(&out);
        for (size_t i = 0; i < p.n_rows; i++) {
            assert_false(is_injected(p.rows[i].process));
            assert_string_not_equal(p.rows[i].key, "PROCESS/PROCCREATE_NAME");
            assert_string_not_equal(p.rows[i].key, "COMM/MSG_ERROR");
        }
        parsed_free(&p);
        output_free(&out);
    }
}

/* The keys an anomaly brings with it, and the processes it injects, appear only in truth runs
 * and only after the clean start; the truth says how many episodes there were. */
static void check_anomaly(GenKind kind, uint64_t n, uint64_t seed)
{
    Output out = generate(kind, n, seed);
    Parsed p = parse(&out);
    truth_runs_well_formed(&p, n);
    assert_true(p.n_runs > 0);
    assert_true(p.runs[0].first >= n / 5);
    int episodes = p.runs[p.n_runs - 1].episode;
    assert_true(episodes >= 3 && episodes <= 6);

    const char *injected = kind == GEN_FIFO_LS || kind == GEN_FIFO_LS_SPORADIC ? "ls" : "while";
    size_t injected_rows = 0, creates = 0, errors = 0, marked = 0;
    for (size_t i = 0; i < p.n_rows; i++) {
        const Row *r = &p.rows[i];
        bool in_truth = run_of(&p, i) >= 0;
        marked += in_truth;
        if (is_injected(r->process)) {
            if (!in_truth)
                fail_msg("%s: event %zu of %s outside the truth", gen_kind_name(kind), i,
                         r->process);
            injected_rows += !strcmp(r->process, injected);
        }
        if (!strcmp(r->key, "PROCESS/PROCCREATE_NAME") || !strcmp(r->key, "COMM/MSG_ERROR") ||
            !strcmp(r->key, "PROCESS/PROCDESTROY") || !strcmp(r->key, "THREAD/THCREATE")) {
            if (!in_truth)
                fail_msg("%s: %s at %zu outside the truth", gen_kind_name(kind), r->key, i);
            creates += !strcmp(r->key, "PROCESS/PROCCREATE_NAME");
            errors += !strcmp(r->key, "COMM/MSG_ERROR");
        }
    }
    assert_true(injected_rows > 0);
    assert_true(creates >= (size_t)episodes);
    if (!strcmp(injected, "ls"))
        assert_true(errors > 0); /* failed lookups answered with MsgError */
    else
        assert_int_equal(creates, episodes); /* one busy loop an episode */
    /* every episode appears in the truth, in order */
    for (int e = 1; e <= episodes; e++) {
        bool found = false;
        for (size_t i = 0; i < p.n_runs && !found; i++)
            found = p.runs[i].episode == e;
        assert_true(found);
    }
    assert_true(marked > n / 100 && marked < n / 2);
    parsed_free(&p);
    output_free(&out);
}

static void anomalies_stay_inside_truth(void **state)
{
    (void)state;
    for (int k = 0; k < N_ANOMALIES; k++)
        for (uint64_t seed = 1; seed <= 3; seed++)
            check_anomaly(ANOMALIES[k], 50000, seed);
}

/* the normal threads the busy loop keeps off the CPU show it: fcs takes its tick late, finds
 * the next one already queued and drops one */
static void busy_loop_delays_the_control_loop(void **state)
{
    (void)state;
    Output clean = generate(GEN_CLEAN, 50000, 1);
    Output busy = generate(GEN_FULL_WHILE, 50000, 1);
    Parsed pc = parse(&clean), pb = parse(&busy);
    size_t counts[2] = {0, 0};
    Parsed *both[2] = {&pc, &pb};
    for (int t = 0; t < 2; t++) {
        /* a tick taken without the control thread ever blocking in MsgReceive */
        bool blocked = false;
        for (size_t i = 0; i < both[t]->n_rows; i++) {
            const Row *r = &both[t]->rows[i];
            if (strcmp(r->process, "fcs") || r->tid != 2)
                continue;
            if (!strcmp(r->key, "THREAD/THRECEIVE"))
                blocked = true;
            else if (!strcmp(r->key, "COMM/REC_PULSE")) {
                counts[t] += !blocked;
                blocked = false;
            }
        }
    }
    assert_true(counts[0] < 5);
    assert_true(counts[1] > 100);
    parsed_free(&pc);
    parsed_free(&pb);
    output_free(&clean);
    output_free(&busy);
}

/* ------------------------------------------------------------ cancelling and progress */

typedef struct Progress {
    uint64_t calls, last_done;
    CancelFlag *cancel_at_call;
    uint64_t cancel_after;
} Progress;

static void on_progress(uint64_t done, uint64_t n, void *ctx)
{
    Progress *pr = ctx;
    assert_true(done > pr->last_done);
    assert_true(done <= n);
    pr->last_done = done;
    if (++pr->calls == pr->cancel_after && pr->cancel_at_call)
        *pr->cancel_at_call = 1;
}

static void progress_is_reported(void **state)
{
    (void)state;
    Progress pr = {0};
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    GenOptions opt = {.kind = GEN_FIFO_LS, .n_events = 300000, .seed = 1,
                      .progress = on_progress, .progress_ctx = &pr};
    Error err = {0};
    assert_true(gen_write_streams(&opt, sink, NULL, &err));
    fclose(sink);
    assert_int_equal(pr.calls, 300000 / 65536);
}

static void cancel_stops_with_an_error(void **state)
{
    (void)state;
    CancelFlag cancel = 1;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    GenOptions opt = {.kind = GEN_CLEAN, .n_events = 1000, .seed = 1, .cancel = &cancel};
    Error err = {0};
    assert_false(gen_write_streams(&opt, sink, NULL, &err));
    assert_string_equal(err.msg, "interrupted");

    /* and mid-way, from the progress callback, long before the end */
    cancel = 0;
    Progress pr = {.cancel_at_call = &cancel, .cancel_after = 2};
    char *buf = NULL;
    size_t len = 0;
    FILE *trace = open_memstream(&buf, &len);
    opt = (GenOptions){.kind = GEN_FULL_WHILE, .n_events = 5000000, .seed = 1, .cancel = &cancel,
                       .progress = on_progress, .progress_ctx = &pr};
    error_clear(&err);
    assert_false(gen_write_streams(&opt, trace, NULL, &err));
    assert_string_equal(err.msg, "interrupted");
    fclose(trace);
    assert_true(len < 400 * 65536);
    free(buf);
    fclose(sink);
}

/* ------------------------------------------------------------ files */

static char tmp_dir[] = "/tmp/traceaid-gen-XXXXXX";

static const char *tmp_path(const char *name)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 512, "%s/%s", tmp_dir, name);
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 65536 > cap)
            buf = realloc(buf, cap = cap * 2 + 65536);
        size_t got = fread(buf + *len, 1, cap - *len, fp);
        *len += got;
        if (!got)
            break;
    }
    fclose(fp);
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void files_match_streams(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(tmp_dir));
    const char *trace = tmp_path("t.csv"), *truth = tmp_path("t.truth.csv");
    GenOptions opt = {.kind = GEN_HALF_WHILE, .n_events = 40000, .seed = 11};
    Error err = {0};
    assert_true(gen_write(&opt, trace, truth, &err));
    Output mem = generate(GEN_HALF_WHILE, 40000, 11);
    size_t len;
    char *data = slurp(trace, &len);
    assert_int_equal(len, mem.trace_len);
    assert_memory_equal(data, mem.trace, len);
    free(data);
    data = slurp(truth, &len);
    assert_int_equal(len, mem.truth_len);
    assert_memory_equal(data, mem.truth, len);
    free(data);
    output_free(&mem);

    /* without a truth path only the trace is written */
    const char *alone = tmp_path("alone.csv");
    assert_true(gen_write(&opt, alone, NULL, &err));
    assert_true(exists(alone));
    unlink(alone);
    unlink(trace);
    unlink(truth);
}

static void failures_leave_nothing_behind(void **state)
{
    (void)state;
    const char *trace = tmp_path("x.csv");
    const char *missing = "/nonexistent-dir-for-traceaid/x.truth.csv";
    GenOptions opt = {.kind = GEN_FIFO_LS, .n_events = 5000, .seed = 1};
    Error err = {0};
    assert_false(gen_write(&opt, trace, missing, &err));
    assert_non_null(strstr(err.msg, missing));
    assert_false(exists(trace));

    error_clear(&err);
    assert_false(gen_write(&opt, "/nonexistent-dir-for-traceaid/x.csv", NULL, &err));
    assert_non_null(strstr(err.msg, "/nonexistent-dir-for-traceaid/x.csv"));

    error_clear(&err);
    assert_false(gen_write(&opt, trace, trace, &err));
    assert_false(exists(trace));

    /* cancelled before the end: no file at all, not a short one */
    CancelFlag cancel = 1;
    opt.cancel = &cancel;
    error_clear(&err);
    assert_false(gen_write(&opt, trace, tmp_path("x.truth.csv"), &err));
    assert_false(exists(trace));
    assert_false(exists(tmp_path("x.truth.csv")));
    rmdir(tmp_dir);
}

static void write_errors_are_reported(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    GenOptions opt = {.kind = GEN_CLEAN, .n_events = 200000, .seed = 1};
    Error err = {0};
    assert_false(gen_write_streams(&opt, full, NULL, &err));
    assert_non_null(strstr(err.msg, "write failed"));
    fclose(full);

    error_clear(&err);
    opt.kind = (GenKind)GEN_KIND_COUNT;
    FILE *sink = fopen("/dev/null", "w");
    assert_false(gen_write_streams(&opt, sink, NULL, &err));
    assert_true(err.failed);
    fclose(sink);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kind_names_round_trip),
        cmocka_unit_test(header_and_exact_count),
        cmocka_unit_test(same_seed_same_bytes),
        cmocka_unit_test(kinds_differ),
        cmocka_unit_test(rows_are_consistent),
        cmocka_unit_test(clean_trace_is_the_control_loop),
        cmocka_unit_test(every_key_has_a_meaning),
        cmocka_unit_test(clean_has_empty_truth),
        cmocka_unit_test(anomalies_stay_inside_truth),
        cmocka_unit_test(busy_loop_delays_the_control_loop),
        cmocka_unit_test(progress_is_reported),
        cmocka_unit_test(cancel_stops_with_an_error),
        cmocka_unit_test(files_match_streams),
        cmocka_unit_test(failures_leave_nothing_behind),
        cmocka_unit_test(write_errors_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
