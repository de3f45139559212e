/* The marks of open traces (core/marks.h): a session's mark shared by its identical sessions, a
 * second mark of the same label changing nothing and of the other changing the row, the undo
 * stack, rows that no longer match kept in the file but not applied, and a malformed file never
 * written over. */
#include "test_util.h"

#include "../core/marks.h"

/* A file of three sessions, the third identical to the first: 1 2 3 / 4 4 / 1 2 3. */
static void sessions_set(TraceSet *set, const char *name)
{
    Error err = {0};
    trace_set_init(set);
    set->traces = calloc(1, sizeof *set->traces);
    set->n_traces = 1;
    Trace *t = &set->traces[0];
    assert_true(trace_begin(t, test_path(name), TRACE_FORMAT_SESSIONS, &err));
    const uint32_t keys[3][3] = {{1, 2, 3}, {4, 4, 0}, {1, 2, 3}};
    const size_t lens[3] = {3, 2, 3};
    for (int s = 0; s < 3; s++) {
        for (size_t e = 0; e < lens[s]; e++) {
            uint32_t id;
            assert_true(vocab_session_key(&set->vocab, keys[s][e], &id, &err));
            assert_true(trace_append(t, id, (int64_t)e, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0, &err));
        }
        assert_true(trace_end_session(t, &err));
    }
}

/* The verdicts' part the marks read: each session's first event and its distinct session. */
static void verdicts(SessionVerdicts *v, SessionVerdict *sessions)
{
    memset(v, 0, sizeof *v);
    sessions[0] = (SessionVerdict){.first = 0, .length = 3, .distinct = 0};
    sessions[1] = (SessionVerdict){.first = 3, .length = 2, .distinct = 1};
    sessions[2] = (SessionVerdict){.first = 5, .length = 3, .distinct = 0};
    v->n_sessions = 3;
    v->session = sessions;
}

static const char *marks_file(const char *name)
{
    static char path[700];
    snprintf(path, sizeof path, "%s" LABELS_SUFFIX, test_path(name));
    return path;
}

static void identical_sessions_share_a_mark(void **state)
{
    (void)state;
    TraceSet set;
    sessions_set(&set, "shared");
    SessionVerdicts v;
    SessionVerdict sv[3];
    verdicts(&v, sv);
    unlink(marks_file("shared"));
    Marks m;
    char note[200];
    Error err = {0};
    assert_true(marks_open(&m, &set, note, sizeof note, &err));
    assert_string_equal(note, "");
    assert_int_equal(marks_set(&m, &set, 0, &v, LABEL_UNIT_SESSION, 0, 3, LABEL_NORMAL, &err), MARK_ADDED);
    assert_int_equal(marks_session_label(&m, 0, &set.traces[0], &v, 2), LABEL_NORMAL);  /* identical */
    assert_int_equal(marks_session_label(&m, 0, &set.traces[0], NULL, 2), MARK_NONE);   /* its own range */
    assert_int_equal(marks_session_label(&m, 0, &set.traces[0], &v, 1), MARK_NONE);
    /* the third session is the first's: marked already, and A changes the first's row */
    assert_int_equal(marks_set(&m, &set, 0, &v, LABEL_UNIT_SESSION, 5, 3, LABEL_NORMAL, &err), MARK_ALREADY);
    assert_int_equal(marks_set(&m, &set, 0, &v, LABEL_UNIT_SESSION, 5, 3, LABEL_ANOMALOUS, &err), MARK_CHANGED);
    assert_int_equal(marks_count(&m), 1);
    Labels l;
    assert_true(labels_load(&l, marks_file("shared"), &err));
    assert_int_equal(l.n_rows, 1);
    assert_int_equal(l.rows[0].first_event, 0);
    assert_int_equal(l.rows[0].label, LABEL_ANOMALOUS);
    labels_free(&l);
    MarkChange c;
    assert_true(marks_undo(&m, &c, &err));
    assert_int_equal(c.before, LABEL_NORMAL);
    assert_int_equal(marks_session_label(&m, 0, &set.traces[0], &v, 2), LABEL_NORMAL);
    assert_true(marks_undo(&m, &c, &err));
    assert_int_equal(c.before, MARK_NONE);
    assert_int_equal(marks_count(&m), 0);
    assert_false(marks_undo(&m, &c, &err));
    assert_false(err.failed);
    assert_true(labels_load(&l, marks_file("shared"), &err));
    assert_int_equal(l.n_rows, 0);
    labels_free(&l);
    marks_free(&m);
    trace_set_free(&set);
}

