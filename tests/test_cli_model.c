/* The model commands through the real binary: train, eval, calibrate, score, info. */
#include "test_util.h"

#include <signal.h>
#include <time.h>

#include "../io/json.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

/* n sessions of the cycle 1..6, each from a different start */
static const char *cyclic_sessions(const char *name, int n, int length)
{
    static char text[65536];
    size_t o = 0;
    for (int s = 0; s < n; s++) {
        for (int i = 0; i < length; i++)
            o += (size_t)snprintf(text + o, sizeof text - o, "%d ", (s + i) % 6 + 1);
        text[o++] = '\n';
    }
    text[o] = '\0';
    return write_text(name, text);
}

static const char *train_small(const char *name, const char *sessions)
{
    const char *model = test_path(name);
    RunResult r = run_traceaid("train", "--hidden", "8", "--layers", "1", "--window", "3", "--top-g", "1",
                               "--epochs", "150", "--batch", "4", "--lr", "0.02", "-o", model, "--sessions", sessions);
    if (r.status != 0)
        fail_msg("train failed (%d): %s", r.status, r.err);
    assert_contains(r.err, "train: 204 windows of 3 keys (6 distinct), 6 keys");
    assert_contains(r.err, "train: 150 epochs");
    run_result_free(&r);
    return model;
}

static void train_eval_info(void **state)
{
    (void)state;
    const char *train = cyclic_sessions("train.txt", 12, 20);
    const char *model = train_small("cycle.safetensors", train);
    RunResult r = run_traceaid("info", model);
    assert_status(r, 0);
    assert_contains(r.out, "DeepLog: 6 keys, 1 layer of 8 LSTM units, window 3, top-g 1, 566 parameters");
    assert_contains(r.out, "lstm.weight_ih_l0            F32 [32, 6]");
    run_result_free(&r);

    const char *normal = cyclic_sessions("normal.txt", 4, 12);
    const char *abnormal = write_text("abnormal.txt", "1 2 3 4 5 1 2 3\n1 2 3\n1 2 3 4 5 1 2 3\n1 2 3 4 5 6 7 1\n");
    r = run_traceaid("eval", "--model", model, "--normal", normal, "--abnormal", abnormal);
    assert_status(r, 0);
    assert_contains(r.out, "FP 0  FN 0  TP 3  TN 4\n"); /* out of order, short, unknown key 7; duplicate once */
    assert_contains(r.out, "precision 100.00%  recall 100.00%  F1 100.00%");
    run_result_free(&r);
}

static void training_repeats_itself(void **state)
{
    (void)state;
    const char *train = cyclic_sessions("again.txt", 12, 20);
    char cmp[1200];
    snprintf(cmp, sizeof cmp, "cmp -s '%s' ", train_small("a.safetensors", train));
    strcat(cmp, "'"), strcat(cmp, train_small("b.safetensors", train)), strcat(cmp, "'");
    assert_int_equal(system(cmp), 0); /* byte for byte the same model */
}

static void train_refuses_bad_requests(void **state)
{
    (void)state;
    const char *train = cyclic_sessions("t.txt", 2, 20);
    RunResult r = run_traceaid("train", "--sessions", train);
    assert_status(r, 2);
    assert_contains(r.err, "name the model file to write with -o MODEL");
    run_result_free(&r);
    r = run_traceaid("train", "--model", "transformer", "-o", test_path("x.st"), "--sessions", train);
    assert_status(r, 2);
    assert_contains(r.err, "--model transformer");
    run_result_free(&r);
    r = run_traceaid("train", "--top-g", "2", "-o", test_path("short.st"), "--sessions", write_text("short.txt", "1 2 3\n4 5\n"));
    assert_status(r, 2);
    assert_contains(r.err, "no training windows: every session or trace is shorter than 11 keys");
    run_result_free(&r);
}

static void eval_reads_a_bare_pytorch_state_dict(void **state)
{
    (void)state;
    const char *normal = write_text("bare-normal.txt", "1 2 3 4 5 6 7\n");
    const char *abnormal = write_text("bare-abnormal.txt", "1 2\n");
    RunResult r = run_traceaid("eval", "--model", FIXTURES_DIR "/deeplog_bare.safetensors", "--window", "4",
                               "--top-g", "7", "--normal", normal, "--abnormal", abnormal);
    assert_status(r, 0);
    assert_contains(r.out, "window 4, top-g 7");
    assert_contains(r.out, "FP 0  FN 0  TP 1  TN 1"); /* top-7 of 7 keys: all hits; the short session flags */
    run_result_free(&r);
    r = run_traceaid("info", FIXTURES_DIR "/deeplog_bare.safetensors");
    assert_status(r, 0);
    assert_contains(r.out, "metadata: none (a bare state_dict");
    run_result_free(&r);
}

