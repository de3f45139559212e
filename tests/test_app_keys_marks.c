/* The explorer's marks keys without a terminal, on the small App of app_fixture.h: F, A and u
 * write the marks file beside the trace at once; U learns them in a worker thread, Esc cancels,
 * and a failed rescoring writes nothing. */
#include "app_fixture.h"


#include "../tui/keys.h"
#include "../tui/marks_keys.h"
#include "../tui/updater.h"

/* F, A and u on the selected segment: each change in the file beside the trace at once, a second
 * F says it is marked already, A changes the mark, u undoes down to nothing; an unflagged segment
 * marked anomalous joins the flagged list. */
static void f_a_and_u_mark_and_undo(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    char path[600];
    assert_true(labels_path(app_trace(app)->path, path, sizeof path));
    unlink(path);
    app_key(app, 'F'); /* before the traces are in, nothing to mark in */
    assert_contains(app->message, "not loaded");
    app->message[0] = '\0';
    app_open_marks(app);
    assert_int_equal(app->message[0], '\0'); /* no file: nothing to say */
    assert_int_equal(app_flagged_rows(app), 2);
    app->segment = 3;
    assert_true(app_key(app, 'F') & REACT_VIEW);
    assert_contains(app->message, "segment 4 marked normal: small.csv.labels.csv (1 mark)");
    Labels l;
    Error err = {0};
    assert_true(labels_load(&l, path, &err));
    assert_int_equal(l.n_rows, 1);
    assert_int_equal(l.rows[0].first_event, 300);
    assert_int_equal(l.rows[0].events, 100);
    assert_int_equal(l.rows[0].label, LABEL_NORMAL);
    assert_string_equal(l.rows[0].keys[0], "COMM/SEND");
    assert_string_equal(l.rows[0].keys[1], "IO/WRITE");
    labels_free(&l);
    assert_int_equal(app_event_mark(app, 350), LABEL_NORMAL);
    assert_int_equal(app_event_mark(app, 400), MARK_NONE);
    app_key(app, 'F');
    assert_contains(app->message, "segment 4 is already marked normal");
    app_key(app, 'A'); /* the other label: the row changes */
    assert_contains(app->message, "marked anomalous (was the other)");
    assert_int_equal(app_event_mark(app, 350), LABEL_ANOMALOUS);
    assert_int_equal(app_flagged_rows(app), 3); /* segment 4, not flagged, marked anomalous: listed */
    assert_int_equal(app_flagged_segment(app, 1), 3);
    assert_int_equal(app_flagged_segment(app, 2), 5);
    assert_true(labels_load(&l, path, &err));
    assert_int_equal(l.n_rows, 1);
    assert_int_equal(l.rows[0].label, LABEL_ANOMALOUS);
    labels_free(&l);
    /* in the flagged list, its selected row's segment */
    app->focus = PANE_FLAGGED;
    app->flagged_row = 2;
    app_key(app, 'F');
    assert_contains(app->message, "segment 6 marked normal");
    assert_int_equal(marks_count(&app->marks), 2);
    /* w: the flagged segments and segment 4 (marked anomalous), each with its mark */
    app_key(app, 'w');
    char *csv = slurp(test_path("small.csv.flagged.csv"));
    assert_contains(csv, "flagged,score,mark\n");
    assert_contains(csv, ",4,300,399,");
    assert_contains(csv, ",0,0.100000,anomalous\n");
    assert_contains(csv, ",6,500,599,");
    assert_contains(csv, ",1,0.500000,normal\n");
    assert_contains(csv, ",1,0.500000,\n"); /* segment 3: flagged, not marked */
    free(csv);
    size_t unknown[1] = {0}; /* the JSON says it; the fixture leaves it out */
    f->scored.unknown = unknown;
    app_key(app, 'W');
    f->scored.unknown = NULL;
    char *json = slurp(test_path("small.csv.flagged.json"));
    assert_contains(json, "\"flagged\":false,\"mark\":\"anomalous\"}");
    assert_contains(json, "\"flagged\":true,\"mark\":null}");
    free(json);
    app_key(app, 'u');
    assert_contains(app->message, "undone: events 500-599 unmarked");
    app_key(app, 'u');
    assert_contains(app->message, "undone: events 300-399 normal again");
    assert_int_equal(app_event_mark(app, 350), LABEL_NORMAL);
    app_key(app, 'u');
    assert_int_equal(marks_count(&app->marks), 0);
    assert_int_equal(app_flagged_rows(app), 2);
    assert_true(app->flagged_row < 2); /* the row stays on the list */
    app_key(app, 'u');
    assert_contains(app->message, "no mark of this run to undo");
    assert_true(labels_load(&l, path, &err));
    assert_int_equal(l.n_rows, 0);
    labels_free(&l);
    fixture_free(f);
    /* without a model no segment was scored: nothing to mark */
    f = fixture_new(false);
    app_open_marks(&f->app);
    app_key(&f->app, 'A');
    assert_contains(f->app.message, "no model");
    fixture_free(f);
}

