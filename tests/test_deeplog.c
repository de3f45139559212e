/* The DeepLog model: equal to PyTorch on a fixture made by tests/fixtures/make_deeplog_fixture.py,
 * its whole backward equal to finite differences, files that round-trip, training that learns
 * and repeats itself, and the evaluation protocol. */
#include "test_util.h"

#include <math.h>

#include "../io/json.h"
#include "../io/safetensors.h"
#include "../model/deeplog_score.h"
#include "../model/deeplog_train.h"
#include "../model/softmax.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static JsonDoc fixture;

static int load_fixture(void **state)
{
    (void)state;
    char *text = slurp(FIXTURES_DIR "/deeplog_small.json");
    Error err = {0};
    bool ok = json_parse(&fixture, text, strlen(text), "deeplog_small.json", &err);
    free(text);
    return ok ? 0 : -1;
}

static int free_fixture(void **state)
{
    (void)state;
    json_free(&fixture);
    return 0;
}

/* Runs the fixture's windows through m and checks logits and top-g against PyTorch's. */
static void matches_torch(const DeepLog *m)
{
    const JsonValue *windows = json_get(fixture.root, "windows"), *logits = json_get(fixture.root, "logits"),
                    *top = json_get(fixture.root, "top");
    int batch = (int)windows->length, window = m->cfg.window, k = m->cfg.n_keys;
    uint32_t keys[64];
    for (int b = 0; b < batch; b++)
        for (int t = 0; t < window; t++)
            keys[b * window + t] = (uint32_t)windows->items[b].items[t].number;
    DeepLogWork work;
    Error err = {0};
    assert_true(deeplog_work_init(&work, m, batch, &err));
    deeplog_forward(m, &work, keys, batch);
    for (int b = 0; b < batch; b++) {
        for (int j = 0; j < k; j++) {
            double expected = logits->items[b].items[j].number;
            if (fabs(work.logits[b * k + j] - expected) > 1e-5)
                fail_msg("window %d key %d: logit %.8f, PyTorch %.8f", b, j, work.logits[b * k + j], expected);
        }
        for (int g = 0; g < (int)top->items[b].length; g++) {
            uint32_t key = (uint32_t)top->items[b].items[g].number;
            assert_true(softmax_rank(work.logits + b * k, k, key) < m->cfg.top_g);
        }
    }
    deeplog_work_free(&work);
}

static void forward_matches_pytorch(void **state)
{
    (void)state;
    DeepLog m;
    Error err = {0};
    assert_true(deeplog_load(&m, FIXTURES_DIR "/deeplog_small.safetensors", NULL, &err));
    assert_int_equal(m.cfg.n_keys, 7);
    assert_int_equal(m.cfg.hidden, 5);
    assert_int_equal(m.cfg.layers, 2);
    assert_int_equal(m.cfg.window, 4);
    assert_int_equal(m.cfg.top_g, 3);
    assert_string_equal(m.key_names[1], "COMM/SND_MESSAGE");
    matches_torch(&m);
    deeplog_free(&m);
}

static void bare_state_dict_loads_with_defaults(void **state)
{
    (void)state;
    DeepLog m;
    Error err = {0};
    assert_false(deeplog_load(&m, FIXTURES_DIR "/deeplog_bare.safetensors", NULL, &err));
    assert_contains(err.msg, "no \"window\" in the metadata; give it as an option");
    DeepLogConfig defaults = {.window = 4, .top_g = 3};
    assert_true(deeplog_load(&m, FIXTURES_DIR "/deeplog_bare.safetensors", &defaults, &err));
    assert_string_equal(m.key_names[0], "1");
    assert_string_equal(m.key_names[6], "7");
    matches_torch(&m);
    deeplog_free(&m);
}

static void save_and_load_round_trip(void **state)
{
    (void)state;
    const char *names[] = {"A/B", "x \"quoted\"", "é"};
    DeepLogConfig cfg = {.n_keys = 3, .hidden = 4, .layers = 3, .window = 5, .top_g = 2};
    DeepLog a, b;
    Error err = {0};
    assert_true(deeplog_create(&a, &cfg, names, 42, &err));
    const char *path = test_path("round.safetensors");
    assert_true(deeplog_save(&a, path, &err));
    assert_true(deeplog_load(&b, path, NULL, &err));
    assert_memory_equal(&a.cfg, &b.cfg, sizeof cfg);
    assert_int_equal(a.n_params, b.n_params);
    assert_memory_equal(a.params, b.params, a.n_params * sizeof(float));
    for (int k = 0; k < 3; k++)
        assert_string_equal(a.key_names[k], b.key_names[k]);
    deeplog_free(&a);
    deeplog_free(&b);
}

