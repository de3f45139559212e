/* The session as the unit: the verdicts on the real HDFS sessions count what `eval` counts, and
 * a session's reason, first miss and distinct count are what its keys make them. */
#include "test_util.h"

#include "../core/scored_set.h"
#include "../core/session_verdicts.h"

#define HDFS SHARED_DATA "/hdfs/"
#define FIXTURE_MODEL FIXTURES_DIR "/hdfs-deeplog.safetensors"

/* The committed HDFS model when there is one, else the same trained here by the command that
 * wrote it (make fixture-hdfs: seed 1, 10 epochs; byte for byte the same, a few seconds). */
static const char *hdfs_model(void)
{
    static const char *path;
    if (path)
        return path;
    if (access(FIXTURE_MODEL, R_OK) == 0)
        return path = FIXTURE_MODEL;
    const char *out = test_path("hdfs.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--seed", "1", "--epochs", "10", "-o", out, "--sessions",
                               HDFS "hdfs_train");
    assert_status(r, 0);
    run_result_free(&r);
    return path = out;
}

static size_t json_count(const char *json, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *at = strstr(json, key);
    if (!at)
        fail_msg("no %s in %s", name, json);
    return (size_t)strtoull(at + strlen(key), NULL, 10);
}

static void load(ScoredSet *s, const char *model, const TraceInput *in, size_t n)
{
    ModelRequest req = {.path = model};
    TraceRequest tr = {0};
    Error err = {0};
    if (!scored_set_load(s, &req, &tr, in, n, NULL, &err))
        fail_msg("%s", err.msg);
}

static void flagged_distinct_sessions_are_what_eval_counts(void **state)
{
    (void)state;
    require_shared_data();
    const char *model = hdfs_model();
    RunResult r = run_traceaid("eval", "--model", model, "--normal", HDFS "hdfs_test_normal", "--abnormal",
                               HDFS "hdfs_test_abnormal", "--json");
    assert_status(r, 0);
    ScoredSet s;
    TraceInput in[2] = {{HDFS "hdfs_test_normal", TRACE_FORMAT_AUTO}, {HDFS "hdfs_test_abnormal", TRACE_FORMAT_AUTO}};
    load(&s, model, in, 2);
    const SessionVerdicts *normal = &s.sessions[0], *abnormal = &s.sessions[1];
    assert_int_equal(normal->n_sessions, s.set.traces[0].n_sessions);
    assert_int_equal(abnormal->n_sessions, 16838); /* the last line has no newline */
    assert_int_equal(abnormal->n_distinct, 4123);  /* as the data's README counts them */
    EvalCounts c = {0};
    session_verdicts_count(normal, false, &c);
    session_verdicts_count(abnormal, true, &c);
    assert_int_equal(c.tp, json_count(r.out, "tp"));
    assert_int_equal(c.fp, json_count(r.out, "fp"));
    assert_int_equal(c.fn, json_count(r.out, "fn"));
    assert_int_equal(c.tn, json_count(r.out, "tn"));
    assert_int_equal(normal->n_flagged_distinct + abnormal->n_flagged_distinct, c.tp + c.fp);
    /* the counts of identical sessions add up to the sessions */
    size_t sessions = 0;
    for (size_t d = 0; d < abnormal->n_distinct; d++)
        sessions += abnormal->distinct_count[d];
    assert_int_equal(sessions, abnormal->n_sessions);
    run_result_free(&r);
    scored_set_free(&s);
}

/* A short session, one with a key the model never saw, and the same session three times. */
static void reasons_first_miss_and_counts(void **state)
{
    (void)state;
    require_shared_data();
    const char *normal = "5 5 5 22 11 9 11 9 11 9 26 26 26 \n";
    char text[4096];
    snprintf(text, sizeof text, "%s5 5 5\n5 5 5 22 11 9 11 9 11 9 26 26 26 29 \n%s%s", normal, normal, normal);
    const char *path = write_text("few.sessions", text);
    ScoredSet s;
    TraceInput in = {path, TRACE_FORMAT_SESSIONS};
    load(&s, hdfs_model(), &in, 1);
    const SessionVerdicts *v = &s.sessions[0];
    assert_int_equal(v->n_sessions, 5);
    assert_int_equal(v->n_distinct, 3);
    assert_int_equal(v->distinct_count[0], 3);
    assert_int_equal(v->session[3].distinct, 0);
    assert_int_equal(v->session[1].reason, SESSION_SHORT);
    assert_int_equal(v->session[1].first, 13);
    assert_int_equal(v->session[1].length, 3);
    assert_true(v->session[1].first_miss == SESSION_NO_EVENT);
    assert_int_equal(v->session[2].reason, SESSION_UNKNOWN);
    assert_int_equal(v->session[2].first_miss, 16 + 13); /* the unknown key, the 14th */
    assert_int_equal(session_verdicts_at(v, 15), 1);
    assert_int_equal(session_verdicts_at(v, 16), 2);
    assert_string_equal(session_reason_label(SESSION_UNKNOWN), "unknown key");
    scored_set_free(&s);
}

