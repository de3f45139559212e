/* The explorer's keys without a terminal: an App over a small ScoredSet made here, driven by
 * app_key, and the key table's texts (the status hints, the ? screen, docs/KEYS.md). Linked with
 * tui/'s state and key objects only, and no ncurses. */
#include "app_fixture.h"

#include <curses.h> /* the KEY_* codes only */

#include "../tui/keys.h"
#include "../tui/marks_keys.h"

#ifndef DOCS_DIR
#define DOCS_DIR "docs"
#endif

static void moves_in_the_focused_pane(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    assert_int_equal(app->focus, PANE_CHART);
    assert_int_equal(app_key(app, KEY_RIGHT), REACT_VIEW);
    assert_int_equal(app->segment, 1);
    for (int i = 0; i < 3; i++)
        app_key(app, KEY_RIGHT);
    app_key(app, KEY_LEFT);
    assert_int_equal(app->segment, 3);
    for (int i = 0; i < 6; i++)
        app_key(app, KEY_LEFT);
    assert_int_equal(app->segment, 0);
    app_key(app, KEY_END);
    assert_int_equal(app->segment, 7);
    app_key(app, KEY_PPAGE); /* the chart pages by 10 segments */
    assert_int_equal(app->segment, 0);

    app->focus = PANE_TIMELINE;
    keys(app, "jjj");
    assert_int_equal(app->cursor, 3);
    app_key(app, KEY_UP);
    assert_int_equal(app->cursor, 2);
    assert_int_equal(app_key(app, KEY_RIGHT), REACT_NONE); /* left and right are the chart's */
    assert_int_equal(app->cursor, 2);
    app_key(app, KEY_NPAGE); /* a page: the rows the timeline shows, less one */
    assert_int_equal(app->cursor, 2 + (size_t)app->timeline_rows - 1);
    app_key(app, 'G');
    assert_int_equal(app->cursor, N_EVENTS - 1);
    assert_int_equal(app->segment, 7);
    app_key(app, 'g');
    assert_int_equal(app->cursor, 0);

    app->focus = PANE_FLAGGED;
    keys(app, "jjj");
    assert_int_equal(app->flagged_row, 1); /* two flagged rows */
    app_key(app, '\n');
    assert_int_equal(app->focus, PANE_TIMELINE);
    assert_int_equal(app->segment, 5);
    assert_int_equal(app->cursor, 5 * SEGMENT);
    fixture_free(f);
}

static void n_and_N_jump_between_flagged_segments(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    assert_int_equal(app_key(app, 'n'), REACT_VIEW);
    assert_int_equal(app->segment, 2);
    assert_int_equal(app->cursor, 2 * SEGMENT);
    assert_int_equal(app->flagged_row, 0);
    assert_string_equal(app->message, "segment 3: 50.00%, threshold 20.00%");
    app_key(app, 'n');
    assert_int_equal(app->segment, 5);
    assert_int_equal(app->flagged_row, 1);
    app_key(app, 'n'); /* around to the first */
    assert_int_equal(app->segment, 2);
    app_key(app, 'N');
    assert_int_equal(app->segment, 5);
    /* in the timeline, n repeats the search once there is one */
    app->focus = PANE_TIMELINE;
    keys(app, "/COMM\n");
    assert_int_equal(app->cursor, 550);
    app_key(app, 'n');
    assert_int_equal(app->cursor, 600);
    app_key(app, 'N');
    assert_int_equal(app->cursor, 550);
    fixture_free(f);
}

static void tab_cycles_the_panes(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    const Pane order[] = {PANE_TIMELINE, PANE_FLAGGED, PANE_EXPLAIN, PANE_CHART};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(app_key(app, '\t'), REACT_VIEW);
        assert_int_equal(app->focus, order[i]);
    }
    app_key(app, KEY_BTAB);
    assert_int_equal(app->focus, PANE_EXPLAIN);
    fixture_free(f);
}

