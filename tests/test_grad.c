/* Every backward pass checked against central finite differences of its forward. */
#include "test_util.h"

#include <math.h>

#include "../model/adam.h"
#include "../model/attention.h"
#include "../model/gru.h"
#include "../model/linear.h"
#include "../model/lstm.h"
#include "../model/softmax.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static float uniform(float scale)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return scale * ((float)(rng_state >> 40) / (float)(1ull << 24) * 2.0f - 1.0f);
}

static float *random_floats(size_t n, float scale)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = uniform(scale);
    return v;
}

typedef double (*LossFn)(void *ctx);

/* Compares analytic[i] with (L(p+ε) - L(p-ε)) / 2ε for every element of param. */
static void check_gradient(const char *what, float *param, const float *analytic, size_t n,
                           LossFn loss, void *ctx)
{
    const float eps = 1e-2f;
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        float saved = param[i];
        param[i] = saved + eps;
        double up = loss(ctx);
        param[i] = saved - eps;
        double down = loss(ctx);
        param[i] = saved;
        double numeric = (up - down) / (2.0 * eps);
        double error = fabs(numeric - analytic[i]) / (1e-3 + fabs(numeric));
        if (error > 2e-2)
            fail_msg("%s[%zu]: analytic %.6g, numeric %.6g", what, i, analytic[i], numeric);
        worst = error > worst ? error : worst;
    }
    assert_true(worst < 2e-2);
}

/* ---- dense layer ------------------------------------------------------------------------- */

typedef struct LinearCase {
    int rows, in_dim, out_dim;
    float *in, *weight, *bias, *coef, *out;
} LinearCase;

static double linear_loss(void *ctx)
{
    LinearCase *c = ctx;
    linear_forward(c->out, c->in, c->weight, c->bias, c->rows, c->in_dim, c->out_dim);
    double loss = 0;
    for (int i = 0; i < c->rows * c->out_dim; i++)
        loss += (double)c->coef[i] * c->out[i];
    return loss;
}

static void linear_backward_matches_differences(void **state)
{
    (void)state;
    LinearCase c = {.rows = 3, .in_dim = 4, .out_dim = 5};
    c.in = random_floats(12, 1), c.weight = random_floats(20, 1), c.bias = random_floats(5, 1);
    c.coef = random_floats(15, 1), c.out = calloc(15, sizeof(float));
    float *d_in = calloc(12, sizeof(float)), *d_w = calloc(20, sizeof(float)), *d_b = calloc(5, sizeof(float));
    linear_backward(d_in, d_w, d_b, c.coef, c.in, c.weight, c.rows, c.in_dim, c.out_dim);
    check_gradient("d_in", c.in, d_in, 12, linear_loss, &c);
    check_gradient("d_weight", c.weight, d_w, 20, linear_loss, &c);
    check_gradient("d_bias", c.bias, d_b, 5, linear_loss, &c);
    free(c.in), free(c.weight), free(c.bias), free(c.coef), free(c.out);
    free(d_in), free(d_w), free(d_b);
}

/* ---- softmax cross-entropy --------------------------------------------------------------- */

typedef struct XentCase {
    int rows, classes;
    float *logits, *probs, *weights;
    uint32_t *targets;
} XentCase;

static double xent_loss(void *ctx)
{
    XentCase *c = ctx;
    float d[64];
    softmax_forward(c->probs, c->logits, c->rows, c->classes);
    return softmax_xent_backward(d, c->probs, c->targets, c->weights, c->rows, c->classes);
}

static void softmax_xent_matches_differences(void **state)
{
    (void)state;
    uint32_t targets[4] = {0, 3, 5, 3};
    float weights[4] = {1, 2, 0.5f, 3};
    XentCase c = {.rows = 4, .classes = 6, .targets = targets, .weights = weights};
    c.logits = random_floats(24, 3), c.probs = calloc(24, sizeof(float));
    float d_logits[24];
    softmax_forward(c.probs, c.logits, c.rows, c.classes);
    float loss = softmax_xent_backward(d_logits, c.probs, targets, weights, c.rows, c.classes);
    assert_true(loss > 0);
    check_gradient("d_logits", c.logits, d_logits, 24, xent_loss, &c);
    for (int r = 0; r < 4; r++) {
        double sum = 0;
        for (int j = 0; j < 6; j++)
            sum += c.probs[r * 6 + j];
        assert_true(fabs(sum - 1.0) < 1e-5);
    }
    free(c.logits), free(c.probs);
}