/* A model without a session protocol (seq2seq): uncalibrated, the protocol's rule; with a
 * threshold, a session is flagged when its score is over it, and the verdicts follow the
 * threshold as it moves. */
/* explain --session on a session with no miss says why it is anomalous all the same (too short
 * to predict), in text and in JSON, rather than that the model deems it normal. */
static void explain_says_why_a_session_has_no_window(void **state)
{
    (void)state;
    RunResult r = run_traceaid("explain", "--model", hdfs_model(), "--sessions", HDFS "hdfs_test_abnormal", "--session", "2");
    assert_status(r, 0);
    assert_contains(r.out, "session 2: 3 keys, fewer than the 11 a prediction needs");
    run_result_free(&r);
    r = run_traceaid("explain", "--json", "--model", hdfs_model(), "--sessions", HDFS "hdfs_test_abnormal", "--session", "2");
    assert_status(r, 0);
    assert_contains(r.out, "\"interpreted\":false,\"anomalous\":true,\"reason\":\"short\",\"length\":3}");
    run_result_free(&r);
    r = run_traceaid("explain", "--json", "--model", hdfs_model(), "--sessions", HDFS "hdfs_test_normal", "--session", "1");
    assert_status(r, 0);
    assert_contains(r.out, "\"anomalous\":false,\"reason\":\"normal\"");
    run_result_free(&r);
}

/* w and W in a trace of sessions write its flagged distinct sessions beside it, as the flagged
 * list shows them: session 2 of the first 2,000 of hdfs_test_abnormal is too short, 73 are it. */
static void w_writes_the_flagged_sessions(void **state)
{
    (void)state;
    char cmd[1200], sessions[600];
    snprintf(sessions, sizeof sessions, "%s", test_path("abnormal-head"));
    snprintf(cmd, sizeof cmd, "head -2000 '%s' > '%s'", HDFS "hdfs_test_abnormal", sessions);
    assert_int_equal(system(cmd), 0);
    RunResult r = run_traceaid("--model", hdfs_model(), "--abnormal", sessions, "--script",
                               write_text("w.script", "key w\nkey W\ndump\n"));
    assert_status(r, 0);
    assert_contains(r.out, "flagged distinct sessions to abnormal-head.flagged-sessions.json");
    run_result_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s.flagged-sessions.csv", sessions);
    char *csv = slurp(path);
    assert_contains(csv, "file,session,first_event,length,count,first_miss,reason,label,mark\n");
    assert_contains(csv, ",2,25,3,73,,\"short\",\"abnormal\",\n"); /* no first miss, no mark: empty fields */
    free(csv);
    snprintf(path, sizeof path, "%s.flagged-sessions.json", sessions);
    char *json = slurp(path);
    assert_contains(json, "\"label\":\"abnormal\"");
    assert_contains(json, "{\"session\":2,\"first_event\":25,\"length\":3,");
    free(json);
}

static void seq2seq_sessions_by_threshold(void **state)
{
    (void)state;
    require_shared_data();
    const char *model = test_path("s2s.safetensors");
    RunResult r = run_traceaid("train", "--model", "seq2seq", "--epochs", "1", "--hidden", "16", "--embed", "8",
                               "--attn", "8", "--seed", "1", "-o", model, "--sessions", HDFS "hdfs_train");
    assert_status(r, 0);
    run_result_free(&r);
    ScoredSet s;
    TraceInput in = {HDFS "hdfs_test_abnormal", TRACE_FORMAT_SESSIONS};
    load(&s, model, &in, 1);
    const SessionVerdicts *v = &s.sessions[0];
    assert_false(model_has_eval(&s.model));
    if (model_calibration(&s.model)->calibrated)
        assert_true(v->by_threshold);
    scored_set_set_threshold(&s, 0.5f);
    assert_true(v->by_threshold);
    size_t flagged = 0;
    for (size_t i = 0; i < v->n_sessions; i++) {
        const SessionVerdict *sv = &v->session[i];
        bool over = sv->predicted && sv->score > 0.5f;
        assert_int_equal(session_flagged(v, i), over);
        assert_true(!over || sv->reason == SESSION_OVER_THRESHOLD);
        flagged += over;
    }
    assert_int_equal(v->n_flagged, flagged);
    size_t at_half = v->n_flagged;
    scored_set_set_threshold(&s, 0.9f);
    assert_true(v->n_flagged <= at_half);
    scored_set_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flagged_distinct_sessions_are_what_eval_counts),
        cmocka_unit_test(reasons_first_miss_and_counts),
        cmocka_unit_test(seq2seq_sessions_by_threshold),
        cmocka_unit_test(explain_says_why_a_session_has_no_window),
        cmocka_unit_test(w_writes_the_flagged_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
