/* The real recordings in samples/recorded/ (scripts/record.sh): each reads as a perf trace,
 * its ground truth is in the trace's own clock (every event of an injected `ls` falls inside a
 * truth interval, and the intervals inside the trace), clean ones hold no injected process, and
 * eval --truth measures them through the binary. The programs recorded run (briefly; tests
 * never record). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../io/trace_set.h"
#include "../io/truth.h"
#include "test_util.h"

#define RECORDED SAMPLES_DIR "/recorded/"
/* The injector stamps a run's start before fork and its stop after wait: an ls event lies
 * inside; the slack covers the clock read's own cost. */
#define SLACK_NS 1000000

static void load_recording(const char *name, TraceSet *set, Truth *truth)
{
    char path[512], *truth_path;
    snprintf(path, sizeof path, RECORDED "%s.perf-script.txt.xz", name);
    TraceInput input = {path, TRACE_FORMAT_AUTO};
    TraceOptions opt = {0};
    Error err = {0};
    trace_set_init(set);
    if (!trace_set_load(set, &input, 1, &opt, &err))
        fail_msg("%s: %s", path, err.msg);
    assert_int_equal(set->traces[0].format, TRACE_FORMAT_PERF);
    assert_true(set->traces[0].timed);
    truth_path = truth_path_beside(path);
    assert_non_null(truth_path);
    if (!truth_load(truth, truth_path, &err))
        fail_msg("%s", err.msg);
    free(truth_path);
    assert_int_equal(truth->form, TRUTH_TIME);
}

static bool inside_truth(const Truth *truth, int64_t time)
{
    for (size_t i = 0; i < truth->n_intervals; i++)
        if (time >= truth->intervals[i].start - SLACK_NS && time <= truth->intervals[i].stop + SLACK_NS)
            return true;
    return false;
}

/* Events run by the process named comm, and how many of them fall outside the truth. */
static void count_process(const Trace *t, const Truth *truth, const char *comm, size_t *events, size_t *outside)
{
    *events = *outside = 0;
    for (size_t i = 0; i < t->n_events; i++)
        if (strcmp(strpool_get(&t->names, trace_name_id(t, i)), comm) == 0) {
            (*events)++;
            *outside += !inside_truth(truth, trace_time(t, i));
        }
}

static void ls_runs_lie_inside_their_truth(void **state)
{
    (void)state;
    const char *names[] = {"fifo-ls-01", "fifo-ls-sporadic-01", "fifo-ls-sporadic-02"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        TraceSet set;
        Truth truth = {0};
        load_recording(names[n], &set, &truth);
        const Trace *t = &set.traces[0];
        size_t events, outside;
        count_process(t, &truth, "ls", &events, &outside);
        assert_true(events > 100);
        if (outside)
            fail_msg("%s: %zu of %zu ls events outside the truth", names[n], outside, events);
        assert_true(truth.n_intervals >= 2);
        for (size_t i = 0; i < truth.n_intervals; i++) { /* the injections fall within the recording */
            assert_true(truth.intervals[i].start > trace_time(t, 0));
            assert_true(truth.intervals[i].stop < trace_time(t, t->n_events - 1));
        }
        truth_free(&truth);
        trace_set_free(&set);
    }
}

static void clean_recordings_hold_no_injection(void **state)
{
    (void)state;
    TraceSet set;
    Truth truth = {0};
    load_recording("clean-01", &set, &truth);
    assert_int_equal(truth.n_intervals, 0);
    assert_string_equal(truth.kind, "clean");
    size_t events, outside;
    count_process(&set.traces[0], &truth, "imu", &events, &outside);
    assert_true(events > 1000); /* the controller flew */
    truth_free(&truth);
    trace_set_free(&set);
}

/* A small DeepLog trained on one clean recording, measured on a clean and a busy-loop one:
 * the figures come out per kind, and the busy loop's episodes make anomalous segments. */
static void eval_truth_on_recordings(void **state)
{
    (void)state;
    const char *model = test_path("dl.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--hidden", "16", "--layers", "1", "--epochs", "3",
                               "-o", model, RECORDED "clean-02.perf-script.txt.xz");
    if (r.status != 0)
        fail_msg("train: %s", r.err);
    run_result_free(&r);
    r = run_traceaid("eval", "--truth", "--json", "--model", model, RECORDED "clean-03.perf-script.txt.xz",
                     RECORDED "full-while-01.perf-script.txt.xz");
    if (r.status != 0)
        fail_msg("eval: %s", r.err);
    assert_non_null(strstr(r.out, "\"kind\":\"clean\""));
    const char *busy = strstr(r.out, "\"kind\":\"full-while\"");
    assert_non_null(busy);
    unsigned anomalous = 0;
    assert_int_equal(sscanf(strstr(busy, "\"anomalous\":"), "\"anomalous\":%u", &anomalous), 1);
    assert_true(anomalous >= 10); /* two episodes of a quarter of the recording each */
    run_result_free(&r);
}

#ifndef FLIGHT_DIR
#define FLIGHT_DIR "build/samples/flight"
#endif

/* The controller flies for a moment (at the normal policy without the right to SCHED_FIFO) and
 * the injector writes its truth: two episodes of a busy loop in CLOCK_MONOTONIC time. */
static void flight_and_injector_run(void **state)
{
    (void)state;
    FILE *out = popen(FLIGHT_DIR "/flight --seconds 0.3 2>/dev/null", "r");
    assert_non_null(out);
    unsigned long long cycles = 0;
    assert_int_equal(fscanf(out, "flight: %llu control cycles", &cycles), 1);
    assert_int_equal(pclose(out), 0);
    assert_true(cycles > 0); /* how many depends on the scheduler: without SCHED_FIFO, on the load */
    const char *truth_path = test_path("busy.truth");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, FLIGHT_DIR "/inject half-while 0.2 %s", truth_path);
    assert_int_equal(system(cmd), 0);
    Truth truth = {0};
    Error err = {0};
    if (!truth_load(&truth, truth_path, &err))
        fail_msg("%s", err.msg);
    assert_string_equal(truth.kind, "half-while");
    assert_int_equal(truth.n_intervals, 2);
    assert_true(truth.intervals[0].stop < truth.intervals[1].start);
    truth_free(&truth);
    snprintf(cmd, sizeof cmd, FLIGHT_DIR "/inject sideways 1 %s 2>/dev/null", truth_path);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ls_runs_lie_inside_their_truth),
        cmocka_unit_test(clean_recordings_hold_no_injection),
        cmocka_unit_test(eval_truth_on_recordings),
        cmocka_unit_test(flight_and_injector_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
