/* The perf reader: perf script text as perf prints it, perf.data through `perf script`, on real
 * recordings (tests/fixtures/perf, see its README) and public perf script texts
 * (tests/fixtures/perf-script, see its README).
 *
 * The recordings are zstd-compressed and read as they are (the input stream decompresses them;
 * a compressed perf.data goes to perf through a temporary copy); the tests that need perf.data
 * as perf reads it in place decompress one first, through the input stream too. */
#include "test_util.h"

#include <dirent.h>

#include "../io/perf_script.h"
#include "test_load.h"

#define PERF_FIXTURES FIXTURES_DIR "/perf"
#define SCRIPT_FIXTURES FIXTURES_DIR "/perf-script"

/* tests/fixtures/perf/NAME.zst, as it is. */
static const char *zst(const char *name)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 512, "%s/%s.zst", PERF_FIXTURES, name);
    return p;
}

/* tests/fixtures/perf/NAME.zst decompressed into the test's folder (once). */
static const char *unzstd(const char *name)
{
    const char *out = test_path(name);
    if (access(out, R_OK) == 0)
        return out;
    InputStream in;
    Error err = {0};
    if (!input_open(&in, zst(name), NULL, &err))
        fail_msg("%s", err.msg);
    FILE *fp = fopen(out, "wb");
    assert_non_null(fp);
    char buf[65536];
    ssize_t n;
    while ((n = input_read(&in, buf, sizeof buf)) > 0)
        assert_int_equal(fwrite(buf, 1, (size_t)n, fp), (size_t)n);
    assert_int_equal(n, 0);
    fclose(fp);
    input_close(&in);
    return out;
}

static Loaded *must_load(const char *path, TraceOptions opt)
{
    Loaded *l = load_with(path, opt);
    if (!l->ok)
        fail_msg("%s", l->err.msg);
    assert_int_equal(l->trace.format, TRACE_FORMAT_PERF);
    assert_true(l->trace.timed);
    return l;
}

static const char *key_of(const Loaded *l, size_t i)
{
    return vocab_name(&l->vocab, l->trace.key_id[i]);
}

static const char *fields_of(const Loaded *l, size_t i, const char **event)
{
    static char text[8192];
    trace_event_fields(&l->trace, i, event, text, sizeof text);
    return text;
}

static size_t count_key(const Loaded *l, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < l->trace.n_events; i++)
        n += strcmp(key_of(l, i), key) == 0;
    return n;
}

/* ---- the recorded sched trace ------------------------------------------------------------ */

static void sched_text_events_and_fields(void **state)
{
    (void)state;
    Loaded *l = must_load(zst("sched-small.perf-script.txt"), (TraceOptions){0});
    const Trace *t = &l->trace;
    /* the README's count: lines neither blank nor a frame (there are no frames here): wc -l */
    assert_int_equal(t->n_events, 3680);
    /* head -1 / tail -1 */
    assert_int_equal(trace_time(t, 0), 282052529000);
    assert_int_equal(trace_time(t, t->n_events - 1), 283070559000);
    assert_string_equal(key_of(l, 0), "sched:sched_stat_runtime");
    assert_string_equal(strpool_get(&t->names, trace_name_id(t, 0)), "perf");
    assert_int_equal(trace_tid(t, 0), 5387);
    assert_int_equal(trace_pid(t, 0), TRACE_NO_ID); /* perf script prints the tid alone by default */
    assert_int_equal(trace_cpu(t, 0), 0);
    /* line 5, the first sched_switch */
    const char *event;
    assert_string_equal(fields_of(l, 4, &event),
                        "prev_comm=perf prev_pid=5387 prev_prio=120 prev_state=D ==> "
                        "next_comm=migration/0 next_pid=18 next_prio=0");
    assert_string_equal(event, "sched:sched_switch");
    assert_string_equal(fields_of(l, 22, &event), "vec=9 [action=RCU]"); /* line 23 */
    assert_string_equal(event, "irq:softirq_raise");
    /* grep -c 'sched:sched_switch:'; grep -c 'sched:sched_switch: .*prev_state=D ' and =S */
    assert_int_equal(count_key(l, "sched:sched_switch"), 599);
    loaded_free(l);
    l = must_load(zst("sched-small.perf-script.txt"), (TraceOptions){.key_cols = "event,prev_state"});
    assert_int_equal(count_key(l, "sched:sched_switch/D"), 10);
    assert_int_equal(count_key(l, "sched:sched_switch/S"), 237);
    assert_int_equal(count_key(l, "irq:softirq_raise"), 219); /* no prev_state: its name alone */
    loaded_free(l);
}