static void bad_model_files_name_the_tensor(void **state)
{
    (void)state;
    DeepLogConfig cfg = {.n_keys = 4, .hidden = 3, .layers = 1, .window = 2, .top_g = 2};
    DeepLog m;
    Error err = {0};
    assert_true(deeplog_create(&m, &cfg, NULL, 1, &err));
    float wrong[12] = {0};
    StTensor tensors[] = {
        {.name = "lstm.weight_ih_l0", .ndim = 2, .shape = {12, 4}, .numel = 48, .data = m.t.lstm[0].w_ih},
        {.name = "lstm.weight_hh_l0", .ndim = 2, .shape = {12, 3}, .numel = 36, .data = m.t.lstm[0].w_hh},
        {.name = "lstm.bias_ih_l0", .ndim = 1, .shape = {12}, .numel = 12, .data = m.t.lstm[0].b_ih},
        {.name = "lstm.bias_hh_l0", .ndim = 1, .shape = {12}, .numel = 12, .data = m.t.lstm[0].b_hh},
        {.name = "fc.weight", .ndim = 2, .shape = {3, 4}, .numel = 12, .data = wrong},
        {.name = "fc.bias", .ndim = 1, .shape = {4}, .numel = 4, .data = m.t.fc_bias},
    };
    const char *path = test_path("misshaped.safetensors");
    const char *keys[] = {"window", "top_g"}, *values[] = {"2", "2"};
    assert_true(safetensors_save(path, tensors, 6, keys, values, 2, &err));
    DeepLog loaded;
    assert_false(deeplog_load(&loaded, path, NULL, &err));
    assert_contains(err.msg, "tensor fc.weight has shape [3, 4], expected [4, 3]");
    const char *kind_keys[] = {"model"}, *kind_values[] = {"seq2seq"};
    path = test_path("other.safetensors");
    assert_true(safetensors_save(path, tensors, 4, kind_keys, kind_values, 1, &err));
    assert_false(deeplog_load(&loaded, path, NULL, &err));
    assert_contains(err.msg, "a seq2seq model, not a DeepLog one");
    deeplog_free(&m);
}

/* ---- the whole model's backward ---------------------------------------------------------- */

typedef struct ModelCase {
    DeepLog m;
    DeepLogWork work;
    uint32_t windows[12], targets[3];
    float weights[3];
} ModelCase;

static double model_loss(void *ctx)
{
    ModelCase *c = ctx;
    float grad_unused[1];
    (void)grad_unused;
    deeplog_forward(&c->m, &c->work, c->windows, 3);
    double loss = 0, total = 0;
    for (int b = 0; b < 3; b++) {
        loss -= c->weights[b] * log(c->work.probs[b * c->m.cfg.n_keys + c->targets[b]]);
        total += c->weights[b];
    }
    return loss / total;
}

static void model_backward_matches_differences(void **state)
{
    (void)state;
    ModelCase c = {.windows = {0, 1, 2, 3, 3, 2, 1, 0, 4, 4, 0, 2}, .targets = {4, 1, 3}, .weights = {1, 3, 2}};
    DeepLogConfig cfg = {.n_keys = 5, .hidden = 3, .layers = 2, .window = 4, .top_g = 2};
    Error err = {0};
    assert_true(deeplog_create(&c.m, &cfg, NULL, 3, &err));
    for (size_t i = 0; i < c.m.n_params; i++)
        c.m.params[i] *= 4.0f; /* away from the flat start, so every path carries gradient */
    assert_true(deeplog_work_init(&c.work, &c.m, 3, &err));
    float *grad = calloc(c.m.n_params, sizeof *grad);
    deeplog_forward(&c.m, &c.work, c.windows, 3);
    deeplog_backward(&c.m, &c.work, c.targets, c.weights, 3, grad);
    const float eps = 1e-2f;
    for (size_t i = 0; i < c.m.n_params; i++) {
        float saved = c.m.params[i];
        c.m.params[i] = saved + eps;
        double up = model_loss(&c);
        c.m.params[i] = saved - eps;
        double down = model_loss(&c);
        c.m.params[i] = saved;
        double numeric = (up - down) / (2 * eps);
        if (fabs(numeric - grad[i]) > 1e-3 + 2e-2 * fabs(numeric))
            fail_msg("parameter %zu: analytic %.6g, numeric %.6g", i, grad[i], numeric);
    }
    free(grad);
    deeplog_work_free(&c.work);
    deeplog_free(&c.m);
}