static void plus_and_minus_move_the_threshold(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    const Scores *sc = app_scores(app);
    app_key(app, '+');
    assert_float_equal(sc->threshold, 0.205f, 1e-6);
    assert_float_equal(model_calibration(&f->scored.model)->threshold, 0.205f, 1e-6);
    assert_string_equal(app->message, "threshold 20.50%: 2 segments flagged");
    keys(app, "----------------------"); /* to 9.5%: the flags follow, every segment is above */
    assert_true(sc->threshold < 0.1f);
    assert_int_equal(sc->n_flagged, 8);
    assert_string_equal(app->message, "threshold 9.50%: 8 segments flagged");
    fixture_free(f);
}

static void q_quits(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    assert_true(app_key(&f->app, 'q') & REACT_QUIT);
    assert_false(app_key(&f->app, 'j') & REACT_QUIT);
    fixture_free(f);
}

static void reactions_say_what_to_draw(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    assert_int_equal(app_key(app, 'x'), REACT_NONE);   /* no binding, no message to clear */
    app_key(app, 'z');
    assert_string_equal(app->message, "chart zoom 1 (Z zooms out)");
    assert_int_equal(app_key(app, 'x'), REACT_STATUS); /* the message goes */
    assert_int_equal(app_key(app, '/'), REACT_VIEW);   /* the prompt, in the timeline */
    assert_int_equal(app->focus, PANE_TIMELINE);
    assert_int_equal(app_key(app, 'I'), REACT_STATUS); /* typing shows on the status line */
    assert_int_equal(app_key(app, 27), REACT_STATUS);
    assert_int_equal(app->prompt_for, 0);
    assert_int_equal(app_key(app, '?'), REACT_VIEW);
    assert_true(app->show_help);
    assert_int_equal(app_key(app, 'j'), REACT_VIEW);   /* any key closes the help, and only that */
    assert_false(app->show_help);
    assert_int_equal(app->cursor, 0);
    fixture_free(f);
}

static void filter_and_bookmarks(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    keys(app, "fCOMM\n");
    assert_string_equal(app->message, "filter 'COMM': 16 events");
    app_key(app, 'j');
    assert_int_equal(app->cursor, 50);
    keys(app, "mjj'");
    assert_int_equal(app->cursor, 50);
    keys(app, "f\n");
    assert_string_equal(app->message, "filter off");
    keys(app, "f8\n"); /* a pid */
    assert_int_equal(app->n_visible, 267);
    fixture_free(f);
}

static void search_looks_in_the_fields(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    keys(app, "/fd=5 peer\n");
    assert_int_equal(app->cursor, 5);
    keys(app, "n");
    assert_int_equal(app->cursor, 18);
    keys(app, "N");
    assert_int_equal(app->cursor, 5);
    keys(app, "/fd=13\n");
    assert_string_equal(app->message, "/fd=13: no event's key, process or fields hold it");
    fixture_free(f);
}

static void without_a_model(void **state)
{
    (void)state;
    Fixture *f = fixture_new(false);
    App *app = &f->app;
    assert_int_equal(app->focus, PANE_TIMELINE);
    app_key(app, 'n');
    assert_string_equal(app->message, "no flagged segments");
    app_key(app, '+');
    assert_string_equal(app->message, "no model: no threshold");
    app_key(app, 'i');
    assert_string_equal(app->message, "no model to interpret with (--model MODEL)");
    app_key(app, 'w');
    assert_string_equal(app->message, "nothing to report: no threshold");
    fixture_free(f);
}