/* ---- LSTM -------------------------------------------------------------------------------- */

typedef struct LstmCase {
    int steps, batch, in_dim, hidden;
    LstmWeights w;
    LstmCache cache;
    float *x;           /* NULL: one-hot keys */
    uint32_t *keys;
    float *coef;        /* L = Σ coef ⊙ h */
} LstmCase;

static double lstm_loss(void *ctx)
{
    LstmCase *c = ctx;
    lstm_forward(&c->w, &c->cache, c->x, c->keys, c->steps, c->batch, c->in_dim, c->hidden);
    double loss = 0;
    for (int i = 0; i < c->steps * c->batch * c->hidden; i++)
        loss += (double)c->coef[i] * c->cache.h[i];
    return loss;
}

static void check_lstm(bool one_hot)
{
    LstmCase c = {.steps = 4, .batch = 3, .in_dim = 5, .hidden = 3};
    int g = 4 * c.hidden, state_n = c.steps * c.batch * c.hidden, in_n = c.steps * c.batch * c.in_dim;
    c.w = (LstmWeights){random_floats((size_t)g * c.in_dim, 0.8f), random_floats((size_t)g * c.hidden, 0.8f),
                        random_floats(g, 0.5f), random_floats(g, 0.5f)};
    LstmWeights grad = {calloc((size_t)g * c.in_dim, 4), calloc((size_t)g * c.hidden, 4), calloc(g, 4), calloc(g, 4)};
    c.cache = (LstmCache){calloc((size_t)c.steps * c.batch * g, 4), calloc(state_n, 4), calloc(state_n, 4),
                          calloc(state_n, 4)};
    uint32_t keys[12] = {0, 4, 2, 1, 1, 3, 4, 0, 2, 2, 3, 1};
    c.keys = keys;
    c.x = one_hot ? NULL : random_floats(in_n, 1);
    c.coef = random_floats(state_n, 1);
    float *d_h = malloc(state_n * sizeof(float)), *d_x = calloc(in_n, 4);
    float *d_gates = calloc((size_t)c.steps * c.batch * g, 4), *d_carry = calloc((size_t)c.batch * c.hidden, 4);
    memcpy(d_h, c.coef, state_n * sizeof(float));
    lstm_loss(&c);
    lstm_backward(&c.w, &grad, &c.cache, c.x, c.keys, d_h, one_hot ? NULL : d_x, d_gates, d_carry,
                  c.steps, c.batch, c.in_dim, c.hidden);
    check_gradient("w_ih", c.w.w_ih, grad.w_ih, (size_t)g * c.in_dim, lstm_loss, &c);
    check_gradient("w_hh", c.w.w_hh, grad.w_hh, (size_t)g * c.hidden, lstm_loss, &c);
    check_gradient("b_ih", c.w.b_ih, grad.b_ih, g, lstm_loss, &c);
    check_gradient("b_hh", c.w.b_hh, grad.b_hh, g, lstm_loss, &c);
    if (!one_hot)
        check_gradient("x", c.x, d_x, in_n, lstm_loss, &c);
    free(c.w.w_ih), free(c.w.w_hh), free(c.w.b_ih), free(c.w.b_hh);
    free(grad.w_ih), free(grad.w_hh), free(grad.b_ih), free(grad.b_hh);
    free(c.cache.gates), free(c.cache.c), free(c.cache.tanh_c), free(c.cache.h);
    free(c.x), free(c.coef), free(d_h), free(d_x), free(d_gates), free(d_carry);
}

static void lstm_backward_matches_differences_dense(void **state)
{
    (void)state;
    check_lstm(false);
}

static void lstm_backward_matches_differences_one_hot(void **state)
{
    (void)state;
    check_lstm(true);
}

/* ---- GRU step ---------------------------------------------------------------------------- */

typedef struct GruCase {
    int batch, in_dim, hidden;
    GruWeights w;
    GruStepCache cache;
    float *x, *h_prev, *x_proj, *h, *coef;
} GruCase;