/* ---- training and evaluation ------------------------------------------------------------- */

/* Sessions of a cycle 1 2 3 4 5 6 (ids 0..5), each starting somewhere in it. */
static Trace cyclic_sessions(Vocab *vocab, int n_sessions, int length)
{
    Trace t;
    Error err = {0};
    trace_begin(&t, "cycle", TRACE_FORMAT_SESSIONS, &err);
    for (int s = 0; s < n_sessions; s++) {
        for (int i = 0; i < length; i++) {
            uint32_t id;
            vocab_session_key(vocab, (uint32_t)((s + i) % 6 + 1), &id, &err);
            trace_append(&t, id, i, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0, &err);
        }
        trace_end_session(&t, &err);
    }
    return t;
}

static void train_learns_and_repeats(void **state)
{
    (void)state;
    Vocab vocab;
    vocab_init(&vocab);
    Trace t = cyclic_sessions(&vocab, 12, 20);
    DeepLogConfig cfg = {.n_keys = 6, .hidden = 8, .layers = 1, .window = 3, .top_g = 1};
    WindowSet ws;
    window_set_init(&ws, cfg.window + 1);
    Error err = {0};
    assert_true(window_set_add_trace(&ws, &t, &err));
    assert_int_equal(ws.total, 12 * (20 - 3));
    assert_int_equal(ws.n, 6);
    DeepLog a, b;
    assert_true(deeplog_create(&a, &cfg, NULL, 5, &err));
    assert_true(deeplog_create(&b, &cfg, NULL, 5, &err));
    TrainOptions opt = {.epochs = 150, .batch_size = 4, .learning_rate = 0.02f, .seed = 9};
    TrainReport report;
    assert_true(deeplog_train(&a, &ws, &opt, &report, &err));
    assert_true(report.loss < 0.05);
    assert_true(deeplog_train(&b, &ws, &opt, &report, &err));
    assert_memory_equal(a.params, b.params, a.n_params * sizeof(float)); /* same seed, same model */

    /* normal: the cycle; abnormal: a key out of order, a short session, a duplicate */
    Trace normal = cyclic_sessions(&vocab, 4, 12), abnormal;
    trace_begin(&abnormal, "abnormal", TRACE_FORMAT_SESSIONS, &err);
    const int sessions[3][8] = {{1, 2, 3, 4, 5, 1, 2, 3}, {1, 2, 3}, {1, 2, 3, 4, 5, 1, 2, 3}};
    const int lengths[3] = {8, 3, 8};
    for (int s = 0; s < 3; s++) {
        for (int i = 0; i < lengths[s]; i++)
            trace_append(&abnormal, (uint32_t)sessions[s][i] - 1, i, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0, &err);
        trace_end_session(&abnormal, &err);
    }
    EvalCounts counts;
    assert_true(deeplog_eval(&a, &normal, &abnormal, &counts, NULL, &err));
    assert_int_equal(counts.tn, 4);
    assert_int_equal(counts.fp, 0);
    assert_int_equal(counts.tp, 2); /* the duplicate counts once */
    assert_int_equal(counts.fn, 0);
    trace_free(&t), trace_free(&normal), trace_free(&abnormal);
    window_set_free(&ws);
    deeplog_free(&a), deeplog_free(&b);
    vocab_free(&vocab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forward_matches_pytorch),
        cmocka_unit_test(bare_state_dict_loads_with_defaults),
        cmocka_unit_test(save_and_load_round_trip),
        cmocka_unit_test(bad_model_files_name_the_tensor),
        cmocka_unit_test(model_backward_matches_differences),
        cmocka_unit_test(train_learns_and_repeats),
    };
    return cmocka_run_group_tests_name("deeplog", tests, load_fixture, free_fixture);
}