static bool have_perf(void)
{
    return system("perf --version >/dev/null 2>&1") == 0;
}

/* The same events as the text perf script printed from the same file: its times to the
 * microsecond (the text has 6 decimals, the reader asks perf for 9), keys, cpus, threads, names
 * and fields. */
static void assert_same_events(const Loaded *data, const Loaded *text)
{
    const Trace *d = &data->trace, *s = &text->trace;
    assert_int_equal(d->n_events, s->n_events);
    for (size_t i = 0; i < d->n_events; i++) {
        assert_int_equal(trace_time(d, i) / 1000, trace_time(s, i) / 1000);
        assert_string_equal(key_of(data, i), key_of(text, i));
        assert_int_equal(trace_cpu(d, i), trace_cpu(s, i));
        assert_int_equal(trace_tid(d, i), trace_tid(s, i));
        assert_string_equal(strpool_get(&d->names, trace_name_id(d, i)), strpool_get(&s->names, trace_name_id(s, i)));
        char a[8192];
        const char *ea, *eb;
        trace_event_fields(d, i, &ea, a, sizeof a);
        assert_string_equal(a, fields_of(text, i, &eb));
        assert_string_equal(ea, eb);
    }
}

static void perf_data_gives_its_text(void **state)
{
    (void)state;
    if (!have_perf()) /* scripts/deps.sh installs it: its absence is a broken setup, not a pass */
        fail_msg("perf is not installed (Debian: apt-get install linux-perf)");
    const char *names[][2] = {
        {"sched-small.perf.data", "sched-small.perf-script.txt"},
        {"sampled-small.perf.data", "sampled-small.perf-script.txt"},
    };
    for (size_t k = 0; k < 2; k++) {
        Loaded *data = must_load(unzstd(names[k][0]), (TraceOptions){0}); /* in place */
        Loaded *text = must_load(zst(names[k][1]), (TraceOptions){0});
        assert_same_events(data, text);
        loaded_free(data);
        data = must_load(zst(names[k][0]), (TraceOptions){0}); /* through a temporary copy */
        assert_same_events(data, text);
        assert_int_equal(trace_pid(&data->trace, 0), trace_tid(&data->trace, 0)); /* -F pid,tid: both known */
        loaded_free(data);
        loaded_free(text);
    }
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

/* A child writing the file at path to fd, then exiting. */
static pid_t feed(int fd, const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open(path, O_RDONLY);
        char buf[65536];
        ssize_t n;
        while (in >= 0 && (n = read(in, buf, sizeof buf)) > 0)
            if (write(fd, buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    return pid;
}

static Loaded *load_through_pipe(const char *file, bool as_stdin, TraceOptions opt)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t writer = feed(fds[1], file);
    close(fds[1]);
    Loaded *l;
    if (as_stdin) {
        int saved = dup(STDIN_FILENO);
        assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
        l = load_with("-", opt);
        assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
        close(saved);
    } else {
        char path[32];
        snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
        l = load_with(path, opt);
    }
    close(fds[0]);
    kill(writer, SIGKILL); /* a cancelled load stops reading before the end */
    waitpid(writer, NULL, 0);
    return l;
}

static void cancel_now(uint64_t done, uint64_t total, void *ctx)
{
    (void)done;
    (void)total;
    *(CancelFlag *)ctx = 1;
}

/* perf cannot read a perf.data from a pipe: the reader copies it to $TMPDIR and removes it. */
static void perf_data_through_stdin_and_a_pipe(void **state)
{
    (void)state;
    if (!have_perf()) /* scripts/deps.sh installs it: its absence is a broken setup, not a pass */
        fail_msg("perf is not installed (Debian: apt-get install linux-perf)");
    const char *file = unzstd("sched-small.perf.data");
    const char *tmp = test_path("tmp");
    mkdir(tmp, 0700);
    char *old_tmp = env_set("TMPDIR", tmp);
    Loaded *from_file = must_load(file, (TraceOptions){0});
    for (int as_stdin = 0; as_stdin < 2; as_stdin++) {
        Loaded *l = load_through_pipe(file, as_stdin, (TraceOptions){0});
        if (!l->ok)
            fail_msg("%s", l->err.msg);
        assert_same_events(l, from_file);
        assert_int_equal(files_in(tmp), 0);
        loaded_free(l);
    }
    /* Ctrl-C: interrupted, the copy removed */
    CancelFlag cancel = 1;
    Loaded *l = load_through_pipe(file, true, (TraceOptions){.cancel = &cancel});
    assert_false(l->ok);
    assert_int_equal(l->err.code, ERROR_INTERRUPTED);
    assert_int_equal(files_in(tmp), 0);
    loaded_free(l);
    /* Ctrl-C while perf runs (set at the first progress report): perf killed and reaped */
    cancel = 0;
    l = load_with(file, (TraceOptions){.cancel = &cancel, .progress = cancel_now, .progress_ctx = &cancel});
    assert_false(l->ok);
    assert_int_equal(l->err.code, ERROR_INTERRUPTED);
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* no child left, not even a zombie */
    loaded_free(l);
    loaded_free(from_file);
    env_restore("TMPDIR", old_tmp);
}

static void perf_data_errors(void **state)
{
    (void)state;
    const char *bad = write_text("bad.perf.data", "PERFILE2 and then nothing a perf.data has\n");
    /* no perf on the PATH */
    char *old_path = strdup(getenv("PATH"));
    setenv("PATH", test_path("no-such-dir"), 1);
    Loaded *l = load_with(bad, (TraceOptions){0});
    setenv("PATH", old_path, 1);
    free(old_path);
    assert_false(l->ok);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: a perf.data file needs 'perf' to read it (Debian: apt-get install linux-perf), "
             "or give the text of 'perf script'", bad);
    assert_string_equal(l->err.msg, want);
    loaded_free(l);
    if (!have_perf()) /* scripts/deps.sh installs it: its absence is a broken setup, not a pass */
        fail_msg("perf is not installed (Debian: apt-get install linux-perf)");
    /* perf refuses it: its last line of standard error says why */
    l = load_with(bad, (TraceOptions){0});
    assert_false(l->ok);
    assert_contains(l->err.msg, "bad.perf.data: perf script failed (exit status 255): ");
    assert_contains(l->err.msg, "incompatible file format");
    loaded_free(l);
}

/* ---- sampled events ---------------------------------------------------------------------- */

static void sampled_call_chains_folded_root_first(void **state)
{
    (void)state;
    Loaded *l = must_load(zst("sampled-small.perf-script.txt"), (TraceOptions){0});
    const Trace *t = &l->trace;
    assert_int_equal(t->n_events, 1611); /* grep -cv '^<tab>\|^$' */
    assert_int_equal(trace_time(t, 0), 290796964000);
    assert_int_equal(trace_time(t, t->n_events - 1), 291816981000);
    assert_int_equal(count_key(l, "cpu-clock"), 1611);
    const char *event;
    /* the first sample's 12 frames, innermost first in the file */
    assert_string_equal(fields_of(l, 0, &event),
                        "period=1001001 ip=0xffffffff815fc56d sym=unmap_page_range dso=[kernel.kallsyms] "
                        "stack=__GI___execve;entry_SYSCALL_64_after_hwframe;do_syscall_64;__x64_sys_execve;"
                        "do_execveat_common.isra.0;bprm_execve;load_elf_binary;begin_new_exec;__mmput;"
                        "exit_mmap;unmap_vmas;unmap_page_range");
    assert_string_equal(event, "cpu-clock");
    /* the third: unknown frames */
    assert_string_equal(fields_of(l, 2, &event),
                        "period=1001001 ip=0x23258 sym=strcmp dso=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "
                        "stack=[unknown];[unknown];_dl_map_object;strcmp");
    loaded_free(l);
    l = must_load(zst("sampled-small.perf-script.txt"), (TraceOptions){.key_cols = "comm,sym"});
    assert_string_equal(key_of(l, 0), "perf-exec/unmap_page_range");
    loaded_free(l);
}

/* ---- public perf script texts ------------------------------------------------------------ */

static void public_texts(void **state)
{
    (void)state;
    /* events counted with grep -cE '^[^#<tab>].* [0-9]+\.[0-9]+: ' */
    static const struct {
        const char *file, *first_key;
        size_t events;
        uint16_t cpu;
        int32_t pid, tid;
    } cases[] = {
        {"perf-cycles-instructions-01.txt", "instructions", 444, 1, TRACE_NO_ID, 21796},
        {"perf-dd-stacks-01.txt", "cpu-clock", 11, TRACE_NO_CPU, TRACE_NO_ID, 29776},
        {"perf-java-faults-01.txt", "page-faults", 23, 11, TRACE_NO_ID, 47118},
        {"perf-mirageos-stacks-01.txt", "cpu-clock", 53, 0, TRACE_NO_ID, 23166},
        {"speedscope-simple-with-pid.txt", "cpu-clock", 137, TRACE_NO_CPU, 9, 9},
        {"speedscope-system-wide.txt", "cpu-clock", 556, 0, TRACE_NO_ID, 9},
        {"inferno-empty-line.txt", "cpu-clock:uhH", 2, TRACE_NO_CPU, TRACE_NO_ID, 26037},
        {"inferno-go-stacks.txt", "cpu-clock:uhH", 5, TRACE_NO_CPU, TRACE_NO_ID, 6157},
        {"inferno-java-inline.txt", "cpu-clock", 22, TRACE_NO_CPU, TRACE_NO_ID, 10488},
        {"inferno-versioned-vmlinux.txt", "cycles", 1, 12, TRACE_NO_ID, 0},
        {"inferno-weird-stack-line.txt", "cpu-clock:uhH", 2, TRACE_NO_CPU, TRACE_NO_ID, 26037},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", SCRIPT_FIXTURES, cases[k].file);
        Loaded *l = must_load(path, (TraceOptions){0});
        if (l->trace.n_events != cases[k].events)
            fail_msg("%s: %zu events, expected %zu", cases[k].file, l->trace.n_events, cases[k].events);
        assert_string_equal(key_of(l, 0), cases[k].first_key);
        assert_int_equal(trace_cpu(&l->trace, 0), cases[k].cpu);
        assert_int_equal(trace_pid(&l->trace, 0), cases[k].pid);
        assert_int_equal(trace_tid(&l->trace, 0), cases[k].tid);
        loaded_free(l);
    }
    const char *event;
    /* a blank line between an event and its frame: the frame is still its */
    Loaded *l = must_load(SCRIPT_FIXTURES "/inferno-empty-line.txt", (TraceOptions){0});
    assert_string_equal(fields_of(l, 1, &event),
                        "period=250000 ip=0x401b94 sym=main dso=./tests/data/inline-counter/inline-counter "
                        "stack=main");
    loaded_free(l);
    /* a frame of no known shape is all symbol */
    l = must_load(SCRIPT_FIXTURES "/inferno-weird-stack-line.txt", (TraceOptions){0});
    assert_string_equal(fields_of(l, 1, &event), "period=250000 sym=THIS_IS_A_WEIRD_LINE dso= stack=THIS_IS_A_WEIRD_LINE");
    loaded_free(l);
}

/* ---- lines of other shapes --------------------------------------------------------------- */

static void one_line_events(void **state)
{
    (void)state;
    const char *path = write_text("one-line.txt",
        "# a comment\n"
        "  Web Content  9/12 [003] 10.000000001:       sched:sched_wakeup: comm=a b pid=5 prio=120\n"
        "         swapper     0 [000]   123.456000:     250000 cpu-clock:  ffffffff81 native_safe_halt+0x6 ([kernel.kallsyms])\n"
        "           :-1    -1 [001]   124.000000: raw_syscalls:sys_enter: NR 7 (7ffd, 1)\n");
    Loaded *l = must_load(path, (TraceOptions){0});
    const Trace *t = &l->trace;
    assert_int_equal(t->n_events, 3);
    assert_string_equal(strpool_get(&t->names, trace_name_id(t, 0)), "Web Content");
    assert_int_equal(trace_pid(t, 0), 9);
    assert_int_equal(trace_tid(t, 0), 12);
    assert_int_equal(trace_cpu(t, 0), 3);
    assert_int_equal(trace_time(t, 0), 10000000001);
    const char *event;
    assert_string_equal(fields_of(l, 0, &event), "comm=a b pid=5 prio=120");
    assert_string_equal(fields_of(l, 1, &event),
                        "period=250000 ip=0xffffffff81 sym=native_safe_halt dso=[kernel.kallsyms]");
    assert_string_equal(fields_of(l, 2, &event), "NR 7 (7ffd, 1)");
    assert_int_equal(trace_tid(t, 2), TRACE_NO_ID);
    loaded_free(l);
}

static void bad_lines_name_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"perf 12 [000] 1.5: sched:x: a=1\nthis is not an event\n",
         "bad.txt:2:1: expected an event line: COMM PID [CPU] SECONDS: EVENT: (got 'this is not an event')"},
        {"perf 12 [000] 1.5: 100 cycles\n",
         "bad.txt:1:24: expected an event name ending with ':' (got 'cycles')"},
        {"\tffffffff81 sym+0x1 ([kernel.kallsyms])\n",
         "bad.txt:1:1: expected an event line before a call chain (got '\\x09ffffffff81 sym+0x1 ([kernel.kallsyms])')"},
        {"perf 12 1.1234567890: sched:x:\n",
         "bad.txt:1:9: expected a time in seconds with at most 9 decimals (got '1.1234567890: sched:x:')"},
        {"perf 12 1.5:\n", "bad.txt:1:13: expected an event name after the time (got '')"},
        {"p\xff 12 1.5: ev:\n", "bad.txt:1:1: expected a process name in UTF-8 (got 'p\\xFF 12 1.5: ev:')"},
        {"# only a comment\n\n", "bad.txt: no events: no perf script event lines"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *path = write_text("bad.txt", cases[k].text);
        Loaded *l = load_with(path, (TraceOptions){.format = TRACE_FORMAT_PERF});
        assert_false(l->ok);
        const char *msg = strstr(l->err.msg, "bad.txt");
        assert_non_null(msg);
        assert_string_equal(msg, cases[k].message);
        loaded_free(l);
    }
}

