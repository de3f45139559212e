/* The schedule (core/sched.c): small hand-written QNX and Linux traces give exactly the spans
 * their events say; a real perf recording and a generated QNX trace give spans that are ordered
 * and, per CPU, do not overlap. */
#include "test_util.h"

#include "../core/sched.h"
#include "../io/readers.h"

#ifndef SAMPLES_DIR
#define SAMPLES_DIR "samples"
#endif

typedef struct Loaded {
    Trace trace;
    Vocab vocab;
    Schedule sched;
} Loaded;

static Loaded *load_schedule(const char *path)
{
    Loaded *l = calloc(1, sizeof *l);
    Error err = {0};
    vocab_init(&l->vocab);
    TraceOptions opt = {0};
    if (!trace_load(&l->trace, path, &opt, &l->vocab, NULL, &err))
        fail_msg("%s", err.msg);
    if (!schedule_build(&l->sched, &l->trace, &l->vocab, &err))
        fail_msg("%s", err.msg);
    return l;
}

static void loaded_free(Loaded *l)
{
    schedule_free(&l->sched);
    trace_free(&l->trace);
    vocab_free(&l->vocab);
    free(l);
}

/* spans equal to want: {start, end, what} triples, relative to base */
static void check_spans(const SchedSpans *sp, int64_t base, const int64_t (*want)[3], size_t n, const char *what)
{
    for (size_t i = 0; i < sp->n && i < n; i++)
        if (sp->span[i].start - base != want[i][0] || sp->span[i].end - base != want[i][1] ||
            (int64_t)sp->span[i].what != want[i][2])
            fail_msg("%s span %zu: [%lld, %lld) %u, expected [%lld, %lld) %lld", what, i,
                     (long long)(sp->span[i].start - base), (long long)(sp->span[i].end - base), sp->span[i].what,
                     (long long)want[i][0], (long long)want[i][1], (long long)want[i][2]);
    if (sp->n != n)
        fail_msg("%s: %zu spans, expected %zu", what, sp->n, n);
}