static double gru_loss(void *ctx)
{
    GruCase *c = ctx;
    linear_forward(c->x_proj, c->x, c->w.w_ih, c->w.b_ih, c->batch, c->in_dim, 3 * c->hidden);
    gru_step_forward(&c->w, &c->cache, c->x_proj, c->h_prev, c->h, c->batch, c->hidden);
    double loss = 0;
    for (int i = 0; i < c->batch * c->hidden; i++)
        loss += (double)c->coef[i] * c->h[i];
    return loss;
}

static void gru_step_backward_matches_differences(void **state)
{
    (void)state;
    GruCase c = {.batch = 3, .in_dim = 4, .hidden = 3};
    int g = 3 * c.hidden, bh = c.batch * c.hidden;
    c.w = (GruWeights){random_floats((size_t)g * c.in_dim, 0.8f), random_floats((size_t)g * c.hidden, 0.8f),
                       random_floats(g, 0.5f), random_floats(g, 0.5f)};
    GruWeights grad = {calloc((size_t)g * c.in_dim, 4), calloc((size_t)g * c.hidden, 4), calloc(g, 4), calloc(g, 4)};
    c.cache = (GruStepCache){calloc((size_t)c.batch * g, 4), calloc((size_t)c.batch * g, 4)};
    c.x = random_floats((size_t)c.batch * c.in_dim, 1), c.h_prev = random_floats(bh, 1);
    c.x_proj = calloc((size_t)c.batch * g, 4), c.h = calloc(bh, 4), c.coef = random_floats(bh, 1);
    float *d_xp = calloc((size_t)c.batch * g, 4), *d_hh = calloc((size_t)c.batch * g, 4);
    float *d_hp = calloc(bh, 4), *d_x = calloc((size_t)c.batch * c.in_dim, 4);
    gru_loss(&c);
    gru_step_backward(&c.w, &grad, &c.cache, c.h_prev, c.h, c.coef, d_xp, d_hp, d_hh, c.batch, c.hidden);
    linear_backward(d_x, grad.w_ih, grad.b_ih, d_xp, c.x, c.w.w_ih, c.batch, c.in_dim, g);
    check_gradient("gru w_ih", c.w.w_ih, grad.w_ih, (size_t)g * c.in_dim, gru_loss, &c);
    check_gradient("gru w_hh", c.w.w_hh, grad.w_hh, (size_t)g * c.hidden, gru_loss, &c);
    check_gradient("gru b_ih", c.w.b_ih, grad.b_ih, g, gru_loss, &c);
    check_gradient("gru b_hh", c.w.b_hh, grad.b_hh, g, gru_loss, &c);
    check_gradient("gru x", c.x, d_x, (size_t)c.batch * c.in_dim, gru_loss, &c);
    check_gradient("gru h_prev", c.h_prev, d_hp, bh, gru_loss, &c);
    free(c.w.w_ih), free(c.w.w_hh), free(c.w.b_ih), free(c.w.b_hh);
    free(grad.w_ih), free(grad.w_hh), free(grad.b_ih), free(grad.b_hh);
    free(c.cache.gates), free(c.cache.hh), free(c.x), free(c.h_prev), free(c.x_proj), free(c.h), free(c.coef);
    free(d_xp), free(d_hh), free(d_hp), free(d_x);
}

/* ---- attention --------------------------------------------------------------------------- */

typedef struct AttnCase {
    int batch, steps, hidden, units;
    AttentionWeights w;
    AttentionStepCache cache;
    float *enc, *query, *keys, *context, *coef;
} AttnCase;

static double attention_loss(void *ctx)
{
    AttnCase *c = ctx;
    attention_keys(&c->w, c->enc, c->keys, c->batch, c->steps, c->hidden, c->units);
    attention_forward(&c->w, &c->cache, c->keys, c->enc, c->query, c->context, c->batch, c->steps,
                      c->hidden, c->units);
    double loss = 0;
    for (int i = 0; i < c->batch * c->hidden; i++)
        loss += (double)c->coef[i] * c->context[i];
    return loss;
}