static void w_writes_the_flagged_segments(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    assert_int_equal(app_key(&f->app, 'w'), REACT_STATUS);
    assert_string_equal(f->app.message, "wrote 2 flagged segments to small.csv.flagged.csv (beside the trace)");
    char *csv = slurp(test_path("small.csv.flagged.csv")), expected[1024];
    const char *trace = f->scored.set.traces[0].path; /* the report's schema is score --csv's */
    snprintf(expected, sizeof expected, "file,segment,first_event,last_event,predicted,missed,rate,threshold,flagged,score\n"
             "\"%s\",3,200,299,100,50,0.500000,0.200000,1,0.500000\n\"%s\",6,500,599,100,50,0.500000,0.200000,1,0.500000\n",
             trace, trace);
    assert_string_equal(csv, expected);
    free(csv);
    /* an unflagged segment marked anomalous is written too, and the status line counts it */
    char labels[600];
    assert_true(labels_path(f->scored.set.traces[0].path, labels, sizeof labels));
    unlink(labels);
    app_open_marks(&f->app);
    f->app.segment = 0;
    app_key(&f->app, 'A');
    app_key(&f->app, 'w');
    assert_string_equal(f->app.message,
                        "wrote 2 flagged segments and 1 marked anomalous to small.csv.flagged.csv (beside the trace)");
    unlink(labels);
    fixture_free(f);
}

/* Enter on a flagged segment lands on its worst window: the one with the most misses, its
 * least likely miss at the cursor. */
static void enter_lands_on_the_worst_window(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    EventOutcomes *o = f->scored.outcomes;
    int tx, ty, stride;
    model_window_shape(&f->scored.model, &tx, &ty, &stride);
    size_t first = 525; /* a window at the stride whose targets are 530.. */
    for (size_t e = 0; e < N_EVENTS; e++)
        o->prob[e] = 0.5f;
    for (size_t e = first + (size_t)tx; e < first + (size_t)(tx + ty); e++)
        o->outcome[e] = OUTCOME_MISS;
    o->prob[first + (size_t)tx + 2] = 0.01f;
    app->focus = PANE_FLAGGED;
    keys(app, "j\n");
    assert_int_equal(app->focus, PANE_TIMELINE);
    assert_int_equal(app->segment, 5);
    assert_int_equal(app->cursor, first + (size_t)tx + 2);
    char message[128];
    snprintf(message, sizeof message, "segment 6: worst window %zu-%zu (%d missed), cursor on its worst miss %zu", first,
             first + (size_t)(tx + ty) - 1, ty, first + (size_t)tx + 2);
    assert_string_equal(app->message, message);
    /* a segment not flagged: its first event, as before */
    app->focus = PANE_CHART;
    app->segment = 0;
    app_key(app, '\n');
    assert_int_equal(app->cursor, 0);
    fixture_free(f);
}

/* o zooms the focused pane and back; j/k, PgDn, G and g scroll the side pane while it is
 * focused, each of its views keeping its own place. */
static void o_zooms_and_the_side_pane_scrolls(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    app->focus = PANE_EXPLAIN;
    assert_int_equal(app_key(app, 'o'), REACT_VIEW);
    assert_true(app->zoomed);
    assert_string_equal(app->message, "zoom: the interpretation on the whole screen (o: back)");
    app_key(app, 'o');
    assert_false(app->zoomed);
    app->explain_scroll = (PaneScroll){.lines = 30, .rows = 8};
    app->stats_scroll = (PaneScroll){.lines = 12, .rows = 8};
    keys(app, "jj");
    app_key(app, KEY_NPAGE);
    assert_int_equal(app->explain_scroll.top, 2 + 7);
    app_key(app, 'G');
    assert_int_equal(app->explain_scroll.top, 22);
    app_key(app, 'k');
    assert_int_equal(app->explain_scroll.top, 21);
    assert_int_equal(app->cursor, 0); /* the events stay */
    app_key(app, 's');
    keys(app, "jjjjjj");
    assert_int_equal(app->stats_scroll.top, 4);
    app_key(app, 's');
    assert_int_equal(app->explain_scroll.top, 21);
    app_key(app, 'g');
    assert_int_equal(app->explain_scroll.top, 0);
    fixture_free(f);
}

/* ---- the table ------------------------------------------------------------------------------ */

