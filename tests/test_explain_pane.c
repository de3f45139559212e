/* The interpretation pane drawn from a hand-built Interpretation, on a terminal bound to
 * /dev/null and read back: its layouts, its scroll and the nearest normal window, which the
 * screen tests cannot reach (their model is interpreted without a training index). The pane's
 * and the drawing's sources are compiled in here, as the tests link only the library. */
#include "test_util.h"

#include "../tui/draw.c"
#include "../tui/explain_pane.c"

typedef struct Fixture {
    ScoredSet scored;
    App app;
    SCREEN *screen;
    FILE *out, *in;
} Fixture;

static const char *const keys[] = {"COMM/SND_MESSAGE", "THREAD/THREPLY", "KER_CALL/MSG_RECEIVEV", "THREAD/THRECEIVE",
                                   "KER_CALL/SYNC_MUTEX_UNLOCK", "INT/INT_ENTR"};
static const char *const meanings[] = {
    "a thread sent a message to a server channel (MsgSend)",
    "the sender is REPLY-blocked until the server answers",
    "a server called MsgReceive: wait on its channel for a message or pulse",
    "a server thread blocked waiting for a message or pulse (RECEIVE-blocked)",
    "a thread released a mutex; a waiter, if any, becomes ready to take it and run on",
    "an interrupt arrived and the kernel entered interrupt handling (vector=...)"};

static Fixture *fixture_new(int rows, int cols)
{
    Fixture *f = calloc(1, sizeof *f);
    Error err = {0};
    trace_set_init(&f->scored.set);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        uint32_t id;
        assert_true(vocab_intern(&f->scored.set.vocab, keys[k], strlen(keys[k]), &id, &err));
        assert_true(meanings_set(&f->scored.set.meanings, keys[k], strlen(keys[k]), meanings[k], strlen(meanings[k]), &err));
    }
    f->app.scored = &f->scored;
    f->app.focus = PANE_EXPLAIN;
    f->out = fopen("/dev/null", "w");
    f->in = fopen("/dev/null", "r");
    f->screen = newterm("xterm-256color", f->out, f->in);
    assert_non_null(f->screen);
    resizeterm(rows, cols);
    return f;
}

static void fixture_free(Fixture *f)
{
    endwin();
    delscreen(f->screen);
    fclose(f->out);
    fclose(f->in);
    trace_set_free(&f->scored.set);
    free(f);
}

/* A window of 4 inputs and 1 target: the third input and the target differ in the reference;
 * the nearest normal window differs in the target only. */
static void interpretation(App *app, bool nearest)
{
    Interpretation *it = &app->interp;
    *it = (Interpretation){.n_inputs = 4, .n_keys = 5, .anomalous = true, .changes = 2, .p_before = 0.01f,
                           .p_after = 0.9f, .ranked = true, .rank_before = 6, .rank_after = 0, .top_g = 3,
                           .fidelity = true, .has_nearest = nearest, .nearest_distance = 1};
    const uint32_t window[] = {0, 1, 2, 3, 5}, reference[] = {0, 1, 4, 3, 0}, near[] = {0, 1, 2, 3, 0};
    memcpy(it->keys, window, sizeof window);
    memcpy(it->reference, reference, sizeof reference);
    memcpy(it->nearest, near, sizeof near);
    app->has_interp = true;
    app->interp_first = 100;
}

/* The screen's rows as text, each padded to the width, one string. */
static char *screen_text(void)
{
    size_t size = (size_t)(LINES * (COLS + 1) + 1);
    char *text = calloc(1, size), *at = text;
    for (int y = 0; y < LINES; y++) {
        mvinnstr(y, 0, at, COLS);
        at += strlen(at);
        *at++ = '\n';
    }
    return text;
}

static char *draw_pane(Fixture *f, Rect r)
{
    erase();
    explain_ops.update(&f->app, r);
    explain_ops.draw(&f->app, r);
    return screen_text();
}

