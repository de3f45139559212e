#include "seq2seq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedding.h"
#include "linear.h"
#include "model_file.h"
#include "softmax.h"
#include "tensor.h"

bool seq2seq_config_check(const Seq2SeqConfig *c, Error *err)
{
    if (c->vocab < SEQ2SEQ_FIRST_KEY + 1 || c->vocab > 1000000)
        return error_set(err, "the model needs 1 to 999997 keys besides PAD, START and UNK, not %d",
                         c->vocab - SEQ2SEQ_FIRST_KEY);
    if (c->embed < 1 || c->embed > 4096 || c->hidden < 1 || c->hidden > 4096 || c->units < 1 || c->units > 4096)
        return error_set(err, "embed %d, hidden %d, attention %d: each must be 1 to 4096", c->embed,
                         c->hidden, c->units);
    if (c->tx < 1 || c->tx > SEQ2SEQ_MAX_STEPS || c->ty < 1 || c->ty > SEQ2SEQ_MAX_STEPS)
        return error_set(err, "tx %d, ty %d: each must be 1 to %d", c->tx, c->ty, SEQ2SEQ_MAX_STEPS);
    if (c->stride < 1 || c->stride > 100000)
        return error_set(err, "stride %d: expected 1 to 100000", c->stride);
    return true;
}

#define VIEW(member) offsetof(Seq2SeqTensors, member)

/* The state_dict of the module in docs/MODEL_FORMAT.md, with PyTorch's default initialisation:
 * embeddings N(0, 1), GRU tensors U(±1/√H), and a Linear's U(±1/√in), in = H but for V, which
 * reads the U attention units. */
void seq2seq_tensor_table(const Seq2SeqConfig *c, TensorTable *t)
{
    _Static_assert(18 <= TENSOR_TABLE_MAX, "a row for each of the 18 seq2seq tensors below");
    int64_t V = c->vocab, E = c->embed, H = c->hidden, U = c->units;
    TensorInit embedding = TENSOR_INIT_NORMAL, gru = TENSOR_INIT_UNIFORM(H);
    TensorInit from_hidden = TENSOR_INIT_UNIFORM(H), from_units = TENSOR_INIT_UNIFORM(U);
    tensor_table_clear(t);
    tensor_table_add(t, "encoder.embedding.weight", 0, VIEW(enc_embedding), V, E, embedding);
    tensor_table_add(t, "encoder.gru.weight_ih_l0", 0, VIEW(enc_gru.w_ih), 3 * H, E, gru);
    tensor_table_add(t, "encoder.gru.weight_hh_l0", 0, VIEW(enc_gru.w_hh), 3 * H, H, gru);
    tensor_table_add(t, "encoder.gru.bias_ih_l0", 0, VIEW(enc_gru.b_ih), 3 * H, 0, gru);
    tensor_table_add(t, "encoder.gru.bias_hh_l0", 0, VIEW(enc_gru.b_hh), 3 * H, 0, gru);
    tensor_table_add(t, "attention.W1.weight", 0, VIEW(attn.w1_weight), U, H, from_hidden);
    tensor_table_add(t, "attention.W1.bias", 0, VIEW(attn.w1_bias), U, 0, from_hidden);
    tensor_table_add(t, "attention.W2.weight", 0, VIEW(attn.w2_weight), U, H, from_hidden);
    tensor_table_add(t, "attention.W2.bias", 0, VIEW(attn.w2_bias), U, 0, from_hidden);
    tensor_table_add(t, "attention.V.weight", 0, VIEW(attn.v_weight), 1, U, from_units);
    tensor_table_add(t, "attention.V.bias", 0, VIEW(attn.v_bias), 1, 0, from_units);
    tensor_table_add(t, "decoder.embedding.weight", 0, VIEW(dec_embedding), V, E, embedding);
    tensor_table_add(t, "decoder.gru.weight_ih_l0", 0, VIEW(dec_gru.w_ih), 3 * H, H + E, gru);
    tensor_table_add(t, "decoder.gru.weight_hh_l0", 0, VIEW(dec_gru.w_hh), 3 * H, H, gru);
    tensor_table_add(t, "decoder.gru.bias_ih_l0", 0, VIEW(dec_gru.b_ih), 3 * H, 0, gru);
    tensor_table_add(t, "decoder.gru.bias_hh_l0", 0, VIEW(dec_gru.b_hh), 3 * H, 0, gru);
    tensor_table_add(t, "decoder.fc.weight", 0, VIEW(fc_weight), V, H, from_hidden);
    tensor_table_add(t, "decoder.fc.bias", 0, VIEW(fc_bias), V, 0, from_hidden);
}