static void stale_rows_are_kept_not_applied(void **state)
{
    (void)state;
    TraceSet set;
    sessions_set(&set, "stale");
    write_text("stale" LABELS_SUFFIX, "unit,first_event,events,label,keys\n"
                                      "session,3,2,normal,4 4\n"
                                      "session,3,2,anomalous,4 5\n"  /* the keys differ */
                                      "session,1,2,normal,2 3\n");   /* not a session */
    Marks m;
    char note[200];
    Error err = {0};
    assert_true(marks_open(&m, &set, note, sizeof note, &err));
    assert_contains(note, "stale.labels.csv:3: 2 marks no longer match the trace, not applied");
    assert_int_equal(marks_count(&m), 1);
    assert_int_equal(marks_range_label(&m, 0, 3, 5), LABEL_NORMAL); /* the stale anomalous row is not */
    assert_int_equal(marks_set(&m, &set, 0, NULL, LABEL_UNIT_SESSION, 0, 3, LABEL_ANOMALOUS, &err), MARK_ADDED);
    char *text = slurp(marks_file("stale"));
    assert_contains(text, "session,3,2,anomalous,\"4 5\"\n"); /* kept, as it was */
    assert_contains(text, "session,1,2,normal,\"2 3\"\n");
    assert_contains(text, "session,0,3,anomalous,\"1 2 3\"\n");
    free(text);
    marks_free(&m);
    trace_set_free(&set);
}

static void a_malformed_file_is_not_written_over(void **state)
{
    (void)state;
    TraceSet set;
    sessions_set(&set, "broken");
    const char *bad = "unit,first_event,events,label,keys\nsession,0,3,maybe,1 2 3\n";
    write_text("broken" LABELS_SUFFIX, bad);
    Marks m;
    char note[300];
    Error err = {0};
    assert_true(marks_open(&m, &set, note, sizeof note, &err));
    assert_contains(note, "broken.labels.csv:2:13: label: expected normal or anomalous");
    assert_contains(note, "not used nor saved");
    assert_int_equal(marks_set(&m, &set, 0, NULL, LABEL_UNIT_SESSION, 0, 3, LABEL_NORMAL, &err), MARK_FAILED);
    assert_contains(err.msg, "did not load");
    char *text = slurp(marks_file("broken"));
    assert_string_equal(text, bad);
    free(text);
    marks_free(&m);
    trace_set_free(&set);
}

/* A file that cannot be loaded (a count no line can fill once sized an allocation that failed)
 * turns off that trace's marks, with the reason: the other trace's marks still work. */
static void a_bad_file_leaves_the_other_traces_marks(void **state)
{
    (void)state;
    TraceSet set;
    sessions_set(&set, "huge");
    Trace *second = realloc(set.traces, 2 * sizeof *second);
    assert_non_null(second);
    set.traces = second;
    Error err = {0};
    assert_true(trace_begin(&set.traces[1], test_path("fine"), TRACE_FORMAT_SESSIONS, &err));
    uint32_t id;
    assert_true(vocab_session_key(&set.vocab, 1, &id, &err));
    assert_true(trace_append(&set.traces[1], id, 0, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0, &err));
    assert_true(trace_end_session(&set.traces[1], &err));
    set.n_traces = 2;
    write_text("huge" LABELS_SUFFIX, "unit,first_event,events,label,keys\nsession,0,1099511627776,normal,1\n");
    unlink(marks_file("fine"));
    Marks m;
    char note[300];
    assert_true(marks_open(&m, &set, note, sizeof note, &err));
    assert_contains(note, "huge.labels.csv:2:");
    assert_contains(note, "names for 1099511627776 events");
    assert_int_equal(marks_set(&m, &set, 0, NULL, LABEL_UNIT_SESSION, 0, 3, LABEL_NORMAL, &err), MARK_FAILED);
    assert_int_equal(marks_set(&m, &set, 1, NULL, LABEL_UNIT_SESSION, 0, 1, LABEL_NORMAL, &err), MARK_ADDED);
    assert_int_equal(marks_count_trace(&m, 1), 1);
    marks_free(&m);
    trace_set_free(&set);
}