static void eval_refuses_a_broken_model(void **state)
{
    (void)state;
    char *bytes = slurp(FIXTURES_DIR "/deeplog_small.safetensors");
    const char *cut = write_bytes("cut.safetensors", bytes, 700);
    free(bytes);
    const char *sessions = write_text("s.txt", "1 2 3 4 5\n");
    RunResult r = run_traceaid("eval", "--model", cut, "--normal", sessions, "--abnormal", sessions);
    assert_status(r, 2);
    assert_contains(r.err, "cut.safetensors: header length");
    run_result_free(&r);
}

/* Generated kernel traces: train on clean, calibrate on another clean, flag the injected ls. */
static void calibrate_then_score_flags_the_anomaly(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", test_path("flight"));
    mkdir(dir, 0755);
    const char *kinds[3][2] = {{"clean", "1"}, {"clean", "2"}, {"fifo-ls", "3"}};
    char paths[3][700];
    for (int i = 0; i < 3; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s-%s.csv", dir, kinds[i][0], kinds[i][1]);
        RunResult r = run_traceaid("gen", "--kind", kinds[i][0], "--seed", kinds[i][1], "--events", "20000", "-o", paths[i]);
        assert_status(r, 0);
        run_result_free(&r);
    }
    const char *model = test_path("flight.safetensors");
    /* --holdout 0: trained on the whole trace, the model is not calibrated until calibrate */
    RunResult r = run_traceaid("train", "--hidden", "32", "--epochs", "120", "--holdout", "0", "-o", model, paths[0]);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, paths[2]);
    assert_status(r, 0);
    assert_contains(r.out, "no threshold (calibrate the model on clean traces: traceaid calibrate)");
    run_result_free(&r);
    r = run_traceaid("calibrate", "--model", model, paths[1]);
    assert_status(r, 0);
    assert_contains(r.out, "calibrated on 20 segments of 1,000 events in 1 clean trace: threshold");
    run_result_free(&r);
    r = run_traceaid("info", model);
    assert_contains(r.out, "(mean + 3 std of clean segments of 1,000 events");
    run_result_free(&r);
    r = run_traceaid("score", "--model", model, paths[2]);
    assert_status(r, 1);
    assert_contains(r.out, "FLAGGED");
    assert_contains(r.out, "events with keys the model does not know");
    run_result_free(&r);
    r = run_traceaid("score", "--json", "--model", model, paths[2]);
    assert_status(r, 1);
    JsonDoc doc;
    Error err = {0};
    assert_true(json_parse(&doc, r.out, strlen(r.out), "score --json", &err));
    const JsonValue *file = &json_get(doc.root, "files")->items[0];
    assert_int_equal(json_get(file, "segments")->length, 20);
    assert_true(json_get(file, "flagged")->number >= 1);
    json_free(&doc);
    run_result_free(&r);
    r = run_traceaid("score", "--events", "--model", model, paths[2]);
    assert_status(r, 1);
    size_t lines = 0;
    for (const char *c = r.out; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 20001);
    assert_contains(r.out, "file,event,key,outcome,rank,prob\n");
    run_result_free(&r);
}

/* Ctrl-C in training: the model as trained so far is saved whole, exit 130. */
static void train_interrupted_saves_the_model(void **state)
{
    (void)state;
    const char *train = cyclic_sessions("long.txt", 12, 20);
    const char *model = test_path("interrupted.safetensors");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(traceaid_bin(), traceaid_bin(), "train", "--epochs", "10000000", "--window", "3", "--top-g", "2", "-o", model,
              "--sessions", train, (char *)NULL);
        _exit(127);
    }
    nanosleep(&(struct timespec){.tv_nsec = 500 * 1000 * 1000}, NULL);
    kill(pid, SIGINT);
    int wstatus;
    waitpid(pid, &wstatus, 0);
    assert_true(WIFEXITED(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), 130);
    RunResult r = run_traceaid("info", model);
    assert_status(r, 0);
    assert_contains(r.out, "DeepLog: 6 keys");
    run_result_free(&r);
}

