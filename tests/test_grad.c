/* Every backward pass checked against central finite differences of its forward. */
#include "test_util.h"

#include <math.h>

#include "../model/adam.h"
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
                          calloc(state_n, 4), calloc((size_t)c.in_dim * g, 4)};
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
    free(c.cache.gates), free(c.cache.c), free(c.cache.tanh_c), free(c.cache.h), free(c.cache.input_table);
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
        cmocka_unit_test(adam_follows_torch_formula),
    };
    return cmocka_run_group_tests_name("gradients", tests, NULL, NULL);
}