/* The table is built afresh each call: tens of nanoseconds, once per backward pass. */
void seq2seq_views(const Seq2SeqConfig *c, float *block, Seq2SeqTensors *v)
{
    TensorTable table;
    seq2seq_tensor_table(c, &table);
    tensor_table_views(&table, block, v);
}

static bool set_key_names(Seq2Seq *m, const char *const *names, Error *err)
{
    static const char *const specials[SEQ2SEQ_FIRST_KEY] = {"<pad>", "<start>", "<unk>"};
    m->key_names = calloc((size_t)m->cfg.vocab, sizeof *m->key_names);
    if (!m->key_names)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    for (int k = 0; k < m->cfg.vocab; k++) {
        char number[16];
        snprintf(number, sizeof number, "%d", k - SEQ2SEQ_FIRST_KEY + 1);
        const char *name = k < SEQ2SEQ_FIRST_KEY ? specials[k] : names ? names[k - SEQ2SEQ_FIRST_KEY] : number;
        if (!(m->key_names[k] = strdup(name)))
            return error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    return true;
}

bool seq2seq_check_top_g(const Seq2Seq *m, int top_g, Error *err)
{
    int n_keys = m->cfg.vocab - SEQ2SEQ_FIRST_KEY;
    if (top_g < 1 || top_g > n_keys)
        return error_set(err, "top-g %d: expected 1 to the number of keys (%d)", top_g, n_keys);
    return true;
}

bool seq2seq_create(Seq2Seq *m, const Seq2SeqConfig *cfg, const char *const *key_names,
                    uint64_t seed, Error *err)
{
    memset(m, 0, sizeof *m);
    if (!seq2seq_config_check(cfg, err))
        return false;
    TensorTable table;
    seq2seq_tensor_table(cfg, &table);
    m->cfg = *cfg;
    m->top_g = 1;
    m->calibration = CALIBRATION_DEFAULT;
    m->calibration.segment = 1000;
    m->n_params = table.n_params;
    m->params = calloc(m->n_params, sizeof *m->params);
    if (!m->params || !set_key_names(m, key_names, err)) {
        seq2seq_free(m);
        return error_set_code(err, ERROR_NOMEM, "out of memory for a model of %zu parameters", table.n_params);
    }
    tensor_table_views(&table, m->params, &m->t);
    tensor_table_init(&table, m->params, seed);
    return true;
}

void seq2seq_free(Seq2Seq *m)
{
    for (int k = 0; m->key_names && k < m->cfg.vocab; k++)
        free(m->key_names[k]);
    free(m->key_names);
    free(m->params);
    memset(m, 0, sizeof *m);
}

bool seq2seq_grow_vocab(Seq2Seq *m, const char *const *new_names, int n_new, uint64_t seed, Error *err)
{
    Seq2SeqConfig grown_cfg = m->cfg;
    grown_cfg.vocab += n_new;
    if (!seq2seq_config_check(&grown_cfg, err))
        return false;
    TensorTable old, grown;
    seq2seq_tensor_table(&m->cfg, &old);
    seq2seq_tensor_table(&grown_cfg, &grown);
    float *params;
    char **names;
    if (!model_grow_block(&old, m->params, &grown, m->key_names, m->cfg.vocab, new_names, n_new, seed, &params, &names,
                          err))
        return false;
    Seq2SeqTensors views;
    tensor_table_views(&grown, params, &views);
    tensor_table_neutral_rows(views.fc_weight, views.fc_bias, (size_t)m->cfg.vocab, (size_t)grown_cfg.vocab,
                              (size_t)grown_cfg.hidden);
    /* The model read the new keys as UNK until now: each starts as UNK's embedding, so every
     * window reads as it did (and what training taught UNK is kept); training parts them. */
    size_t E = (size_t)grown_cfg.embed;
    for (size_t k = (size_t)m->cfg.vocab; k < (size_t)grown_cfg.vocab; k++) {
        memcpy(views.enc_embedding + k * E, views.enc_embedding + SEQ2SEQ_UNK * E, E * sizeof *params);
        memcpy(views.dec_embedding + k * E, views.dec_embedding + SEQ2SEQ_UNK * E, E * sizeof *params);
    }
    free(m->params);
    free(m->key_names);
    m->cfg = grown_cfg;
    m->n_params = grown.n_params;
    m->params = params;
    m->t = views;
    m->key_names = names;
    return true;
}

/* ---- work buffers ------------------------------------------------------------------------ */

/* The work block's layout: run with block->base NULL it counts the floats, then lays them. */
static void carve_work(Seq2SeqWork *w, const Seq2SeqConfig *c, size_t B, BlockCarver *block)
{
    size_t V = (size_t)c->vocab, E = (size_t)c->embed, H = (size_t)c->hidden;
    size_t U = (size_t)c->units, TX = (size_t)c->tx, TY = (size_t)c->ty, X = H + E;
    w->enc_emb = block_carve(block, TX * B * E);
    w->enc_xp = block_carve(block, TX * B * 3 * H);
    w->enc_h = block_carve(block, TX * B * H);
    for (size_t t = 0; t < TX; t++) {
        w->enc_cache[t].gates = block_carve(block, B * 3 * H);
        w->enc_cache[t].hh = block_carve(block, B * 3 * H);
    }
    w->enc_out = block_carve(block, B * TX * H);
    w->keys = block_carve(block, B * TX * U);
    w->dec_x = block_carve(block, TY * B * X);
    w->dec_xp = block_carve(block, TY * B * 3 * H);
    w->dec_h = block_carve(block, TY * B * H);
    for (size_t t = 0; t < TY; t++) {
        w->dec_cache[t].gates = block_carve(block, B * 3 * H);
        w->dec_cache[t].hh = block_carve(block, B * 3 * H);
        w->attn_cache[t].query_proj = block_carve(block, B * U);
        w->attn_cache[t].hidden = block_carve(block, B * TX * U);
        w->attn_cache[t].weights = block_carve(block, B * TX);
    }
    w->logits = block_carve(block, TY * B * V);
    w->probs = block_carve(block, TY * B * V);
    w->d_logits = block_carve(block, TY * B * V);
    w->d_dec_h = block_carve(block, TY * B * H);
    w->d_xp = block_carve(block, B * 3 * H);
    w->d_hh = block_carve(block, B * 3 * H);
    w->d_x = block_carve(block, B * X);
    w->d_carry = block_carve(block, B * H);
    w->d_keys = block_carve(block, B * TX * U);
    w->d_enc_out = block_carve(block, B * TX * H);
    w->d_e = block_carve(block, B * TX);
    w->d_qp = block_carve(block, B * U);
    w->d_enc_h = block_carve(block, TX * B * H);
    w->d_enc_xp = block_carve(block, TX * B * 3 * H);
    w->d_enc_emb = block_carve(block, TX * B * E);
}

bool seq2seq_work_init(Seq2SeqWork *w, const Seq2Seq *m, int max_batch, Error *err)
{
    memset(w, 0, sizeof *w);
    size_t B = (size_t)max_batch, H = (size_t)m->cfg.hidden;
    size_t TX = (size_t)m->cfg.tx, TY = (size_t)m->cfg.ty;
    BlockCarver block = {0};
    carve_work(w, &m->cfg, B, &block);
    w->block = malloc(block.used * sizeof *w->block);
    w->enc_ids = malloc(TX * B * sizeof *w->enc_ids);
    w->prev_ids = malloc(TY * B * sizeof *w->prev_ids);
    w->step_targets = malloc(TY * B * sizeof *w->step_targets);
    w->step_weights = malloc(TY * B * sizeof *w->step_weights);
    w->zero_h = calloc(B * H, sizeof *w->zero_h);
    if (!w->block || !w->enc_ids || !w->prev_ids || !w->step_targets || !w->step_weights || !w->zero_h) {
        seq2seq_work_free(w);
        return error_set_code(err, ERROR_NOMEM, "out of memory for a batch of %d windows", max_batch);
    }
    w->max_batch = max_batch;
    carve_work(w, &m->cfg, B, &(BlockCarver){.base = w->block});
    return true;
}

void seq2seq_work_free(Seq2SeqWork *w)
{
    free(w->block);
    free(w->enc_ids);
    free(w->prev_ids);
    free(w->step_targets);
    free(w->step_weights);
    free(w->zero_h);
    memset(w, 0, sizeof *w);
}

/* ---- forward ----------------------------------------------------------------------------- */

static void encode(const Seq2Seq *m, Seq2SeqWork *w, const uint32_t *inputs, int batch)
{
    const Seq2SeqConfig *c = &m->cfg;
    int H = c->hidden, E = c->embed, TX = c->tx;
    size_t step_h = (size_t)batch * H, step_g = (size_t)batch * 3 * H;
    for (int b = 0; b < batch; b++)
        for (int t = 0; t < TX; t++)
            w->enc_ids[(size_t)t * batch + b] = inputs[(size_t)b * TX + t];
    embedding_forward(w->enc_emb, m->t.enc_embedding, w->enc_ids, TX * batch, E);
    linear_forward(w->enc_xp, w->enc_emb, m->t.enc_gru.w_ih, m->t.enc_gru.b_ih, TX * batch, E, 3 * H);
    for (int t = 0; t < TX; t++)
        gru_step_forward(&m->t.enc_gru, &w->enc_cache[t], w->enc_xp + t * step_g,
                         t ? w->enc_h + (t - 1) * step_h : w->zero_h, w->enc_h + t * step_h, batch, H);
    for (int b = 0; b < batch; b++) /* attention reads the outputs batch-major */
        for (int t = 0; t < TX; t++)
            memcpy(w->enc_out + ((size_t)b * TX + t) * H, w->enc_h + t * step_h + (size_t)b * H,
                   (size_t)H * sizeof *w->enc_out);
    attention_keys(&m->t.attn, w->enc_out, w->keys, batch, TX, H, c->units);
}

static uint32_t argmax(const float *v, int n)
{
    int best = 0;
    for (int k = 1; k < n; k++)
        best = v[k] > v[best] ? k : best;
    return (uint32_t)best;
}

static const float *decoder_state(const Seq2SeqWork *w, const Seq2SeqConfig *c, int step, int batch)
{
    size_t step_h = (size_t)batch * c->hidden;
    return step ? w->dec_h + (step - 1) * step_h : w->enc_h + (c->tx - 1) * step_h;
}

void seq2seq_forward(const Seq2Seq *m, Seq2SeqWork *w, const uint32_t *inputs,
                     const uint32_t *targets, uint32_t *predicted, int batch)
{
    const Seq2SeqConfig *c = &m->cfg;
    int H = c->hidden, E = c->embed, V = c->vocab, X = H + E;
    size_t step_h = (size_t)batch * H, step_g = (size_t)batch * 3 * H, step_v = (size_t)batch * V;
    encode(m, w, inputs, batch);
    float *context = w->d_x; /* scratch until backward */
    for (int s = 0; s < c->ty; s++) {
        uint32_t *prev = w->prev_ids + (size_t)s * batch;
        for (int b = 0; b < batch; b++)
            prev[b] = s == 0 ? SEQ2SEQ_START
                    : targets ? targets[(size_t)b * c->ty + s - 1]
                              : argmax(w->logits + (s - 1) * step_v + (size_t)b * V, V);
        const float *h_prev = decoder_state(w, c, s, batch);
        attention_forward(&m->t.attn, &w->attn_cache[s], w->keys, w->enc_out, h_prev, context, batch,
                          c->tx, H, c->units);
        float *x = w->dec_x + (size_t)s * batch * X;
        for (int b = 0; b < batch; b++) {
            memcpy(x + (size_t)b * X, context + (size_t)b * H, (size_t)H * sizeof *x);
            memcpy(x + (size_t)b * X + H, m->t.dec_embedding + (size_t)prev[b] * E, (size_t)E * sizeof *x);
        }
        linear_forward(w->dec_xp + s * step_g, x, m->t.dec_gru.w_ih, m->t.dec_gru.b_ih, batch, X, 3 * H);
        gru_step_forward(&m->t.dec_gru, &w->dec_cache[s], w->dec_xp + s * step_g, h_prev,
                         w->dec_h + s * step_h, batch, H);
        linear_forward(w->logits + s * step_v, w->dec_h + s * step_h, m->t.fc_weight, m->t.fc_bias,
                       batch, H, V);
        softmax_forward(w->probs + s * step_v, w->logits + s * step_v, batch, V);
    }
    for (int b = 0; predicted && b < batch; b++)
        for (int s = 0; s < c->ty; s++)
            predicted[(size_t)b * c->ty + s] = argmax(w->logits + s * step_v + (size_t)b * V, V);
}

/* ---- backward ---------------------------------------------------------------------------- */

static void fc_backward(const Seq2Seq *m, Seq2SeqWork *w, int batch, Seq2SeqTensors *g)
{
    const Seq2SeqConfig *c = &m->cfg;
    linear_backward(w->d_dec_h, g->fc_weight, g->fc_bias, w->d_logits, w->dec_h, m->t.fc_weight,
                    c->ty * batch, c->hidden, c->vocab);
}

static float output_gradients(const Seq2Seq *m, Seq2SeqWork *w, const uint32_t *targets,
                              const float *weights, int batch, Seq2SeqTensors *g)
{
    const Seq2SeqConfig *c = &m->cfg;
    int rows = c->ty * batch;
    uint32_t *step_targets = w->step_targets;
    float *step_weights = w->step_weights;
    for (int s = 0; s < c->ty; s++)
        for (int b = 0; b < batch; b++) {
            step_targets[(size_t)s * batch + b] = targets[(size_t)b * c->ty + s];
            step_weights[(size_t)s * batch + b] = weights ? weights[b] : 1.0f;
        }
    float loss = softmax_xent_backward(w->d_logits, w->probs, step_targets, step_weights, rows, c->vocab);
    fc_backward(m, w, batch, g);
    return loss;
}

static void decoder_backward(const Seq2Seq *m, Seq2SeqWork *w, int batch, Seq2SeqTensors *g)
{
    const Seq2SeqConfig *c = &m->cfg;
    int H = c->hidden, E = c->embed, X = H + E;
    size_t step_h = (size_t)batch * H;
    float *carry = w->d_carry, *d_h = w->d_enc_h; /* d_enc_h is free until the encoder's turn */
    memset(carry, 0, step_h * sizeof *carry);
    memset(w->d_keys, 0, (size_t)batch * c->tx * c->units * sizeof *w->d_keys);
    memset(w->d_enc_out, 0, (size_t)batch * c->tx * H * sizeof *w->d_enc_out);
    for (int s = c->ty - 1; s >= 0; s--) {
        const float *h_prev = decoder_state(w, c, s, batch);
        for (size_t i = 0; i < step_h; i++)
            d_h[i] = w->d_dec_h[s * step_h + i] + carry[i];
        memset(carry, 0, step_h * sizeof *carry);
        gru_step_backward(&m->t.dec_gru, &g->dec_gru, &w->dec_cache[s], h_prev, w->dec_h + s * step_h,
                          d_h, w->d_xp, carry, w->d_hh, batch, H);
        linear_backward(w->d_x, g->dec_gru.w_ih, g->dec_gru.b_ih, w->d_xp, w->dec_x + (size_t)s * batch * X,
                        m->t.dec_gru.w_ih, batch, X, 3 * H);
        for (int b = 0; b < batch; b++) /* the embedding half of [context ; embedding] */
            embedding_backward(g->dec_embedding, w->d_x + (size_t)b * X + H, w->prev_ids + (size_t)s * batch + b, 1, E);
        for (int b = 0; b < batch; b++) /* compact the context half to [B][H] in place */
            memmove(w->d_x + (size_t)b * H, w->d_x + (size_t)b * X, (size_t)H * sizeof *w->d_x);
        attention_backward(&m->t.attn, &g->attn, &w->attn_cache[s], w->enc_out, h_prev, w->d_x, w->d_keys,
                           w->d_enc_out, carry, w->d_e, w->d_qp, batch, c->tx, H, c->units);
    }
    attention_keys_backward(&m->t.attn, &g->attn, w->enc_out, w->d_keys, w->d_enc_out, batch, c->tx, H, c->units);
}

static void encoder_backward(const Seq2Seq *m, Seq2SeqWork *w, int batch, Seq2SeqTensors *g)
{
    const Seq2SeqConfig *c = &m->cfg;
    int H = c->hidden, E = c->embed, TX = c->tx;
    size_t step_h = (size_t)batch * H, step_g = (size_t)batch * 3 * H;
    float *carry = w->d_carry; /* holds the decoder's gradient at the encoder's last state */
    float *d_h = w->d_x;
    for (int t = TX - 1; t >= 0; t--) {
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < H; j++)
                d_h[(size_t)b * H + j] = carry[(size_t)b * H + j] + w->d_enc_out[((size_t)b * TX + t) * H + j];
        memset(carry, 0, step_h * sizeof *carry);
        gru_step_backward(&m->t.enc_gru, &g->enc_gru, &w->enc_cache[t], t ? w->enc_h + (t - 1) * step_h : w->zero_h,
                          w->enc_h + t * step_h, d_h, w->d_enc_xp + t * step_g, carry, w->d_hh, batch, H);
    }
    linear_backward(w->d_enc_emb, g->enc_gru.w_ih, g->enc_gru.b_ih, w->d_enc_xp, w->enc_emb, m->t.enc_gru.w_ih,
                    TX * batch, E, 3 * H);
    embedding_backward(g->enc_embedding, w->d_enc_emb, w->enc_ids, TX * batch, E);
}

void seq2seq_backward_from_logits(const Seq2Seq *m, Seq2SeqWork *w, int batch, float *grad)
{
    Seq2SeqTensors g;
    seq2seq_views(&m->cfg, grad, &g);
    fc_backward(m, w, batch, &g);
    decoder_backward(m, w, batch, &g);
    encoder_backward(m, w, batch, &g);
}

float seq2seq_backward(const Seq2Seq *m, Seq2SeqWork *w, const uint32_t *targets,
                       const float *weights, int batch, float *grad)
{
    Seq2SeqTensors g;
    seq2seq_views(&m->cfg, grad, &g);
    float loss = output_gradients(m, w, targets, weights, batch, &g);
    decoder_backward(m, w, batch, &g);
    encoder_backward(m, w, batch, &g);
    return loss;
}
