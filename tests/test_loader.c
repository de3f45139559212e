/* The explorer's loading worker without a terminal: the traces and the scores arrive, and Esc
 * (loader_cancel from the explorer's thread) stops it while the explorer polls its status. Run
 * under ThreadSanitizer too (make test-tsan): the worker and the polling share the loader. */
#include "test_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../tui/loader.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static char small[600], large[600];

static int make_traces(void **state)
{
    (void)state;
    snprintf(small, sizeof small, "%s", test_path("small.csv"));
    snprintf(large, sizeof large, "%s", test_path("large.csv"));
    RunResult r = run_traceaid("gen", "--kind", "fifo-ls", "--seed", "12", "--events", "20000", "-o", small);
    int status = r.status;
    run_result_free(&r);
    r = run_traceaid("gen", "--kind", "fifo-ls", "--seed", "13", "--events", "400000", "-o", large);
    status |= r.status;
    run_result_free(&r);
    return status;
}

/* Polls as the explorer does, until the worker is past the stage it was in when called. */
static LoadStatus poll_until(Loader *l, bool (*done)(const LoadStatus *))
{
    LoadStatus st = loader_status(l);
    while (!done(&st)) {
        nanosleep(&(struct timespec){.tv_nsec = 1000 * 1000}, NULL);
        st = loader_status(l);
    }
    return st;
}

static bool finished(const LoadStatus *st) { return st->stage != LOAD_TRACES && st->stage != LOAD_SCORING; }
static bool traces_in(const LoadStatus *st) { return st->traces_ready || finished(st); }

static bool start(Loader *l, const char *model, const TraceInput *input)
{
    ModelRequest mr = {.path = model};
    TraceRequest tr = {0};
    Error err = {0};
    bool ok = loader_start(l, &mr, &tr, input, 1, &err);
    if (!ok)
        fail_msg("loader_start: %s", err.msg);
    return ok;
}

static void loads_and_scores(void **state)
{
    (void)state;
    Loader l;
    TraceInput input = {.path = small};
    start(&l, FIXTURES_DIR "/flight-small.safetensors", &input);
    LoadStatus st = poll_until(&l, finished);
    assert_int_equal(st.stage, LOAD_DONE);
    assert_true(st.traces_ready);
    assert_true(st.scores_ready);
    loader_join(&l);
    assert_int_equal(l.scored.set.n_traces, 1);
    loader_free(&l);
}

static void cancel_while_loading(void **state)
{
    (void)state;
    Loader l;
    TraceInput input = {.path = large};
    start(&l, NULL, &input);
    loader_cancel(&l);
    LoadStatus st = poll_until(&l, finished);
    assert_int_equal(st.stage, LOAD_CANCELLED);
    assert_false(st.traces_ready);
    loader_free(&l);
}

/* Cancelled once the traces are in: they stay readable, the scores never come. */
static void cancel_while_scoring(void **state)
{
    (void)state;
    Loader l;
    TraceInput input = {.path = large};
    start(&l, FIXTURES_DIR "/flight-small.safetensors", &input);
    poll_until(&l, traces_in);
    loader_cancel(&l);
    LoadStatus st = poll_until(&l, finished);
    assert_true(st.traces_ready);
    if (st.stage == LOAD_CANCELLED)
        assert_false(st.scores_ready);
    else
        assert_int_equal(st.stage, LOAD_DONE); /* scoring ended before it looked */
    assert_int_equal(l.scored.set.n_traces, 1);
    loader_free(&l);
}

/* A FIFO whose writer never writes: the worker blocks in read; cancelling wakes it (else the
 * explorer, quitting, would wait for ever to join it). */
static void cancel_while_a_fifo_is_silent(void **state)
{
    (void)state;
    const char *fifo = test_path("silent.fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int writer = open(fifo, O_RDWR); /* a writer that stays silent; open does not block */
    assert_true(writer >= 0);
    Loader l;
    TraceInput input = {.path = fifo};
    start(&l, NULL, &input);
    nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL); /* into its read */
    loader_cancel(&l);
    LoadStatus st = poll_until(&l, finished);
    assert_int_equal(st.stage, LOAD_CANCELLED);
    loader_free(&l);
    close(writer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_and_scores),
        cmocka_unit_test(cancel_while_loading),
        cmocka_unit_test(cancel_while_scoring),
        cmocka_unit_test(cancel_while_a_fifo_is_silent),
    };
    return cmocka_run_group_tests_name("explorer loader", tests, make_traces, NULL);
}
