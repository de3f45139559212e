#include "deeplog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"
#include "model_file.h"
#include "softmax.h"
#include "softmax_blocks.h"
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

/* The state_dict of nn.LSTM(K, H, L) then nn.Linear(H, K); every tensor U(±1/√H), which is
 * PyTorch's default for the LSTM and, the dense layer reading H inputs, for it as well. */
void deeplog_tensor_table(const DeepLogConfig *c, TensorTable *t)
{
    _Static_assert(4 * DEEPLOG_MAX_LAYERS + 2 <= TENSOR_TABLE_MAX, "a row for every DeepLog tensor");
    int64_t K = c->n_keys, H = c->hidden, G = 4 * H;
    TensorInit lstm_init = TENSOR_INIT_UNIFORM(H), fc_init = TENSOR_INIT_UNIFORM(H);
    tensor_table_clear(t);
    for (int l = 0; l < c->layers; l++) {
        size_t layer = offsetof(DeepLogTensors, lstm) + (size_t)l * sizeof(LstmWeights);
        int64_t in = (int64_t)layer_input(c, l);
        tensor_table_add(t, "lstm.weight_ih_l%d", l, layer + offsetof(LstmWeights, w_ih), G, in, lstm_init);
        tensor_table_add(t, "lstm.weight_hh_l%d", l, layer + offsetof(LstmWeights, w_hh), G, H, lstm_init);
        tensor_table_add(t, "lstm.bias_ih_l%d", l, layer + offsetof(LstmWeights, b_ih), G, 0, lstm_init);
        tensor_table_add(t, "lstm.bias_hh_l%d", l, layer + offsetof(LstmWeights, b_hh), G, 0, lstm_init);
    }
    tensor_table_add(t, "fc.weight", 0, offsetof(DeepLogTensors, fc_weight), K, H, fc_init);
    tensor_table_add(t, "fc.bias", 0, offsetof(DeepLogTensors, fc_bias), K, 0, fc_init);
}

/* The table is built afresh each call: tens of nanoseconds, once per backward pass. */
void deeplog_views(const DeepLogConfig *c, float *block, DeepLogTensors *v)
{
    TensorTable table;
    deeplog_tensor_table(c, &table);
    tensor_table_views(&table, block, v);
}

