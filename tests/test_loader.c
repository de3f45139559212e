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

/* A held start with a preview of head bytes (TRACEAID_PREVIEW_BYTES). */
static void start_held(Loader *l, const char *model, const TraceInput *input, const char *head)
{
    ModelRequest mr = {.path = model};
    TraceRequest tr = {0};
    Error err = {0};
    char *old = env_set("TRACEAID_PREVIEW_BYTES", head);
    bool ok = loader_start_held(l, &mr, &tr, input, NULL, 1, &err);
    LoadStatus st = loader_wait_preview(l); /* the variable is read before the preview is made */
    env_restore("TRACEAID_PREVIEW_BYTES", old);
    if (!ok)
        fail_msg("loader_start_held: %s", err.msg);
    assert_true(st.past_preview);
}

/* The head of the file, scored, under the file's name, ready before the rest is read (held);
 * its event i is the whole trace's event i. */
static void preview_is_the_head(void **state)
{
    (void)state;
    Loader l;
    TraceInput input = {.path = small};
    start_held(&l, FIXTURES_DIR "/flight-small.safetensors", &input, "300000");
    LoadStatus st = loader_status(&l);
    assert_true(st.preview_ready);
    assert_false(st.traces_ready);
    assert_true(st.preview_bytes > 0 && st.preview_bytes <= 300000);
    const Trace *head = &l.preview.set.traces[0];
    assert_string_equal(head->path, small);
    assert_true(head->n_events > 1000 && head->n_events < 20000);
    assert_true(l.preview.scores[0].n_segments > 0);
    loader_release(&l);
    st = poll_until(&l, finished);
    assert_int_equal(st.stage, LOAD_DONE);
    const Trace *whole = &l.scored.set.traces[0];
    assert_int_equal(whole->n_events, 20000);
    for (size_t i = 0; i < head->n_events; i++) {
        assert_int_equal(head->key_id[i], whole->key_id[i]);
        assert_true(trace_time(head, i) == trace_time(whole, i));
    }
    loader_drop_preview(&l);
    loader_free(&l);
}

/* A file under twice the head: no preview, the worker goes past at once. */
static void no_preview_of_a_small_file(void **state)
{
    (void)state;
    Loader l;
    TraceInput input = {.path = small};
    start_held(&l, NULL, &input, "1000000");
    assert_false(loader_status(&l).preview_ready);
    loader_join(&l); /* joining lets a held worker go on */
    assert_true(loader_status(&l).traces_ready);
    assert_int_equal(l.scored.set.traces[0].n_events, 20000);
    loader_free(&l);
}

/* Esc over the preview: the held worker wakes and gives up; the preview stays readable. */
static void cancel_while_held(void **state)
{
    (void)state;
    Loader l;
    TraceInput input = {.path = small};
    start_held(&l, NULL, &input, "300000");
    loader_cancel(&l);
    LoadStatus st = poll_until(&l, finished);
    assert_int_equal(st.stage, LOAD_CANCELLED);
    assert_true(st.preview_ready);
    assert_true(l.preview.set.traces[0].n_events > 0);
    loader_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_and_scores),
        cmocka_unit_test(cancel_while_loading),
        cmocka_unit_test(cancel_while_scoring),
        cmocka_unit_test(cancel_while_a_fifo_is_silent),
        cmocka_unit_test(preview_is_the_head),
        cmocka_unit_test(no_preview_of_a_small_file),
        cmocka_unit_test(cancel_while_held),
    };
    return cmocka_run_group_tests_name("explorer loader", tests, make_traces, NULL);
}