/* Sessions of random keys: nearly every window distinct, so an epoch takes long. */
static const char *random_sessions(const char *name, int n, int length)
{
    static char text[1 << 20];
    size_t o = 0;
    uint32_t x = 12345;
    for (int s = 0; s < n; s++) {
        for (int i = 0; i < length; i++) {
            x = x * 1103515245u + 12345u;
            o += (size_t)snprintf(text + o, sizeof text - o, "%u ", (x >> 16) % 50 + 1);
        }
        text[o++] = '\n';
    }
    text[o] = '\0';
    return write_text(name, text);
}

/* Ctrl-C before the first epoch ends: the weights are still random, so no model file is written
 * (nor a temporary one), and train says why. */
static void train_interrupted_before_an_epoch_writes_nothing(void **state)
{
    (void)state;
    const char *train = random_sessions("random.txt", 200, 200);
    mkdir(test_path("early"), 0755);
    const char *model = test_path("early/untrained.safetensors");
    int err_pipe[2];
    assert_int_equal(pipe(err_pipe), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(err_pipe[1], 2);
        close(err_pipe[0]);
        execl(traceaid_bin(), traceaid_bin(), "train", "--hidden", "256", "--batch", "1", "-o", model, "--sessions",
              train, (char *)NULL);
        _exit(127);
    }
    close(err_pipe[1]);
    FILE *err = fdopen(err_pipe[0], "r");
    char said[8192] = "", line[1024];
    size_t used = 0;
    bool signalled = false;
    while (fgets(line, sizeof line, err)) {
        used += (size_t)snprintf(said + used, sizeof said - used, "%s", line);
        if (!signalled && strstr(line, "windows of")) { /* loaded: the first epoch starts */
            kill(pid, SIGINT);
            signalled = true;
        }
    }
    fclose(err);
    int wstatus;
    waitpid(pid, &wstatus, 0);
    assert_true(signalled);
    assert_true(WIFEXITED(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), 130);
    assert_contains(said, "train: interrupted before the first epoch ended; nothing written");
    if (strstr(said, "final loss") || strstr(said, "wrote"))
        fail_msg("train claims a model:\n%s", said);
    char listing[600];
    snprintf(listing, sizeof listing, "ls -A '%s'", test_path("early"));
    FILE *ls = popen(listing, "r");
    char name[256] = "";
    char *got = fgets(name, sizeof name, ls);
    pclose(ls);
    if (got)
        fail_msg("left behind after Ctrl-C before the first epoch: %s", name);
}

/* seq2seq on generated traces: trains on the first 80% of each, calibrates on the rest, and the
 * commands that score take it as they take DeepLog. */
static void seq2seq_train_score_plot(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", test_path("s2s"));
    mkdir(dir, 0755);
    char clean[700], anomalous[700], truth[700];
    snprintf(clean, sizeof clean, "%s/clean.csv", dir);
    snprintf(anomalous, sizeof anomalous, "%s/full-while.csv", dir);
    snprintf(truth, sizeof truth, "%s/full-while.truth", dir);
    RunResult r = run_traceaid("gen", "--seed", "4", "--events", "20000", "-o", clean);
    assert_status(r, 0);
    run_result_free(&r);
    r = run_traceaid("gen", "--kind", "full-while", "--seed", "5", "--events", "20000", "-o", anomalous);
    assert_status(r, 0);
    run_result_free(&r);
    const char *model = test_path("s2s.safetensors");
    r = run_traceaid("train", "--model", "seq2seq", "--embed", "8", "--hidden", "16", "--attn", "8", "--epochs", "15",
                     "-o", model, clean);
    assert_status(r, 0);
    assert_contains(r.err, "from the first 80% of each trace");
    assert_contains(r.err, "train: calibrated on 4 held-back segments of 1,000 events: threshold");
    run_result_free(&r);
    r = run_traceaid("info", model);
    assert_status(r, 0);
    assert_contains(r.out, "embedding 8, GRU 16, attention 8; reads 5 keys, predicts 5, windows every 5 events");
    assert_contains(r.out, "encoder.gru.weight_ih_l0     F32 [48, 8]");
    assert_contains(r.out, "decoder.gru.weight_ih_l0     F32 [48, 24]");
    run_result_free(&r);
    r = run_traceaid("score", "--windows", "--model", model, anomalous);
    assert_contains(r.out, "file,first_event,input,predicted,actual,misses\n");
    size_t windows = 0;
    for (const char *c = strchr(r.out, '\n'); c && c[1]; c = strchr(c + 1, '\n'))
        windows++;
    assert_int_equal(windows, (20000 - 5) / 5); /* windows at stride 5 predicting 5 of 5 */
    run_result_free(&r);
    const char *svg = test_path("plot.svg");
    r = run_traceaid("plot", "--model", model, anomalous, "--truth", truth, "-o", svg);
    assert_true(r.status == 0 || r.status == 1);
    run_result_free(&r);
    char *text = slurp(svg);
    assert_contains(text, "<svg xmlns='http://www.w3.org/2000/svg'");
    assert_contains(text, "full-while.csv: ");
    assert_contains(text, "injected (ground truth)");
    assert_contains(text, "<polyline");
    free(text);
    r = run_traceaid("eval", "--model", model, "--normal", clean, "--abnormal", anomalous);
    assert_status(r, 2);
    assert_contains(r.err, "is a seq2seq model; eval follows the DeepLog protocol");
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, "--normal", clean, anomalous, "--at", "20");
    assert_status(r, 0);
    assert_contains(r.out, "full-while.csv, event 20: events 15-24, the 5 keys read and the 5 predicted (rows >)");
    assert_contains(r.out, "fidelity: passed");
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, anomalous, "--all");
    assert_status(r, 0);
    assert_contains(r.out, "windows with a miss in the flagged segments");
    assert_contains(r.out, "fidelity 100.00%");
    run_result_free(&r);
}

