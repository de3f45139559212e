#include "deeplog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init.h"
#include "linear.h"
#include "softmax.h"
#include "tensor.h"

bool deeplog_config_check(const DeepLogConfig *c, Error *err)
{
    if (c->n_keys < 2 || c->n_keys > 1000000)
        return error_set(err, "the model needs 2 to 1000000 keys, not %d", c->n_keys);
    if (c->hidden < 1 || c->hidden > 4096)
        return error_set(err, "hidden size %d: expected 1 to 4096", c->hidden);
    if (c->layers < 1 || c->layers > DEEPLOG_MAX_LAYERS)
        return error_set(err, "%d layers: expected 1 to %d", c->layers, DEEPLOG_MAX_LAYERS);
    if (c->window < 1 || c->window > 1000)
        return error_set(err, "window %d: expected 1 to 1000", c->window);
    if (c->top_g < 1 || c->top_g > c->n_keys)
        return error_set(err, "top-g %d: expected 1 to the number of keys (%d)", c->top_g, c->n_keys);
    return true;
}

static size_t layer_input(const DeepLogConfig *c, int layer)
{
    return layer == 0 ? (size_t)c->n_keys : (size_t)c->hidden;
}

void deeplog_views(const DeepLogConfig *c, float *block, DeepLogTensors *v)
{
    size_t g = 4 * (size_t)c->hidden, h = (size_t)c->hidden;
    float *p = block;
    for (int l = 0; l < c->layers; l++) {
        v->lstm[l].w_ih = p, p += g * layer_input(c, l);
        v->lstm[l].w_hh = p, p += g * h;
        v->lstm[l].b_ih = p, p += g;
        v->lstm[l].b_hh = p, p += g;
    }
    v->fc_weight = p, p += (size_t)c->n_keys * h;
    v->fc_bias = p;
}

static size_t count_params(const DeepLogConfig *c)
{
    size_t g = 4 * (size_t)c->hidden, n = 0;
    for (int l = 0; l < c->layers; l++)
        n += g * layer_input(c, l) + g * (size_t)c->hidden + 2 * g;
    return n + (size_t)c->n_keys * c->hidden + (size_t)c->n_keys;
}

static bool set_key_names(DeepLog *m, const char *const *names, Error *err)
{
    m->key_names = calloc((size_t)m->cfg.n_keys, sizeof *m->key_names);
    if (!m->key_names)
        return error_set(err, "out of memory");
    for (int k = 0; k < m->cfg.n_keys; k++) {
        char number[16];
        snprintf(number, sizeof number, "%d", k + 1);
        m->key_names[k] = strdup(names ? names[k] : number);
        if (!m->key_names[k])
            return error_set(err, "out of memory");
    }
    return true;
}

bool deeplog_create(DeepLog *m, const DeepLogConfig *cfg, const char *const *key_names,
                    uint64_t seed, Error *err)
{
    memset(m, 0, sizeof *m);
    if (!deeplog_config_check(cfg, err))
        return false;
    m->cfg = *cfg;
    m->calibration = CALIBRATION_DEFAULT;
    m->n_params = count_params(cfg);
    m->params = calloc(m->n_params, sizeof *m->params);
    if (!m->params || !set_key_names(m, key_names, err)) {
        deeplog_free(m);
        return error_set(err, "out of memory for a model of %zu parameters", count_params(cfg));
    }
    deeplog_views(cfg, m->params, &m->t);
    /* PyTorch's defaults: U(±1/√H) for every LSTM tensor, U(±1/√in) for the dense layer */
    uint64_t rng = seed;
    float lstm_bound = 1.0f / sqrtf((float)cfg->hidden);
    init_uniform(m->params, m->n_params - (size_t)cfg->n_keys * (cfg->hidden + 1), lstm_bound, &rng);
    init_uniform(m->t.fc_weight, (size_t)cfg->n_keys * (cfg->hidden + 1), lstm_bound, &rng);
    return true;
}

void deeplog_free(DeepLog *m)
{
    for (int k = 0; m->key_names && k < m->cfg.n_keys; k++)
        free(m->key_names[k]);
    free(m->key_names);
    free(m->params);
    memset(m, 0, sizeof *m);
}