/* ---- sniffing ---------------------------------------------------------------------------- */

static SniffScore sniff(const char *s) { return perf_sniff(s, strlen(s)); }

static void sniffer_knows_perf_and_not_others(void **state)
{
    (void)state;
    assert_int_equal(sniff("PERFILE2\x68\0\0\0"), SNIFF_SURE);
    assert_int_equal(sniff("            perf  4411 [001] 12345.678901:       sched:sched_switch: prev_comm=perf\n"),
                     SNIFF_LIKELY);
    assert_int_equal(sniff("dd 29776 666709.771979:   10101010 cpu-clock: \n\t  414b3b fsnotify (x)\n"), SNIFF_LIKELY);
    assert_int_equal(sniff("# ========\n# captured on: Thu Aug 17 14:14:43 2017\n# hostname : h\n"), SNIFF_LIKELY);
    /* ftrace: comm-pid joined, irq flags; trace-cmd report without flags */
    assert_int_equal(sniff("# tracer: nop\n#\n          <idle>-0     [001] d..1  1234.567890: sched_switch: prev_comm=swapper\n"), SNIFF_NO);
    assert_int_equal(sniff("            bash-1234  [001] 1234.567890: sched_switch: prev_comm=bash\n"), SNIFF_NO);
    assert_int_equal(sniff("cpus=2\n   trace-cmd-5530  [000]  1234.567890: sched_wakeup: comm=a\n"), SNIFF_NO);
    assert_int_equal(sniff("timestamp,cpu,class,event,pid,tid,process\n1250000,0,INT,INT_ENTR,1,1,procnto\n"), SNIFF_NO);
    assert_int_equal(sniff("5 5 5 22 11 9\n26 26 23\n"), SNIFF_NO);
    assert_int_equal(sniff(""), SNIFF_NO);
    assert_int_equal(sniff("\tffffffff81 sym ([kernel.kallsyms])\n"), SNIFF_NO);
    char path[512];
    snprintf(path, sizeof path, "%s/perf-java-faults-01.txt", SCRIPT_FIXTURES);
    char *text = slurp(path);
    size_t len = strlen(text);
    assert_ptr_equal(trace_reader_sniff(text, len < INPUT_PREFIX_SIZE ? len : INPUT_PREFIX_SIZE),
                     trace_reader_for(TRACE_FORMAT_PERF));
    free(text);
}