/* A mark the file did not take is taken back: not applied, not on the undo stack, the status
 * told why. (The save fails through a directory where the file goes: chmod stops no root.) */
static void a_failed_save_takes_the_mark_back(void **state)
{
    (void)state;
    TraceSet set;
    sessions_set(&set, "unsaved");
    SessionVerdicts v;
    SessionVerdict sv[3];
    verdicts(&v, sv);
    unlink(marks_file("unsaved"));
    Marks m;
    char note[200];
    Error err = {0};
    assert_true(marks_open(&m, &set, note, sizeof note, &err));
    assert_true(mkdir(marks_file("unsaved"), 0755) == 0);
    assert_int_equal(marks_set(&m, &set, 0, &v, LABEL_UNIT_SESSION, 3, 2, LABEL_NORMAL, &err), MARK_FAILED);
    assert_contains(err.msg, "unsaved.labels.csv");
    assert_int_equal(marks_count_trace(&m, 0), 0);
    assert_int_equal(m.of[0].labels.n_rows, 0);
    assert_int_equal(marks_session_label(&m, 0, &set.traces[0], &v, 1), MARK_NONE);
    MarkChange c;
    memset(&err, 0, sizeof err);
    assert_false(marks_undo(&m, &c, &err)); /* nothing to undo */
    assert_false(err.failed);
    /* a row changed to the other label goes back to its own */
    assert_true(rmdir(marks_file("unsaved")) == 0);
    assert_int_equal(marks_set(&m, &set, 0, &v, LABEL_UNIT_SESSION, 3, 2, LABEL_NORMAL, &err), MARK_ADDED);
    unlink(marks_file("unsaved"));
    assert_true(mkdir(marks_file("unsaved"), 0755) == 0);
    assert_int_equal(marks_set(&m, &set, 0, &v, LABEL_UNIT_SESSION, 3, 2, LABEL_ANOMALOUS, &err), MARK_FAILED);
    assert_int_equal(marks_session_label(&m, 0, &set.traces[0], &v, 1), LABEL_NORMAL);
    assert_int_equal(m.n_undo, 1);
    /* an undo the file did not take is not done either */
    assert_false(marks_undo(&m, &c, &err));
    assert_true(err.failed);
    assert_int_equal(marks_session_label(&m, 0, &set.traces[0], &v, 1), LABEL_NORMAL);
    assert_int_equal(marks_count_trace(&m, 0), 1);
    assert_int_equal(m.n_undo, 1);
    assert_true(rmdir(marks_file("unsaved")) == 0);
    memset(&err, 0, sizeof err);
    assert_true(marks_undo(&m, &c, &err));
    assert_int_equal(marks_count_trace(&m, 0), 0);
    char *text = slurp(marks_file("unsaved"));
    assert_null(strstr(text, "session,3,"));
    free(text);
    marks_free(&m);
    trace_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_sessions_share_a_mark),
        cmocka_unit_test(stale_rows_are_kept_not_applied),
        cmocka_unit_test(a_malformed_file_is_not_written_over),
        cmocka_unit_test(a_bad_file_leaves_the_other_traces_marks),
        cmocka_unit_test(a_failed_save_takes_the_mark_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