/* A key runs one binding in a pane: none hides behind another. */
static void no_binding_is_shadowed(void **state)
{
    (void)state;
    for (size_t i = 0; i < key_table_len; i++)
        for (int p = 0; p < PANE_COUNT; p++)
            for (int k = 0; k < KEYS_PER_BINDING && key_table[i].keys[k]; k++)
                if (key_table[i].panes & (1u << p) && keys_find(key_table[i].keys[k], (Pane)p) != &key_table[i])
                    fail_msg("key %d of binding %zu is taken in pane %d by another", key_table[i].keys[k], i, p);
}

/* A pane's hints take the places 1, 2, ... once each. */
static void hint_slots_are_a_sequence(void **state)
{
    (void)state;
    for (int p = 0; p < PANE_COUNT; p++) {
        size_t seen[32] = {0}, max = 0;
        for (size_t i = 0; i < key_table_len; i++) {
            size_t slot = key_table[i].hint_slot[p];
            assert_true(slot < 32);
            assert_true(slot == 0 || key_table[i].hint);
            seen[slot]++;
            max = slot > max ? slot : max;
        }
        for (size_t slot = 1; slot <= max; slot++)
            assert_int_equal(seen[slot], 1);
    }
}

static void the_status_line_and_help_come_from_the_table(void **state)
{
    (void)state;
    char buf[256];
    keys_status_hints(PANE_CHART, 0, buf, sizeof buf);
    assert_string_equal(buf, "<- -> segment  n/N flagged  Enter events  +/- threshold  Tab pane  ? help  q quit");
    keys_status_hints(PANE_TIMELINE, 0, buf, sizeof buf);
    assert_string_equal(buf, "j/k move  / search  f filter  m mark  i interpret  n/N next  s stats  ? help  q quit");
    keys_status_hints(PANE_FLAGGED, 0, buf, sizeof buf);
    assert_string_equal(buf, "j/k move  Enter events  n/N flagged  Tab pane  ? help  q quit");
    keys_status_hints(PANE_EXPLAIN, 0, buf, sizeof buf);
    assert_string_equal(buf, "i interpret at the cursor  s stats  Tab pane  t theme  ? help  q quit  o zoom");
    keys_status_hints(PANE_CHART, HINTS_SESSIONS | HINTS_NO_THRESHOLD, buf, sizeof buf); /* a protocol's sessions */
    assert_string_equal(buf, "<- -> session  n/N flagged  Enter events  Tab pane  ? help  q quit");
    keys_status_hints(PANE_CHART, 0, buf, 20); /* cut short, still a string */
    assert_string_equal(buf, "<- -> segment  n/N ");
    assert_true(keys_help_line(0, buf, sizeof buf));
    assert_string_equal(buf, "j/k, arrows     move in the focused pane");
    keys_status_hints(PANE_TIMEVIEW, 0, buf, sizeof buf);
    assert_string_equal(buf, "<- -> pan  z/Z zoom  j/k threads  n/N next  v events  ? help  q quit");
    size_t n_lines = 0; /* the last line is quit's, whatever the table holds before it */
    while (keys_help_line(n_lines, buf, sizeof buf))
        n_lines++;
    assert_true(n_lines > 1 && keys_help_line(n_lines - 1, buf, sizeof buf));
    assert_string_equal(buf, "q               quit");
}

/* v puts the time view in the timeline's place; there z/Z zoom it around the cursor (not the
 * chart), Left/Right pan it with the cursor, j/k scroll its threads; Enter goes back. */
