/* The seq2seq model: greedy and teacher-forced outputs, loss and every gradient equal to
 * PyTorch's (tests/fixtures/make_seq2seq_fixture.py); the whole backward equal to finite
 * differences; files that round-trip. */
#include "test_util.h"

#include <math.h>

#include "../io/json.h"
#include "../model/seq2seq.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static JsonDoc fixture;

static int load_fixture(void **state)
{
    (void)state;
    char *text = slurp(FIXTURES_DIR "/seq2seq_small.json");
    Error err = {0};
    bool ok = json_parse(&fixture, text, strlen(text), "seq2seq_small.json", &err);
    free(text);
    return ok ? 0 : -1;
}

static int free_fixture(void **state)
{
    (void)state;
    json_free(&fixture);
    return 0;
}

static int read_keys(const char *name, uint32_t *out)
{
    const JsonValue *rows = json_get(fixture.root, name);
    int n = 0;
    for (size_t r = 0; r < rows->length; r++)
        for (size_t c = 0; c < rows->items[r].length; c++)
            out[n++] = (uint32_t)rows->items[r].items[c].number;
    return (int)rows->length;
}

/* logits [Ty][B][V] from the work buffer against the fixture's [B][Ty·V] */
static void logits_match(const Seq2Seq *m, const Seq2SeqWork *w, const char *name, int batch)
{
    const JsonValue *rows = json_get(fixture.root, name);
    int V = m->cfg.vocab;
    for (int b = 0; b < batch; b++)
        for (int s = 0; s < m->cfg.ty; s++)
            for (int k = 0; k < V; k++) {
                double expected = rows->items[b].items[s * V + k].number;
                double got = w->logits[((size_t)s * batch + b) * V + k];
                if (fabs(got - expected) > 1e-5)
                    fail_msg("%s: window %d step %d key %d: %.8f, PyTorch %.8f", name, b, s, k, got, expected);
            }
}

static void greedy_decoding_matches_pytorch(void **state)
{
    (void)state;
    Seq2Seq m;
    Error err = {0};
    assert_true(seq2seq_load(&m, FIXTURES_DIR "/seq2seq_small.safetensors", &err));
    assert_int_equal(m.cfg.vocab, 9);
    assert_int_equal(m.cfg.embed, 4);
    assert_int_equal(m.cfg.hidden, 5);
    assert_int_equal(m.cfg.units, 6);
    assert_string_equal(m.key_names[3], "INT/INT_ENTR");
    uint32_t inputs[64], expected[64], predicted[64];
    int batch = read_keys("inputs", inputs);
    read_keys("greedy_keys", expected);
    Seq2SeqWork w;
    assert_true(seq2seq_work_init(&w, &m, batch, &err));
    seq2seq_forward(&m, &w, inputs, NULL, predicted, batch);
    logits_match(&m, &w, "greedy_logits", batch);
    assert_memory_equal(predicted, expected, (size_t)batch * m.cfg.ty * sizeof *predicted);
    seq2seq_work_free(&w);
    seq2seq_free(&m);
}

/* name -> the tensor in a block laid out as the parameters */
static float *tensor_in(const Seq2SeqTensors *t, const char *name)
{
    const struct { const char *name; float *data; } table[] = {
        {"encoder.embedding.weight", t->enc_embedding}, {"encoder.gru.weight_ih_l0", t->enc_gru.w_ih},
        {"encoder.gru.weight_hh_l0", t->enc_gru.w_hh}, {"encoder.gru.bias_ih_l0", t->enc_gru.b_ih},
        {"encoder.gru.bias_hh_l0", t->enc_gru.b_hh}, {"attention.W1.weight", t->attn.w1_weight},
        {"attention.W1.bias", t->attn.w1_bias}, {"attention.W2.weight", t->attn.w2_weight},
        {"attention.W2.bias", t->attn.w2_bias}, {"attention.V.weight", t->attn.v_weight},
        {"attention.V.bias", t->attn.v_bias}, {"decoder.embedding.weight", t->dec_embedding},
        {"decoder.gru.weight_ih_l0", t->dec_gru.w_ih}, {"decoder.gru.weight_hh_l0", t->dec_gru.w_hh},
        {"decoder.gru.bias_ih_l0", t->dec_gru.b_ih}, {"decoder.gru.bias_hh_l0", t->dec_gru.b_hh},
        {"decoder.fc.weight", t->fc_weight}, {"decoder.fc.bias", t->fc_bias},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].data;
    fail_msg("no tensor %s", name);
    return NULL;
}