bool deeplog_work_init(DeepLogWork *w, const DeepLog *m, int max_batch, Error *err)
{
    memset(w, 0, sizeof *w);
    const DeepLogConfig *c = &m->cfg;
    size_t tb = (size_t)c->window * max_batch, h = (size_t)c->hidden, k = (size_t)c->n_keys;
    size_t per_layer = tb * (4 * h + 3 * h);
    size_t total = per_layer * c->layers + k * 4 * h + 3 * max_batch * k + 2 * tb * h + tb * 4 * h +
                   max_batch * h;
    w->block = malloc(total * sizeof *w->block);
    w->keys = malloc(tb * sizeof *w->keys);
    if (!w->block || !w->keys) {
        deeplog_work_free(w);
        return error_set(err, "out of memory for a batch of %d windows", max_batch);
    }
    w->max_batch = max_batch;
    float *p = w->block;
    for (int l = 0; l < c->layers; l++) {
        w->cache[l].gates = p, p += tb * 4 * h;
        w->cache[l].c = p, p += tb * h;
        w->cache[l].tanh_c = p, p += tb * h;
        w->cache[l].h = p, p += tb * h;
    }
    w->cache[0].input_table = p, p += k * 4 * h;
    w->logits = p, p += max_batch * k;
    w->probs = p, p += max_batch * k;
    w->d_logits = p, p += max_batch * k;
    w->d_h = p, p += tb * h;
    w->d_below = p, p += tb * h;
    w->d_gates = p, p += tb * 4 * h;
    w->d_carry = p;
    return true;
}

void deeplog_work_free(DeepLogWork *w)
{
    free(w->block);
    free(w->keys);
    memset(w, 0, sizeof *w);
}

void deeplog_forward(const DeepLog *m, DeepLogWork *w, const uint32_t *windows, int batch)
{
    const DeepLogConfig *c = &m->cfg;
    int steps = c->window;
    for (int b = 0; b < batch; b++)
        for (int t = 0; t < steps; t++)
            w->keys[(size_t)t * batch + b] = windows[(size_t)b * steps + t];
    for (int l = 0; l < c->layers; l++)
        lstm_forward(&m->t.lstm[l], &w->cache[l], l ? w->cache[l - 1].h : NULL, w->keys, steps,
                     batch, (int)layer_input(c, l), c->hidden);
    const float *last = w->cache[c->layers - 1].h + (size_t)(steps - 1) * batch * c->hidden;
    linear_forward(w->logits, last, m->t.fc_weight, m->t.fc_bias, batch, c->hidden, c->n_keys);
    softmax_forward(w->probs, w->logits, batch, c->n_keys);
}

void deeplog_backward_from_logits(const DeepLog *m, DeepLogWork *w, int batch, float *grad,
                                  float *d_input)
{
    const DeepLogConfig *c = &m->cfg;
    int steps = c->window, top = c->layers - 1;
    size_t step_state = (size_t)batch * c->hidden;
    DeepLogTensors g;
    deeplog_views(c, grad, &g);
    /* only the last step of the top layer feeds the dense layer */
    memset(w->d_h, 0, (size_t)steps * step_state * sizeof *w->d_h);
    const float *last = w->cache[top].h + (size_t)(steps - 1) * step_state;
    linear_backward(w->d_h + (size_t)(steps - 1) * step_state, g.fc_weight, g.fc_bias, w->d_logits,
                    last, m->t.fc_weight, batch, c->hidden, c->n_keys);
    for (int l = top; l >= 0; l--) {
        lstm_backward(&m->t.lstm[l], &g.lstm[l], &w->cache[l], l ? w->cache[l - 1].h : NULL,
                      w->keys, w->d_h, l ? w->d_below : d_input, w->d_gates, w->d_carry, steps, batch,
                      (int)layer_input(c, l), c->hidden);
        float *swap = w->d_h;
        w->d_h = w->d_below, w->d_below = swap;
    }
}

float deeplog_backward(const DeepLog *m, DeepLogWork *w, const uint32_t *targets,
                       const float *weights, int batch, float *grad)
{
    float loss = softmax_xent_backward(w->d_logits, w->probs, targets, weights, batch, m->cfg.n_keys);
    deeplog_backward_from_logits(m, w, batch, grad, NULL);
    return loss;
}

int deeplog_rank(const float *scores, int n_keys, uint32_t key)
{
    if (key >= (uint32_t)n_keys)
        return n_keys; /* a key the model does not know is never a candidate */
    int rank = 0;
    for (int k = 0; k < n_keys; k++)
        rank += scores[k] > scores[key] || (scores[k] == scores[key] && (uint32_t)k < key);
    return rank;
}