/* ---- the binary -------------------------------------------------------------------------- */

static void the_binary_reads_both(void **state)
{
    (void)state;
    RunResult r = run_traceaid("stats", "--csv", zst("sched-small.perf-script.txt"), NULL);
    assert_status(r, 0);
    assert_contains(r.out, "\"sched:sched_switch\",599");
    free(r.out);
    free(r.err);
    if (!have_perf()) /* scripts/deps.sh installs it: its absence is a broken setup, not a pass */
        fail_msg("perf is not installed (Debian: apt-get install linux-perf)");
    r = run_traceaid("stats", "--csv", zst("sched-small.perf.data"), NULL);
    assert_status(r, 0);
    assert_contains(r.out, "\"sched:sched_switch\",599");
    free(r.out);
    free(r.err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sched_text_events_and_fields),
        cmocka_unit_test(perf_data_gives_its_text),
        cmocka_unit_test(perf_data_through_stdin_and_a_pipe),
        cmocka_unit_test(perf_data_errors),
        cmocka_unit_test(sampled_call_chains_folded_root_first),
        cmocka_unit_test(public_texts),
        cmocka_unit_test(one_line_events),
        cmocka_unit_test(bad_lines_name_line_and_column),
        cmocka_unit_test(sniffer_knows_perf_and_not_others),
        cmocka_unit_test(the_binary_reads_both),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