static void teacher_forcing_loss_and_gradients_match_pytorch(void **state)
{
    (void)state;
    Seq2Seq m;
    Error err = {0};
    assert_true(seq2seq_load(&m, FIXTURES_DIR "/seq2seq_small.safetensors", &err));
    uint32_t inputs[64], targets[64];
    int batch = read_keys("inputs", inputs);
    read_keys("targets", targets);
    Seq2SeqWork w;
    assert_true(seq2seq_work_init(&w, &m, batch, &err));
    seq2seq_forward(&m, &w, inputs, targets, NULL, batch);
    logits_match(&m, &w, "forced_logits", batch);
    float *grad = calloc(m.n_params, sizeof *grad);
    float loss = seq2seq_backward(&m, &w, targets, NULL, batch, grad);
    assert_float_equal(loss, json_get(fixture.root, "loss")->number, 1e-5);
    Seq2SeqTensors g;
    seq2seq_views(&m.cfg, grad, &g);
    const JsonValue *grads = json_get(fixture.root, "grads");
    assert_int_equal(grads->length, 18);
    for (size_t i = 0; i < grads->length; i++) {
        const float *ours = tensor_in(&g, grads->keys[i]);
        for (size_t j = 0; j < grads->items[i].length; j++) {
            double expected = grads->items[i].items[j].number;
            if (fabs(ours[j] - expected) > 1e-6 + 1e-4 * fabs(expected))
                fail_msg("%s[%zu]: gradient %.8g, PyTorch %.8g", grads->keys[i], j, ours[j], expected);
        }
    }
    free(grad);
    seq2seq_work_free(&w);
    seq2seq_free(&m);
}

typedef struct ModelCase {
    Seq2Seq m;
    Seq2SeqWork work;
    uint32_t inputs[6], targets[6];
    float weights[2];
} ModelCase;

static double model_loss(ModelCase *c)
{
    seq2seq_forward(&c->m, &c->work, c->inputs, c->targets, NULL, 2);
    int V = c->m.cfg.vocab, ty = c->m.cfg.ty;
    double loss = 0, total = 0;
    for (int b = 0; b < 2; b++)
        for (int s = 0; s < ty; s++) {
            loss -= c->weights[b] * log(c->work.probs[((size_t)s * 2 + b) * V + c->targets[b * ty + s]]);
            total += c->weights[b];
        }
    return loss / total;
}

static void whole_backward_matches_differences(void **state)
{
    (void)state;
    ModelCase c = {.inputs = {3, 4, 5, 5, 4, 3}, .targets = {5, 3, 4, 3, 3, 5}, .weights = {1, 2}};
    Seq2SeqConfig cfg = {.vocab = 6, .embed = 2, .hidden = 3, .units = 2, .tx = 3, .ty = 3, .stride = 3};
    Error err = {0};
    assert_true(seq2seq_create(&c.m, &cfg, (const char *[]){"a", "b", "c"}, 4, &err));
    assert_true(seq2seq_work_init(&c.work, &c.m, 2, &err));
    float *grad = calloc(c.m.n_params, sizeof *grad);
    model_loss(&c);
    seq2seq_backward(&c.m, &c.work, c.targets, c.weights, 2, grad);
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
            fail_msg("parameter %zu of %zu: analytic %.6g, numeric %.6g", i, c.m.n_params, grad[i], numeric);
    }
    free(grad);
    seq2seq_work_free(&c.work);
    seq2seq_free(&c.m);
}

static void save_and_load_round_trip(void **state)
{
    (void)state;
    Seq2SeqConfig cfg = {.vocab = 7, .embed = 3, .hidden = 4, .units = 5, .tx = 4, .ty = 2, .stride = 3};
    Seq2Seq a, b;
    Error err = {0};
    assert_true(seq2seq_create(&a, &cfg, (const char *[]){"A/B", "C/D", "x", "y"}, 11, &err));
    a.calibration.calibrated = true;
    a.calibration.threshold = 0.125f;
    const char *path = test_path("s2s.safetensors");
    assert_true(seq2seq_save(&a, path, &err));
    assert_true(seq2seq_load(&b, path, &err));
    assert_memory_equal(&a.cfg, &b.cfg, sizeof cfg);
    assert_memory_equal(a.params, b.params, a.n_params * sizeof(float));
    assert_string_equal(b.key_names[0], "<pad>");
    assert_string_equal(b.key_names[4], "C/D");
    assert_true(b.calibration.calibrated);
    assert_float_equal(b.calibration.threshold, 0.125f, 0);
    seq2seq_free(&a);
    seq2seq_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(greedy_decoding_matches_pytorch),
        cmocka_unit_test(teacher_forcing_loss_and_gradients_match_pytorch),
        cmocka_unit_test(whole_backward_matches_differences),
        cmocka_unit_test(save_and_load_round_trip),
    };
    return cmocka_run_group_tests_name("seq2seq", tests, load_fixture, free_fixture);
}