static void narrow_pane_wraps_the_changed_meanings_and_shows_the_nearest(void **state)
{
    (void)state;
    Fixture *f = fixture_new(40, 47);
    interpretation(&f->app, true);
    char *screen = draw_pane(f, (Rect){0, 0, 40, 47});
    assert_contains(screen, "interpretation of 100-104");
    assert_contains(screen, "  #  Ano.");
    assert_contains(screen, "  3  KER_CALL...RECEIVEV * KER_CALL...X_UNLOCK");
    assert_contains(screen, "     Ano. a server called MsgReceive: wait on");
    assert_contains(screen, "     Ref. a thread released a mutex; a waiter,");
    assert_contains(screen, " p(next key) 0.0100 (rank 7) -> reference");
    assert_contains(screen, " 0.9000 (rank 1); 2 changes");
    assert_contains(screen, " fidelity passed: the model puts the");
    assert_contains(screen, "among its top 3");
    assert_contains(screen, " nearest normal window in the training data");
    assert_contains(screen, " (Near.), 1 key apart:");
    assert_contains(screen, "apart:                         \n  5> INT/INT_ENTR        * COMM/SND_MESSAGE");
    assert_contains(screen, "     Near. a thread sent a message to a");
    free(screen);
    fixture_free(f);
}

static void the_pane_scrolls_within_its_lines(void **state)
{
    (void)state;
    Fixture *f = fixture_new(10, 47);
    interpretation(&f->app, true);
    Rect r = {0, 0, 10, 47};
    char *screen = draw_pane(f, r);
    PaneScroll *scroll = &f->app.explain_scroll;
    assert_int_equal(scroll->rows, 8);
    assert_true(scroll->lines > scroll->rows);
    char title[64];
    snprintf(title, sizeof title, "(j/k: 1-8 of %d)", scroll->lines);
    assert_contains(screen, title);
    free(screen);
    scroll->top = 1000; /* past the end: the update brings it back to the last page */
    screen = draw_pane(f, r);
    assert_int_equal(scroll->top, scroll->lines - scroll->rows);
    assert_contains(screen, "Near. a thread sent a message to a");
    assert_contains(screen, "  #  Ano."); /* the column heads stay */
    free(screen);
    fixture_free(f);
}

static void wide_pane_is_the_table(void **state)
{
    (void)state;
    Fixture *f = fixture_new(20, 200);
    interpretation(&f->app, false);
    char *screen = draw_pane(f, (Rect){0, 0, 20, 200});
    assert_contains(screen, "Meaning");
    assert_contains(screen, "Diff.");
    assert_contains(screen, "Meaning*");
    assert_contains(screen, " 1  COMM/SND_MESSAGE            a thread sent a message to a server channel (MsgSend)");
    assert_contains(screen, "KER_CALL/SYNC_MUTEX_UNLOCK  a thread released a mutex");
    assert_null(strstr(screen, "nearest normal window")); /* none without an index */
    assert_null(strstr(screen, "j/k:")); /* it all fits */
    free(screen);
    fixture_free(f);
}

static void a_normal_window_says_so(void **state)
{
    (void)state;
    Fixture *f = fixture_new(30, 60);
    interpretation(&f->app, false);
    f->app.interp.anomalous = false;
    memcpy(f->app.interp.reference, f->app.interp.keys, sizeof f->app.interp.keys);
    char *screen = draw_pane(f, (Rect){0, 0, 30, 60});
    assert_contains(screen, "the model deems this window normal: its next key ranks 7");
    assert_null(strstr(screen, "fidelity"));
    free(screen);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(narrow_pane_wraps_the_changed_meanings_and_shows_the_nearest),
        cmocka_unit_test(the_pane_scrolls_within_its_lines),
        cmocka_unit_test(wide_pane_is_the_table),
        cmocka_unit_test(a_normal_window_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