static void attention_backward_matches_differences(void **state)
{
    (void)state;
    AttnCase c = {.batch = 2, .steps = 3, .hidden = 4, .units = 5};
    int b = c.batch, t = c.steps, h = c.hidden, u = c.units;
    c.w = (AttentionWeights){random_floats((size_t)u * h, 1), random_floats(u, 0.5f), random_floats((size_t)u * h, 1),
                             random_floats(u, 0.5f), random_floats(u, 1.5f), random_floats(1, 0.5f)};
    AttentionWeights grad = {calloc((size_t)u * h, 4), calloc(u, 4), calloc((size_t)u * h, 4), calloc(u, 4),
                             calloc(u, 4), calloc(1, 4)};
    c.cache = (AttentionStepCache){calloc((size_t)b * u, 4), calloc((size_t)b * t * u, 4), calloc((size_t)b * t, 4)};
    c.enc = random_floats((size_t)b * t * h, 1), c.query = random_floats((size_t)b * h, 1);
    c.keys = calloc((size_t)b * t * u, 4), c.context = calloc((size_t)b * h, 4), c.coef = random_floats((size_t)b * h, 1);
    float *d_keys = calloc((size_t)b * t * u, 4), *d_enc = calloc((size_t)b * t * h, 4), *d_q = calloc((size_t)b * h, 4);
    float *d_e = calloc((size_t)b * t, 4), *d_qp = calloc((size_t)b * u, 4);
    attention_loss(&c);
    attention_backward(&c.w, &grad, &c.cache, c.enc, c.query, c.coef, d_keys, d_enc, d_q, d_e, d_qp, b, t, h, u);
    attention_keys_backward(&c.w, &grad, c.enc, d_keys, d_enc, b, t, h, u);
    check_gradient("W1", c.w.w1_weight, grad.w1_weight, (size_t)u * h, attention_loss, &c);
    check_gradient("b1", c.w.w1_bias, grad.w1_bias, u, attention_loss, &c);
    check_gradient("W2", c.w.w2_weight, grad.w2_weight, (size_t)u * h, attention_loss, &c);
    check_gradient("b2", c.w.w2_bias, grad.w2_bias, u, attention_loss, &c);
    check_gradient("V", c.w.v_weight, grad.v_weight, u, attention_loss, &c);
    check_gradient("bV", c.w.v_bias, grad.v_bias, 1, attention_loss, &c);
    check_gradient("enc", c.enc, d_enc, (size_t)b * t * h, attention_loss, &c);
    check_gradient("query", c.query, d_q, (size_t)b * h, attention_loss, &c);
    free(c.w.w1_weight), free(c.w.w1_bias), free(c.w.w2_weight), free(c.w.w2_bias), free(c.w.v_weight), free(c.w.v_bias);
    free(grad.w1_weight), free(grad.w1_bias), free(grad.w2_weight), free(grad.w2_bias), free(grad.v_weight), free(grad.v_bias);
    free(c.cache.query_proj), free(c.cache.hidden), free(c.cache.weights);
    free(c.enc), free(c.query), free(c.keys), free(c.context), free(c.coef);
    free(d_keys), free(d_enc), free(d_q), free(d_e), free(d_qp);
}

/* ---- Adam -------------------------------------------------------------------------------- */

static void adam_follows_torch_formula(void **state)
{
    (void)state;
    /* torch.optim.Adam(lr=0.1) on p=[1,-2] with grads [0.5,-1] then [0.2,0.3], computed by hand */
    float p[2] = {1, -2}, g1[2] = {0.5f, -1}, g2[2] = {0.2f, 0.3f};
    Adam adam;
    assert_true(adam_init(&adam, 2, 0.1f));
    adam_update(&adam, p, g1);
    assert_float_equal(p[0], 0.9f, 1e-6);
    assert_float_equal(p[1], -1.9f, 1e-6);
    adam_update(&adam, p, g2);
    double m0 = 0.9 * 0.05 + 0.1 * 0.2, v0 = 0.999 * 0.00025 + 0.001 * 0.04;
    double expect0 = 0.9 - 0.1 * (m0 / (1 - 0.81)) / (sqrt(v0 / (1 - 0.998001)) + 1e-8);
    assert_float_equal(p[0], expect0, 1e-5);
    adam_free(&adam);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linear_backward_matches_differences),
        cmocka_unit_test(softmax_xent_matches_differences),
        cmocka_unit_test(lstm_backward_matches_differences_dense),
        cmocka_unit_test(lstm_backward_matches_differences_one_hot),
        cmocka_unit_test(gru_step_backward_matches_differences),
        cmocka_unit_test(attention_backward_matches_differences),
        cmocka_unit_test(adam_follows_torch_formula),
    };
    return cmocka_run_group_tests_name("gradients", tests, NULL, NULL);
}
