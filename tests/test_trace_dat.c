/* The trace.dat reader on a trace recorded on this project's machine by
 * scripts/record_trace_dat.sh (tests/fixtures/trace_dat/README.md), which also saved the same
 * events as the kernel's trace file and as `trace-cmd report` prints them: the .dat gives the
 * events, keys and fields of the kernel's text, the events and keys of the report, times in full
 * ns; the same from standard input (read through a temporary copy, removed after); a cut file is
 * an error. */
#include "test_util.h"

#include <sys/wait.h>
#include <dirent.h>

#include "../io/trace_dat.h"
#include "test_load.h"

#define DAT FIXTURES_DIR "/trace_dat/sched.dat"
#define REPORT FIXTURES_DIR "/trace_dat/sched-report.txt"
#define KERNEL_TEXT FIXTURES_DIR "/trace_dat/sched-trace.txt"

static Loaded *must_load(const char *path, const char *key, TraceFormat format)
{
    Loaded *l = load_with(path, (TraceOptions){.key_cols = key});
    if (!l->ok)
        fail_msg("%s: %s", path, l->err.msg);
    assert_int_equal(l->trace.format, format);
    return l;
}

static const char *key_of(Loaded *l, size_t i) { return vocab_name(&l->vocab, l->trace.key_id[i]); }

static void the_reports_events(void **state)
{
    (void)state;
    Loaded *l = must_load(DAT, NULL, TRACE_FORMAT_TRACE_DAT);
    Trace *t = &l->trace;
    /* grep -c ': ' sched-report.txt */
    assert_int_equal(t->n_events, 95);
    assert_true(t->timed);
    /* trace-cmd report -t: first "sh-28565 [000] 2399.679910790: sched_stat_runtime: ..." */
    assert_int_equal(trace_time(t, 0), 2399679910790);
    assert_string_equal(key_of(l, 0), "sched_stat_runtime");
    assert_string_equal(strpool_get(&t->names, trace_name_id(t, 0)), "sh");
    assert_int_equal(trace_pid(t, 0), 28565);
    assert_int_equal(trace_cpu(t, 0), 0);
    size_t switches = 0, exec = 0;
    for (size_t i = 0; i < t->n_events; i++) {
        switches += strcmp(key_of(l, i), "sched_switch") == 0;
        if (strcmp(key_of(l, i), "sched_process_exec") == 0 && exec++ == 0) {
            /* ls-28567 [001] 2399.700948: sched_process_exec: filename=/usr/bin/ls ... */
            const char *event;
            char text[256];
            trace_event_fields(t, i, &event, text, sizeof text);
            assert_string_equal(text, "filename=/usr/bin/ls pid=28567 old_pid=28567");
        }
    }
    assert_int_equal(switches, 27); /* awk '{print $5}' | sort | uniq -c */
    assert_int_equal(exec, 3);
    for (size_t i = 1; i < t->n_events; i++)
        assert_true(trace_time(t, i) >= trace_time(t, i - 1)); /* the CPUs merged in time order */
    loaded_free(l);
}

/* Event for event: the same key, process, pid and cpu, times to the text's microsecond (the
 * kernel and trace-cmd print them rounded); with same_fields, the same field text. */
static void assert_same_events(const char *text_path, const char *key, TraceFormat text_format,
                               bool same_fields)
{
    Loaded *d = must_load(DAT, key, TRACE_FORMAT_TRACE_DAT);
    Loaded *r = must_load(text_path, key, text_format);
    assert_int_equal(d->trace.n_events, r->trace.n_events);
    for (size_t i = 0; i < d->trace.n_events; i++) {
        assert_string_equal(key_of(d, i), key_of(r, i));
        assert_int_equal((trace_time(&d->trace, i) + 500) / 1000, trace_time(&r->trace, i) / 1000);
        assert_int_equal(trace_pid(&d->trace, i), trace_pid(&r->trace, i));
        assert_int_equal(trace_cpu(&d->trace, i), trace_cpu(&r->trace, i));
        assert_string_equal(strpool_get(&d->trace.names, trace_name_id(&d->trace, i)),
                            strpool_get(&r->trace.names, trace_name_id(&r->trace, i)));
        const char *de, *re;
        char dt[512], rt[512];
        trace_event_fields(&d->trace, i, &de, dt, sizeof dt);
        trace_event_fields(&r->trace, i, &re, rt, sizeof rt);
        assert_string_equal(de, re);
        if (same_fields)
            assert_string_equal(dt, rt);
    }
    loaded_free(d);
    loaded_free(r);
}

