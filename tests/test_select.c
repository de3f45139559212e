/* traceaid train choosing DeepLog's epochs and top-g on held-out normal sessions: what it
 * holds out, what it chooses and says, that the same seed gives the same model, and that
 * --epochs, --top-g and --select off win. */
#include "test_util.h"

#include "../core/select.h"

static bool same_bytes(const char *a, const char *b)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

static int top_g_of(const char *path)
{
    Model m;
    Error err = {0};
    if (!model_load(&m, path, NULL, &err))
        fail_msg("%s", err.msg);
    int g = model_top_g(&m);
    model_free(&m);
    return g;
}

/* The number after fragment in text, or -1. */
static int number_after(const char *text, const char *fragment)
{
    const char *at = strstr(text, fragment);
    return at ? atoi(at + strlen(fragment)) : -1;
}

#define TRAIN_HDFS(out, ...) \
    run_traceaid("train", "--model", "deeplog", "-o", (out), "--sessions", SHARED_DATA "/hdfs/hdfs_train", __VA_ARGS__)

/* Every 10th session is held out (485 of 4,855), and the first model's epochs are tried up to
 * --max-epochs; the model written has the epochs and top-g it printed. */
static void chooses_and_says_why(void **state)
{
    (void)state;
    require_shared_data();
    const char *model = test_path("chosen.safetensors");
    RunResult r = TRAIN_HDFS(model, "--select", "held-out", "--max-epochs", "6");
    assert_status(r, 0);
    assert_contains(r.err, "train: held out every 10th session (485 sessions); a first model trained on the rest "
                           "for 6 epochs");
    int epochs = number_after(r.err, "train: epochs ");
    int g = number_after(r.err, "train: top-g ");
    assert_in_range(epochs, 1, 6);
    assert_in_range(g, 1, 26);
    assert_contains(r.err, ": the lowest held-out loss (");
    assert_contains(r.err, ": the smallest that flags at most 0.5% of the held-out sessions at that epoch (");
    char trained[64];
    snprintf(trained, sizeof trained, "train: %d epochs in", epochs);
    assert_contains(r.err, trained);
    assert_int_equal(top_g_of(model), g);
    run_result_free(&r);
}

/* The same seed and file give the same choice and the same bytes; the model is the one that
 * training with the chosen options and no selection gives. */
static void deterministic(void **state)
{
    (void)state;
    require_shared_data();
    const char *a = test_path("a.safetensors"), *b = test_path("b.safetensors"), *c = test_path("c.safetensors");
    RunResult ra = TRAIN_HDFS(a, "--select", "held-out", "--max-epochs", "5", "--seed", "2");
    RunResult rb = TRAIN_HDFS(b, "--select", "held-out", "--max-epochs", "5", "--seed", "2");
    assert_status(ra, 0);
    assert_status(rb, 0);
    assert_true(same_bytes(a, b));
    int epochs = number_after(ra.err, "train: epochs "), g = number_after(ra.err, "train: top-g ");
    assert_int_equal(epochs, number_after(rb.err, "train: epochs "));
    assert_int_equal(g, number_after(rb.err, "train: top-g "));
    char text_epochs[16], text_g[16];
    snprintf(text_epochs, sizeof text_epochs, "%d", epochs);
    snprintf(text_g, sizeof text_g, "%d", g);
    RunResult rc = TRAIN_HDFS(c, "--select", "off", "--epochs", text_epochs, "--top-g", text_g, "--seed", "2");
    assert_status(rc, 0);
    assert_true(same_bytes(a, c));
    run_result_free(&ra);
    run_result_free(&rb);
    run_result_free(&rc);
}

/* --epochs: the first model trains that many and only top-g is chosen; --epochs with --top-g, or
 * --select off, choose nothing. */