static void explain_shows_the_reference(void **state)
{
    (void)state;
    const char *model = train_small("explain.safetensors", cyclic_sessions("explain-train.txt", 12, 20));
    const char *abnormal = write_text("explain-abnormal.txt", "1 2 3 4 5 1 2 3\n1 2 3 4 5 6 1 2\n");
    const char *meanings = write_text("m.txt", "1\tone\n2\ttwo\n3\tthree\n4\tfour\n5\tfive\n6\tsix\n");
    RunResult r = run_traceaid("explain", "--model", model, "--meanings", meanings, "--normal",
                               cyclic_sessions("explain-normal.txt", 6, 12), "--sessions", abnormal, "--session", "1");
    assert_status(r, 0);
    assert_contains(r.out, "session 1: events 2-5, the 3 keys read and the 1 predicted (rows >)");
    assert_contains(r.out, "Ano.  Meaning");
    assert_contains(r.out, "Diff.  Ref.  Meaning*");
    assert_contains(r.out, "  4> 1     one");
    assert_contains(r.out, "fidelity: passed");
    assert_contains(r.out, "nearest normal window in the training data: distance 1");
    run_result_free(&r);
    r = run_traceaid("explain", "--json", "--model", model, "--sessions", abnormal, "--session", "1");
    assert_status(r, 0);
    JsonDoc doc;
    Error err = {0};
    assert_true(json_parse(&doc, r.out, strlen(r.out), "explain --json", &err));
    assert_int_equal(json_get(doc.root, "rows")->length, 4);
    assert_true(json_get(doc.root, "fidelity")->boolean);
    assert_int_equal((int)json_get(doc.root, "changes")->number, 1);
    json_free(&doc);
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, "--sessions", abnormal, "--session", "2");
    assert_status(r, 0);
    assert_contains(r.out, "the model deems every window of this session normal");
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, "--sessions", abnormal, "--all");
    assert_status(r, 0);
    assert_contains(r.out, "1 distinct anomalous windows interpreted (the first miss of each session");
    assert_contains(r.out, "fidelity 100.00% (1 passed)");
    run_result_free(&r);
    r = run_traceaid("explain", "--model", model, "--sessions", abnormal);
    assert_status(r, 2);
    assert_contains(r.err, "say which anomaly: --at EVENT, --session N or --all");
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(train_eval_info),
        cmocka_unit_test(training_repeats_itself),
        cmocka_unit_test(train_refuses_bad_requests),
        cmocka_unit_test(eval_reads_a_bare_pytorch_state_dict),
        cmocka_unit_test(eval_refuses_a_broken_model),
        cmocka_unit_test(calibrate_then_score_flags_the_anomaly),
        cmocka_unit_test(train_interrupted_saves_the_model),
        cmocka_unit_test(train_interrupted_before_an_epoch_writes_nothing),
        cmocka_unit_test(seq2seq_train_score_plot),
        cmocka_unit_test(explain_shows_the_reference),
    };
    return cmocka_run_group_tests_name("model commands", tests, NULL, NULL);
}