static void same_as_the_kernels_text(void **state)
{
    (void)state;
    assert_same_events(KERNEL_TEXT, NULL, TRACE_FORMAT_FTRACE, true);
    assert_same_events(KERNEL_TEXT, "event,prev_state,next_comm", TRACE_FORMAT_FTRACE, true);
    Loaded *d = must_load(DAT, "event,prev_state", TRACE_FORMAT_TRACE_DAT);
    size_t runnable = 0;
    for (size_t i = 0; i < d->trace.n_events; i++)
        runnable += strcmp(key_of(d, i), "sched_switch/R") == 0;
    assert_int_equal(runnable, 12); /* grep -c 'prev_state=R ' sched-trace.txt */
    loaded_free(d);
}

/* trace-cmd report prints sched_switch and sched_wakeup its own way (no name=value fields), and
 * prefixes each line with the instance's name: the same events and keys all the same. */
static void same_events_as_its_report(void **state)
{
    (void)state;
    assert_same_events(REPORT, NULL, TRACE_FORMAT_FTRACE, false);
    assert_same_events(REPORT, "event,comm", TRACE_FORMAT_FTRACE, false);
}

static size_t files_in(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Loads path through standard input ("-"), fed by a child from a pipe. */
static Loaded *load_from_stdin(const char *path)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        FILE *fp = fopen(path, "rb");
        char buf[4096];
        size_t n;
        while (fp && (n = fread(buf, 1, sizeof buf, fp)) > 0)
            if (write(fds[1], buf, n) != (ssize_t)n)
                _exit(1);
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(0);
    dup2(fds[0], 0);
    close(fds[0]);
    Loaded *l = load_with("-", (TraceOptions){0});
    dup2(saved, 0);
    close(saved);
    int status;
    waitpid(child, &status, 0);
    return l;
}

static void from_standard_input_through_a_temporary_copy(void **state)
{
    (void)state;
    const char *tmpdir = test_path("tmp");
    assert_int_equal(mkdir(tmpdir, 0700), 0);
    char *saved = env_set("TMPDIR", tmpdir);
    Loaded *l = load_from_stdin(DAT);
    if (!l->ok)
        fail_msg("%s", l->err.msg);
    assert_int_equal(l->trace.n_events, 95);
    assert_int_equal(trace_time(&l->trace, 0), 2399679910790);
    assert_int_equal(files_in(tmpdir), 0); /* the copy is gone */
    loaded_free(l);

    /* a cut trace.dat: an error, and its copy gone too */
    char *whole = slurp(DAT);
    const char *cut = write_bytes("cut.dat", whole, 3000);
    free(whole);
    l = load_from_stdin(cut);
    assert_false(l->ok);
    assert_contains(l->err.msg, "-: libtracecmd cannot read this trace.dat");
    assert_int_equal(files_in(tmpdir), 0);
    loaded_free(l);
    env_restore("TMPDIR", saved);
}

static void sniffed_by_its_magic(void **state)
{
    (void)state;
    assert_int_equal(trace_dat_sniff("\x17\x08\x44tracing7", 11), SNIFF_SURE);
    assert_int_equal(trace_dat_sniff("\x17\x08\x44tracin", 9), SNIFF_NO);
    assert_int_equal(trace_dat_sniff("# tracer: nop\n", 14), SNIFF_NO);
    /* forced on a text file: an error that says so */
    Loaded *l = load_with(REPORT, (TraceOptions){.format = TRACE_FORMAT_TRACE_DAT});
    assert_false(l->ok);
    assert_contains(l->err.msg, "not a trace.dat");
    loaded_free(l);
}

static void stats_on_the_fixture(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", DAT);
    assert_status(r, 0);
    assert_contains(r.out, "sched_stat_runtime");
    assert_contains(r.out, "95");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_reports_events),
        cmocka_unit_test(same_as_the_kernels_text),
        cmocka_unit_test(same_events_as_its_report),
        cmocka_unit_test(from_standard_input_through_a_temporary_copy),
        cmocka_unit_test(sniffed_by_its_magic),
        cmocka_unit_test(stats_on_the_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