#define CHECK(sp, base, ...)                                                                                 \
    do {                                                                                                     \
        static const int64_t want_[][3] = {__VA_ARGS__};                                                     \
        check_spans((sp), (base), want_, sizeof want_ / sizeof want_[0], #sp);                                \
    } while (0)

static const char qnx_csv[] =
    "timestamp,cpu,class,event,pid,tid,process\n"
    "1000,0,THREAD,THRUNNING,10,1,srv\n"
    "1100,1,THREAD,THRUNNING,20,1,cli\n"
    "1200,1,THREAD,THREPLY,20,1,cli\n"
    "1250,1,THREAD,THRUNNING,1,2,procnto\n"       /* cpu 1's idle thread */
    "1300,0,INT,INT_ENTR,1,1,procnto\n"
    "1350,0,INT,INT_HANDLER_ENTR,1,1,procnto\n"
    "1400,0,INT,INT_EXIT,1,1,procnto\n"
    "1500,0,THREAD,THREADY,20,1,cli\n"
    "1600,0,THREAD,THRECEIVE,10,1,srv\n"
    "1700,0,THREAD,THRUNNING,20,1,cli\n"
    "1900,0,THREAD,THRUNNING,10,1,srv\n"          /* cli switched out without an event of its own */
    "2000,1,THREAD,THSEND,40,1,x\n";

static void qnx_spans(void **state)
{
    (void)state;
    Loaded *l = load_schedule(write_text("qnx.csv", qnx_csv));
    const Schedule *s = &l->sched;
    assert_int_equal(s->n_sched_events, 11);
    assert_int_equal(s->n_cpus, 2);
    assert_int_equal(s->n_threads, 3);
    assert_string_equal(sched_thread_name(s, &s->threads[0]), "srv");
    assert_int_equal(s->threads[0].pid, 10);
    assert_int_equal(s->threads[0].tid, 1);
    CHECK(&s->threads[0].states, 0, {1000, 1300, SCHED_RUNNING}, {1300, 1400, SCHED_INTERRUPTED},
          {1400, 1600, SCHED_RUNNING}, {1600, 1900, SCHED_RECEIVE}, {1900, 2000, SCHED_RUNNING});
    CHECK(&s->threads[1].states, 0, {1100, 1200, SCHED_RUNNING}, {1200, 1500, SCHED_REPLY},
          {1500, 1700, SCHED_READY}, {1700, 1900, SCHED_RUNNING}); /* then unknown: a gap */
    assert_int_equal(s->threads[2].states.n, 0); /* SEND-blocked from the last event on */
    CHECK(&s->cpus[0], 0, {1000, 1300, 0}, {1300, 1400, SCHED_INTERRUPT}, {1400, 1600, 0}, {1700, 1900, 1},
          {1900, 2000, 0});
    CHECK(&s->cpus[1], 0, {1100, 1200, 1});
    assert_int_equal(s->threads[0].cpu_time, 600);
    assert_int_equal(s->threads[1].cpu_time, 300);
    assert_int_equal(s->by_cpu_time[0], 0);
    assert_int_equal(s->by_cpu_time[1], 1);
    assert_int_equal(s->by_cpu_time[2], 2);
    loaded_free(l);
}

#define PERF_LINE(comm, tid, cpu, us, event, fields) \
    "  " comm " " #tid "/" #tid " [00" #cpu "] 1.000" us "000: " event ": " fields "\n"

static const char perf_text[] =
    PERF_LINE("swapper", 0, 0, "000", "sched:sched_switch",
              "prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=100 next_prio=120")
    PERF_LINE("bash", 100, 0, "001", "sched:sched_waking", "comm=Web Content pid=200 prio=120 target_cpu=001")
    PERF_LINE("swapper", 0, 1, "002", "sched:sched_switch",
              "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=Web Content next_pid=200 next_prio=120")
    PERF_LINE("bash", 100, 0, "003", "irq:irq_handler_entry", "irq=16 name=eth0")
    PERF_LINE("bash", 100, 0, "004", "irq:irq_handler_exit", "irq=16 ret=handled")
    PERF_LINE("bash", 100, 0, "005", "sched:sched_switch",
              "prev_comm=bash prev_pid=100 prev_prio=120 prev_state=D ==> next_comm=swapper/0 next_pid=0 next_prio=120")
    PERF_LINE("wc", 200, 1, "006", "sched:sched_switch",
              "prev_comm=Web Content prev_pid=200 prev_prio=120 prev_state=R+ ==> next_comm=kworker/1:1 next_pid=30 next_prio=120")
    PERF_LINE("kworker/1:1", 30, 1, "008", "sched:sched_switch",
              "prev_comm=kworker/1:1 prev_pid=30 prev_prio=120 prev_state=I ==> next_comm=swapper/1 next_pid=0 next_prio=120")
    PERF_LINE("swapper", 0, 0, "010", "sched:sched_wakeup", "comm=bash pid=100 prio=120 target_cpu=000")
    PERF_LINE("swapper", 0, 1, "012", "sched:sched_switch",
              "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=100 next_prio=120")
    PERF_LINE("swapper", 0, 0, "015", "irq:softirq_raise", "vec=7 [action=SCHED]");

static void linux_spans(void **state)
{
    (void)state;
    Loaded *l = load_schedule(write_text("sched.perf-script.txt", perf_text));
    const Schedule *s = &l->sched;
    int64_t base = 1000000000;
    assert_int_equal(l->trace.format, TRACE_FORMAT_PERF);
    assert_int_equal(s->n_sched_events, 10);
    assert_int_equal(s->n_cpus, 2);
    assert_int_equal(s->n_threads, 3);
    assert_string_equal(sched_thread_name(s, &s->threads[0]), "bash");
    assert_string_equal(sched_thread_name(s, &s->threads[1]), "Web Content");
    assert_string_equal(sched_thread_name(s, &s->threads[2]), "kworker/1:1");
    assert_int_equal(s->threads[1].tid, 200);
    assert_int_equal(s->threads[0].pid, 100); /* from its own sched_switch's pid/tid */
    CHECK(&s->threads[0].states, base, {0, 3000, SCHED_RUNNING}, {3000, 4000, SCHED_INTERRUPTED},
          {4000, 5000, SCHED_RUNNING}, {5000, 10000, SCHED_DISK}, {10000, 12000, SCHED_READY},
          {12000, 15000, SCHED_RUNNING});
    CHECK(&s->threads[1].states, base, {1000, 2000, SCHED_READY}, {2000, 6000, SCHED_RUNNING}, {6000, 15000, SCHED_READY});
    CHECK(&s->threads[2].states, base, {6000, 8000, SCHED_RUNNING}, {8000, 15000, SCHED_SLEEP});
    CHECK(&s->cpus[0], base, {0, 3000, 0}, {3000, 4000, SCHED_INTERRUPT}, {4000, 5000, 0});
    CHECK(&s->cpus[1], base, {2000, 6000, 1}, {6000, 8000, 2}, {12000, 15000, 0});
    assert_int_equal(s->threads[0].cpu_time, 7000);
    assert_int_equal(s->by_cpu_time[0], 0);
    assert_int_equal(s->by_cpu_time[1], 1);
    assert_int_equal(s->by_cpu_time[2], 2);
    loaded_free(l);
}

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* traceprinter's text keys its events as the CSV does: the same states come out. */
static void qnx_traceprinter_states(void **state)
{
    (void)state;
    Loaded *l = load_schedule(FIXTURES_DIR "/qnx/all-classes-n.txt");
    const Schedule *s = &l->sched;
    assert_int_equal(s->n_threads, 1); /* pid 1 tid 2 on cpu 1: its idle thread */
    assert_int_equal(s->threads[0].pid, 4099);
    assert_string_equal(sched_thread_name(s, &s->threads[0]), "usr/sbin/io-pkt-v4");
    const SchedSpans *st = &s->threads[0].states;
    assert_true(st->n >= 3);
    assert_int_equal(st->span[0].what, SCHED_RUNNING);
    assert_int_equal(st->span[1].what, SCHED_REPLY);
    assert_int_equal(st->span[st->n - 1].what, SCHED_READY);
    bool interrupt = false;
    for (size_t i = 0; i < s->cpus[0].n; i++)
        interrupt |= s->cpus[0].span[i].what == SCHED_INTERRUPT;
    assert_true(interrupt);
    loaded_free(l);
}

static void no_scheduling_events(void **state)
{
    (void)state;
    Loaded *l = load_schedule(write_text("plain.csv", "timestamp,cpu,class,event,pid,tid,process\n"
                                                      "1000,0,COMM,SND_MESSAGE,10,1,srv\n2000,0,COMM,REC_MESSAGE,20,1,cli\n"));
    assert_int_equal(l->sched.n_sched_events, 0);
    assert_int_equal(l->sched.n_threads, 0);
    loaded_free(l);
}

/* Spans within the trace, ordered, not overlapping; CPU spans name known threads. */
static void check_sane(const Schedule *s)
{
    assert_true(s->n_sched_events > 100);
    assert_true(s->n_cpus >= 1);
    assert_true(s->n_threads > 3);
    for (size_t c = 0; c < s->n_cpus; c++)
        for (size_t i = 0; i < s->cpus[c].n; i++) {
            const SchedSpan *sp = &s->cpus[c].span[i];
            assert_true(sp->start < sp->end);
            assert_true(sp->start >= s->start && sp->end <= s->end);
            assert_true(sp->what == SCHED_INTERRUPT || sp->what < s->n_threads);
            if (i > 0)
                assert_true(s->cpus[c].span[i - 1].end <= sp->start);
        }
    int64_t busy = 0;
    for (size_t th = 0; th < s->n_threads; th++) {
        const SchedSpans *st = &s->threads[th].states;
        for (size_t i = 0; i < st->n; i++) {
            assert_true(st->span[i].start < st->span[i].end);
            assert_true(st->span[i].what < SCHED_STATE_COUNT);
            if (i > 0)
                assert_true(st->span[i - 1].end <= st->span[i].start);
        }
        busy += s->threads[th].cpu_time;
        if (th > 0)
            assert_true(s->threads[s->by_cpu_time[th - 1]].cpu_time >= s->threads[s->by_cpu_time[th]].cpu_time);
    }
    assert_true(busy > 0 && busy <= (s->end - s->start) * (int64_t)s->n_cpus);
}

static void recorded_perf_is_sane(void **state)
{
    (void)state;
    Loaded *l = load_schedule(SAMPLES_DIR "/recorded/clean-01.perf-script.txt.xz");
    check_sane(&l->sched);
    assert_int_equal(l->sched.n_cpus, 2);
    loaded_free(l);
}

static void generated_qnx_is_sane(void **state)
{
    (void)state;
    Loaded *l = load_schedule(generated_trace("fifo-ls", "12", "20000"));
    check_sane(&l->sched);
    loaded_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qnx_spans),
        cmocka_unit_test(linux_spans),
        cmocka_unit_test(qnx_traceprinter_states),
        cmocka_unit_test(no_scheduling_events),
        cmocka_unit_test(recorded_perf_is_sane),
        cmocka_unit_test(generated_qnx_is_sane),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    test_dir_cleanup();
    return failed;
}