static void explicit_options_win(void **state)
{
    (void)state;
    require_shared_data();
    const char *model = test_path("explicit.safetensors");
    RunResult r = TRAIN_HDFS(model, "--select", "held-out", "--epochs", "3");
    assert_status(r, 0);
    assert_contains(r.err, "for 3 epochs");
    assert_null(strstr(r.err, "train: epochs "));
    assert_contains(r.err, "train: 3 epochs in");
    assert_int_equal(top_g_of(model), number_after(r.err, "train: top-g "));
    run_result_free(&r);

    r = TRAIN_HDFS(model, "--select", "held-out", "--epochs", "2", "--top-g", "7");
    assert_status(r, 0);
    assert_null(strstr(r.err, "held out"));
    assert_int_equal(top_g_of(model), 7);
    run_result_free(&r);

    r = TRAIN_HDFS(model, "--select", "off", "--epochs", "2");
    assert_status(r, 0);
    assert_null(strstr(r.err, "held out"));
    assert_int_equal(top_g_of(model), 9);
    run_result_free(&r);
}

static void share_and_mode_checked(void **state)
{
    (void)state;
    require_shared_data();
    const char *model = test_path("share.safetensors");
    RunResult r = TRAIN_HDFS(model, "--select", "held-out", "--validation", "0.2", "--epochs", "2");
    assert_status(r, 0);
    assert_contains(r.err, "held out every 5th session (971 sessions)");
    run_result_free(&r);
    r = TRAIN_HDFS(model, "--select", "sometimes", "--epochs", "2");
    assert_status(r, 2);
    assert_contains(r.err, "--select sometimes: held-out or off");
    run_result_free(&r);
}

/* Too few sessions to hold one out: the defaults, said so. */
static void too_few_sessions(void **state)
{
    (void)state;
    const char *sessions = write_text("few", "1 2 3 4 5 6 7 8 9 10 11 12\n1 2 3 4 5 6 7 8 9 10 11 13\n");
    const char *model = test_path("few.safetensors");
    RunResult r = run_traceaid("train", "--model", "deeplog", "--select", "held-out", "--epochs", "1", "-o", model,
                               "--sessions", sessions);
    assert_status(r, 0);
    assert_contains(r.err, "train: fewer than 10 sessions, none to hold out: the epochs and top-g are the defaults");
    assert_int_equal(top_g_of(model), 9);
    run_result_free(&r);
}

/* Not for seq2seq, nor for traces: they train as before, saying nothing of a choice. */
static void only_deeplog_on_sessions(void **state)
{
    (void)state;
    require_shared_data();
    const char *model = test_path("s2s.safetensors");
    RunResult r = TRAIN_HDFS(model, "--select", "held-out", "--model", "seq2seq", "--hidden", "8", "--embed", "4",
                             "--attn", "4", "--epochs", "1");
    assert_status(r, 0);
    assert_null(strstr(r.err, "held out"));
    run_result_free(&r);
}

/* The stall rule: no epoch among the last `patience` beat the lowest loss before them. */
static void stalled_after_patience(void **state)
{
    (void)state;
    SelectEpoch epochs[6] = {{.loss = 3}, {.loss = 2}, {.loss = 2.5}, {.loss = 2.1}, {.loss = 1.9}, {.loss = 2.2}};
    Selection sel = {.n_epochs = 4, .epochs = epochs};
    assert_true(select_stalled(&sel, 2));     /* 2.5, 2.1 after the 2 */
    assert_false(select_stalled(&sel, 3));    /* 2 is among the last 3 */
    sel.n_epochs = 6;
    assert_false(select_stalled(&sel, 2));    /* 1.9 */
    assert_false(select_stalled(&sel, 6));    /* not that many epochs before */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stalled_after_patience),
        cmocka_unit_test(chooses_and_says_why),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(explicit_options_win),
        cmocka_unit_test(share_and_mode_checked),
        cmocka_unit_test(only_deeplog_on_sessions),
        cmocka_unit_test(too_few_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