/* U: not without a model nor where the explorer did not say how the traces were opened; Esc
 * (app_cancel_update) stops a running update: nothing written, the model in use kept, and the
 * marks not learned (U tries them again). */
static void u_updates_and_esc_cancels(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    char path[600];
    assert_true(labels_path(app_trace(app)->path, path, sizeof path));
    unlink(path);
    app_open_marks(app);
    app_key(app, 'U');
    assert_contains(app->message, "update: not available here");
    char model[600], updated[600], cmd[1500];
    snprintf(model, sizeof model, "%s", test_path("m.safetensors"));
    snprintf(updated, sizeof updated, "%s", test_path("m.updated.safetensors"));
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cp '%s' '%s'", FIXTURES_DIR "/flight-small.safetensors", model,
             FIXTURES_DIR "/flight-small.windows.safetensors", test_path("m.windows.safetensors"));
    assert_int_equal(system(cmd), 0);
    UpdateSource src = {.model = {.path = model}};
    app->update_src = &src;
    snprintf(app->model_path, sizeof app->model_path, "%s", model);
    app_key(app, 'U');
    assert_contains(app->message, "no normal mark to learn");
    app->segment = 3;
    app_key(app, 'F');
    app_key(app, 'U');
    assert_contains(app->message, "updating the model from 1 normal mark");
    assert_non_null(app->updater);
    app_key(app, 'U');
    assert_contains(app->message, "the model is being updated");
    app_cancel_update(app);
    app_wait_update(app);
    assert_null(app->updater);
    assert_contains(app->message, "update cancelled: the model in use is unchanged");
    assert_int_equal(access(updated, F_OK), -1);
    assert_int_equal(app->n_learned, 0);
    assert_true(app->scored == &f->scored && app->scored->set.n_traces == 1);
    fixture_free(f);
    f = fixture_new(false);
    app_key(&f->app, 'U');
    assert_contains(f->app.message, "no model to update");
    fixture_free(f);
}

/* From the second U on the model in use is NAME.updated.safetensors, the file the update writes:
 * a rescoring that fails (here the trace to read again is gone) leaves it as it was, and no
 * pending file behind, so that "the model in use is unchanged" is true and U learning the marks
 * again does not learn them twice. */
static void a_failed_rescoring_writes_nothing(void **state)
{
    (void)state;
    Fixture *f = fixture_new(true);
    App *app = &f->app;
    char path[600];
    assert_true(labels_path(app_trace(app)->path, path, sizeof path));
    unlink(path);
    app_open_marks(app);
    char model[600], pending[600], cmd[1500];
    snprintf(model, sizeof model, "%s", test_path("r.updated.safetensors"));
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cp '%s' '%s'", FIXTURES_DIR "/flight-small.safetensors", model,
             FIXTURES_DIR "/flight-small.windows.safetensors", test_path("r.updated.windows.safetensors"));
    assert_int_equal(system(cmd), 0);
    TraceInput gone = {test_path("no-such-trace.csv"), TRACE_FORMAT_AUTO};
    UpdateSource src = {.model = {.path = model}, .inputs = &gone, .n_inputs = 1};
    app->update_src = &src;
    snprintf(app->model_path, sizeof app->model_path, "%s", model);
    app->segment = 3;
    app_key(app, 'F');
    app_key(app, 'U');
    assert_contains(app->message, "updating the model from 1 normal mark");
    app_wait_update(app);
    assert_contains(app->message, "update failed");
    assert_contains(app->message, "no-such-trace.csv");
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s' && cmp -s '%s' '%s'", FIXTURES_DIR "/flight-small.safetensors", model,
             FIXTURES_DIR "/flight-small.windows.safetensors", test_path("r.updated.windows.safetensors"));
    assert_int_equal(system(cmd), 0);
    snprintf(pending, sizeof pending, "%s", test_path("r.updated.pending.safetensors"));
    assert_int_equal(access(pending, F_OK), -1);
    snprintf(pending, sizeof pending, "%s", test_path("r.updated.pending.windows.safetensors"));
    assert_int_equal(access(pending, F_OK), -1);
    assert_int_equal(app->n_learned, 0);
    assert_string_equal(app->model_path, model);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(f_a_and_u_mark_and_undo),
        cmocka_unit_test(u_updates_and_esc_cancels),
        cmocka_unit_test(a_failed_rescoring_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