static bool set_key_names(DeepLog *m, const char *const *names, Error *err)
{
    m->key_names = calloc((size_t)m->cfg.n_keys, sizeof *m->key_names);
    if (!m->key_names)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    for (int k = 0; k < m->cfg.n_keys; k++) {
        char number[16];
        snprintf(number, sizeof number, "%d", k + 1);
        m->key_names[k] = strdup(names ? names[k] : number);
        if (!m->key_names[k])
            return error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    return true;
}

bool deeplog_create(DeepLog *m, const DeepLogConfig *cfg, const char *const *key_names,
                    uint64_t seed, Error *err)
{
    memset(m, 0, sizeof *m);
    if (!deeplog_config_check(cfg, err))
        return false;
    TensorTable table;
    deeplog_tensor_table(cfg, &table);
    m->cfg = *cfg;
    m->calibration = CALIBRATION_DEFAULT;
    m->n_params = table.n_params;
    m->params = calloc(m->n_params, sizeof *m->params);
    if (!m->params || !set_key_names(m, key_names, err)) {
        deeplog_free(m);
        return error_set_code(err, ERROR_NOMEM, "out of memory for a model of %zu parameters", table.n_params);
    }
    tensor_table_views(&table, m->params, &m->t);
    tensor_table_init(&table, m->params, seed);
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

bool deeplog_grow_vocab(DeepLog *m, const char *const *new_names, int n_new, uint64_t seed, Error *err)
{
    DeepLogConfig grown_cfg = m->cfg;
    grown_cfg.n_keys += n_new;
    if (!deeplog_config_check(&grown_cfg, err))
        return false;
    TensorTable old, grown;
    deeplog_tensor_table(&m->cfg, &old);
    deeplog_tensor_table(&grown_cfg, &grown);
    float *params;
    char **names;
    if (!model_grow_block(&old, m->params, &grown, m->key_names, m->cfg.n_keys, new_names, n_new, seed, &params, &names,
                          err))
        return false;
    DeepLogTensors views;
    tensor_table_views(&grown, params, &views);
    tensor_table_neutral_rows(views.fc_weight, views.fc_bias, (size_t)m->cfg.n_keys, (size_t)grown_cfg.n_keys,
                              (size_t)grown_cfg.hidden);
    free(m->params);
    free(m->key_names);
    m->cfg = grown_cfg;
    m->n_params = grown.n_params;
    m->params = params;
    m->t = views;
    m->key_names = names;
    return true;
}

/* The work block's layout: run with block->base NULL it counts the floats, then lays them. */
static void carve_work(DeepLogWork *w, const DeepLogConfig *c, size_t max_batch, bool whole_vocab,
                       BlockCarver *block)
{
    size_t tb = (size_t)c->window * max_batch, h = (size_t)c->hidden, k = whole_vocab ? (size_t)c->n_keys : 0;
    for (int l = 0; l < c->layers; l++) {
        w->cache[l].gates = block_carve(block, tb * 4 * h);
        w->cache[l].c = block_carve(block, tb * h);
        w->cache[l].tanh_c = block_carve(block, tb * h);
        w->cache[l].h = block_carve(block, tb * h);
    }
    w->logits = block_carve(block, max_batch * k);
    w->probs = block_carve(block, max_batch * k);
    w->d_logits = block_carve(block, max_batch * k);
    w->d_h = block_carve(block, tb * h);
    w->d_below = block_carve(block, tb * h);
    w->d_gates = block_carve(block, tb * 4 * h);
    w->d_carry = block_carve(block, max_batch * h);
}

static bool work_init(DeepLogWork *w, const DeepLog *m, int max_batch, bool whole_vocab, Error *err)
{
    memset(w, 0, sizeof *w);
    BlockCarver block = {0};
    carve_work(w, &m->cfg, (size_t)max_batch, whole_vocab, &block);
    w->block = malloc(block.used * sizeof *w->block);
    w->keys = malloc((size_t)m->cfg.window * max_batch * sizeof *w->keys);
    if (!w->block || !w->keys) {
        deeplog_work_free(w);
        return error_set_code(err, ERROR_NOMEM, "out of memory for a batch of %d windows", max_batch);
    }
    w->max_batch = max_batch;
    carve_work(w, &m->cfg, (size_t)max_batch, whole_vocab, &(BlockCarver){.base = w->block});
    if (!whole_vocab)
        w->logits = w->probs = w->d_logits = NULL;
    return true;
}

bool deeplog_work_init(DeepLogWork *w, const DeepLog *m, int max_batch, Error *err)
{
    return work_init(w, m, max_batch, true, err);
}

bool deeplog_work_init_hidden(DeepLogWork *w, const DeepLog *m, int max_batch, Error *err)
{
    return work_init(w, m, max_batch, false, err);
}

void deeplog_work_free(DeepLogWork *w)
{
    free(w->block);
    free(w->keys);
    memset(w, 0, sizeof *w);
}

const float *deeplog_forward_hidden(const DeepLog *m, DeepLogWork *w, const uint32_t *windows, int batch)
{
    const DeepLogConfig *c = &m->cfg;
    int steps = c->window;
    for (int b = 0; b < batch; b++)
        for (int t = 0; t < steps; t++)
            w->keys[(size_t)t * batch + b] = windows[(size_t)b * steps + t];
    for (int l = 0; l < c->layers; l++)
        lstm_forward(&m->t.lstm[l], &w->cache[l], l ? w->cache[l - 1].h : NULL, w->keys, steps,
                     batch, (int)layer_input(c, l), c->hidden);
    return w->cache[c->layers - 1].h + (size_t)(steps - 1) * batch * c->hidden;
}

void deeplog_forward(const DeepLog *m, DeepLogWork *w, const uint32_t *windows, int batch)
{
    const DeepLogConfig *c = &m->cfg;
    const float *last = deeplog_forward_hidden(m, w, windows, batch);
    linear_forward(w->logits, last, m->t.fc_weight, m->t.fc_bias, batch, c->hidden, c->n_keys);
    softmax_forward(w->probs, w->logits, batch, c->n_keys);
}

/* From w->d_h [T][B][H], the top layer's output gradients, down through the layers. */
static void backward_layers(const DeepLog *m, DeepLogWork *w, DeepLogTensors *g, int batch, float *d_input)
{
    const DeepLogConfig *c = &m->cfg;
    int steps = c->window, top = c->layers - 1;
    for (int l = top; l >= 0; l--) {
        lstm_backward(&m->t.lstm[l], &g->lstm[l], &w->cache[l], l ? w->cache[l - 1].h : NULL,
                      w->keys, w->d_h, l ? w->d_below : d_input, w->d_gates, w->d_carry, steps, batch,
                      (int)layer_input(c, l), c->hidden);
        float *swap = w->d_h;
        w->d_h = w->d_below, w->d_below = swap;
    }
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
    backward_layers(m, w, &g, batch, d_input);
}

float deeplog_backward_blocked(const DeepLog *m, DeepLogWork *w, SoftmaxBlocks *out, const uint32_t *targets,
                               const float *weights, int batch, float *grad)
{
    const DeepLogConfig *c = &m->cfg;
    int steps = c->window;
    size_t step_state = (size_t)batch * c->hidden;
    DeepLogTensors g;
    deeplog_views(c, grad, &g);
    memset(w->d_h, 0, (size_t)steps * step_state * sizeof *w->d_h);
    const float *last = w->cache[c->layers - 1].h + (size_t)(steps - 1) * step_state;
    float loss = softmax_blocks_xent(out, last, batch, targets, weights, g.fc_weight, g.fc_bias,
                                     w->d_h + (size_t)(steps - 1) * step_state);
    backward_layers(m, w, &g, batch, NULL);
    return loss;
}

float deeplog_backward(const DeepLog *m, DeepLogWork *w, const uint32_t *targets,
                       const float *weights, int batch, float *grad)
{
    float loss = softmax_xent_backward(w->d_logits, w->probs, targets, weights, batch, m->cfg.n_keys);
    deeplog_backward_from_logits(m, w, batch, grad, NULL);
    return loss;
}