static void time_view_keys(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    app_key(app, 'v');
    assert_true(app->show_timeview);
    assert_int_equal(app->focus, PANE_TIMELINE);
    assert_int_equal(keys_pane(app), PANE_TIMEVIEW);
    app->tv_start = 0, app->tv_span = 799000; /* as the pane's update sets it: the whole trace */
    app_goto_event(app, 400);
    app_key(app, 'z');
    assert_int_equal(app->zoom, 0);
    assert_int_equal(app->tv_span, 399500);
    assert_int_equal(app->tv_start, 200000); /* the cursor keeps its place in the view */
    app_key(app, KEY_RIGHT);
    assert_int_equal(app->tv_start, 299875);
    assert_int_equal(app->cursor, 500);
    app_key(app, KEY_LEFT);
    assert_int_equal(app->tv_start, 200000);
    assert_int_equal(app->cursor, 401);
    app_key(app, 'j'), app_key(app, 'j'), app_key(app, 'k');
    assert_int_equal(app->tv_top, 1);
    assert_int_equal(app->cursor, 401); /* j/k scroll the threads, not the events */
    app_key(app, 'Z');
    assert_int_equal(app->tv_span, 799000);
    assert_int_equal(app->tv_start, 0);
    assert_contains(app->message, "the whole trace");
    app_key(app, '\n');
    assert_false(app->show_timeview);
    assert_int_equal(keys_pane(app), PANE_TIMELINE);
    app_key(app, 'z');
    assert_int_equal(app->zoom, 1); /* the chart's again */
    fixture_free(f);
}

#define TABLE_BEGIN "<!-- the key table: written by `make keys-doc` from tui/keys.c -->\n"
#define TABLE_END "<!-- end of the key table -->\n"

/* docs/KEYS.md's table is the one tui/keys.c writes: `make keys-doc` puts it there. */
/* Without a model there is no chart: Tab and S-Tab pass it by, so o never zooms an absent pane. */
static void tab_skips_the_absent_chart(void **state)
{
    (void)state;
    Fixture *f = fixture_new(false);
    App *app = &f->app;
    for (int i = 0; i < 2 * PANE_COUNT; i++) {
        app_key(app, i < PANE_COUNT ? '\t' : KEY_BTAB);
        assert_int_not_equal(app->focus, PANE_CHART);
    }
    fixture_free(f);
}

/* i on an event no window predicted says why, in the words explain uses. */
static void i_says_why_nothing_is_interpreted(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    app_goto_event(app, 0);
    app_key(app, 'i');
    assert_false(app->has_interp);
    assert_contains(app->message, "event 0 lies among its session's first keys");
    fixture_free(f);
}

static void keys_md_is_the_tables(void **state)
{
    (void)state;
    char *doc = slurp(DOCS_DIR "/KEYS.md");
    char *begin = strstr(doc, TABLE_BEGIN), *end = begin ? strstr(begin, TABLE_END) : NULL;
    if (!begin || !end)
        fail_msg("docs/KEYS.md has no lines %s and %s around its key table", TABLE_BEGIN, TABLE_END);
    begin += strlen(TABLE_BEGIN);
    *end = '\0';
    char *written = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&written, &len);
    keys_write_markdown(out);
    fclose(out);
    if (strcmp(begin, written) != 0)
        fail_msg("docs/KEYS.md's key table is not tui/keys.c's: run make keys-doc\n--- docs/KEYS.md:\n%s--- tui/keys.c:\n%s",
                 begin, written);
    free(written);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(moves_in_the_focused_pane),
        cmocka_unit_test(n_and_N_jump_between_flagged_segments),
        cmocka_unit_test(tab_cycles_the_panes),
        cmocka_unit_test(plus_and_minus_move_the_threshold),
        cmocka_unit_test(q_quits),
        cmocka_unit_test(reactions_say_what_to_draw),
        cmocka_unit_test(filter_and_bookmarks),
        cmocka_unit_test(search_looks_in_the_fields),
        cmocka_unit_test(without_a_model),
        cmocka_unit_test(w_writes_the_flagged_segments),
        cmocka_unit_test(enter_lands_on_the_worst_window),
        cmocka_unit_test(o_zooms_and_the_side_pane_scrolls),
        cmocka_unit_test(no_binding_is_shadowed),
        cmocka_unit_test(hint_slots_are_a_sequence),
        cmocka_unit_test(the_status_line_and_help_come_from_the_table),
        cmocka_unit_test(time_view_keys),
        cmocka_unit_test(tab_skips_the_absent_chart),
        cmocka_unit_test(i_says_why_nothing_is_interpreted),
        cmocka_unit_test(keys_md_is_the_tables),
    };
    return cmocka_run_group_tests_name("explorer keys", tests, NULL, NULL);
}
