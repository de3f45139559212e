/* DeepAID's search for the seq2seq model (see interpret.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "interpret.h"
#include "interpret_swap.h"
#include "../io/clock.h"
#include "softmax.h"

bool seq2seq_interpreter_init(Seq2SeqInterpreter *it, const Seq2Seq *m, NearestIndex *nearest,
                              const InterpretOptions *opt, Error *err)
{
    memset(it, 0, sizeof *it);
    if (m->cfg.tx + m->cfg.ty > INTERPRET_MAX_KEYS)
        return error_set(err, "windows of over %d keys cannot be interpreted", INTERPRET_MAX_KEYS);
    it->model = m;
    it->nearest = nearest;
    it->opt = *opt;
    it->grad = malloc(m->n_params * sizeof *it->grad);
    it->candidates = malloc((size_t)INTERPRET_CANDIDATES * m->cfg.tx * sizeof *it->candidates);
    it->targets = malloc((size_t)INTERPRET_CANDIDATES * m->cfg.ty * sizeof *it->targets);
    it->predicted = malloc((size_t)INTERPRET_CANDIDATES * m->cfg.ty * sizeof *it->predicted);
    if (!it->grad || !it->candidates || !it->targets || !it->predicted ||
        !seq2seq_work_init(&it->work, m, INTERPRET_CANDIDATES, err)) {
        seq2seq_interpreter_free(it);
        return err && err->failed ? false : error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    return true;
}

void seq2seq_interpreter_free(Seq2SeqInterpreter *it)
{
    seq2seq_work_free(&it->work);
    free(it->grad);
    free(it->candidates);
    free(it->targets);
    free(it->predicted);
    memset(it, 0, sizeof *it);
}

/* Whether the model misses target at step s of row b of the last decode: as scoring judges it
 * (model/seq2seq_score.c), the greedy choice for top-g 1, else the target's rank. */
static bool step_missed(const Seq2SeqInterpreter *it, int count, int b, int s, uint32_t target)
{
    const Seq2Seq *m = it->model;
    int V = m->cfg.vocab;
    if (target >= (uint32_t)V || target == SEQ2SEQ_UNK)
        return true;
    if (m->top_g <= 1)
        return it->predicted[(size_t)b * m->cfg.ty + s] != target;
    const float *probs = it->work.probs + ((size_t)s * count + b) * V; /* [Ty][B][V] */
    return softmax_rank(probs, V, target) >= m->top_g;
}

/* Greedy predictions of count candidate inputs (it->candidates); returns per row the targets missed. */
static void decode(Seq2SeqInterpreter *it, const uint32_t *targets, int count, int *missed)
{
    const Seq2SeqConfig *c = &it->model->cfg;
    seq2seq_forward(it->model, &it->work, it->candidates, NULL, it->predicted, count);
    for (int b = 0; b < count; b++) {
        missed[b] = 0;
        for (int s = 0; s < c->ty; s++)
            missed[b] += step_missed(it, count, b, s, targets[s]);
    }
}

/* Mean p(target_s) under teacher forcing; with gradient, d(-Σp)/d(embedded inputs) follows. */
static float teacher_forced(Seq2SeqInterpreter *it, const uint32_t *inputs, const uint32_t *targets, bool gradient)
{
    const Seq2SeqConfig *c = &it->model->cfg;
    int V = c->vocab;
    float sum = 0;
    seq2seq_forward(it->model, &it->work, inputs, targets, NULL, 1);
    for (int s = 0; s < c->ty; s++) {
        const float *p = it->work.probs + (size_t)s * V;
        float *d = it->work.d_logits + (size_t)s * V;
        float pt = targets[s] < (uint32_t)V ? p[targets[s]] : 0.0f;
        sum += pt;
        for (int j = 0; gradient && j < V; j++)
            d[j] = -pt * ((uint32_t)j == targets[s] ? 1.0f - p[j] : -p[j]);
    }
    if (gradient) {
        memset(it->grad, 0, it->model->n_params * sizeof *it->grad);
        seq2seq_backward_from_logits(it->model, &it->work, 1, it->grad);
    }
    return sum / (float)c->ty;
}

/* Candidate single-key input changes, best first-order gain first: dL/dx[pos][key] is the
 * embedded input's gradient dotted with that key's embedding. */
static int best_swaps(Seq2SeqInterpreter *it, const uint32_t *inputs, const uint8_t *changed, Swap *out)
{
    const Seq2SeqConfig *c = &it->model->cfg;
    int V = c->vocab, E = c->embed, n = 0;
    Swap *all = malloc((size_t)c->tx * V * sizeof *all);
    float *g = malloc((size_t)V * sizeof *g);
    if (!all || !g) {
        free(all), free(g);
        return 0;
    }
    for (int t = 0; t < c->tx; t++) {
        if (changed[t])
            continue;
        const float *d = it->work.d_enc_emb + (size_t)t * E; /* batch of 1: [Tx][1][E] */
        for (int k = 0; k < V; k++) {
            const float *e = it->model->t.enc_embedding + (size_t)k * E;
            g[k] = 0;
            for (int j = 0; j < E; j++)
                g[k] += d[j] * e[j];
        }
        for (int k = SEQ2SEQ_FIRST_KEY; k < V; k++)
            if ((uint32_t)k != inputs[t])
                all[n++] = (Swap){t, (uint32_t)k, g[k] - g[inputs[t]] + it->opt.lambda * sqrtf(2.0f)};
    }
    qsort(all, (size_t)n, sizeof *all, swap_by_gain);
    n = n < INTERPRET_CANDIDATES ? n : INTERPRET_CANDIDATES;
    memcpy(out, all, (size_t)n * sizeof *out);
    free(all), free(g);
    return n;
}

/* One greedy step; returns whether a change lowered the targets missed. */
static bool improve(Seq2SeqInterpreter *it, uint32_t *reference, uint8_t *changed, const uint32_t *targets,
                    int *missed_now)
{
    const Seq2SeqConfig *c = &it->model->cfg;
    Swap swaps[INTERPRET_CANDIDATES];
    int missed[INTERPRET_CANDIDATES];
    teacher_forced(it, reference, targets, true);
    int n = best_swaps(it, reference, changed, swaps);
    for (int k = 0; k < n; k++) {
        memcpy(it->candidates + (size_t)k * c->tx, reference, (size_t)c->tx * sizeof *reference);
        it->candidates[(size_t)k * c->tx + swaps[k].position] = swaps[k].key;
    }
    if (n == 0)
        return false;
    decode(it, targets, n, missed);
    int best = -1;
    for (int k = 0; k < n; k++)
        if (missed[k] < *missed_now && (best < 0 || missed[k] < missed[best]))
            best = k;
    if (best < 0)
        return false;
    reference[swaps[best].position] = swaps[best].key;
    changed[swaps[best].position] = 1;
    *missed_now = missed[best];
    return true;
}

void interpret_seq2seq(Seq2SeqInterpreter *it, const uint32_t *inputs, const uint32_t *targets,
                       Interpretation *out)
{
    const Seq2SeqConfig *c = &it->model->cfg;
    int tx = c->tx, ty = c->ty;
    double start = clock_seconds();
    memset(out, 0, sizeof *out);
    out->n_inputs = tx, out->n_keys = tx + ty;
    memcpy(out->keys, inputs, (size_t)tx * sizeof *inputs);
    memcpy(out->keys + tx, targets, (size_t)ty * sizeof *targets);
    memcpy(out->reference, out->keys, sizeof out->keys);
    memcpy(it->candidates, inputs, (size_t)tx * sizeof *inputs);
    int missed;
    decode(it, targets, 1, &missed);
    uint32_t greedy[INTERPRET_MAX_KEYS];
    memcpy(greedy, it->predicted, (size_t)ty * sizeof *greedy);
    out->missed_before = missed;
    out->rank_before = out->rank_after = -1, out->top_g = it->model->top_g;
    out->anomalous = missed > 0;
    out->p_before = teacher_forced(it, inputs, targets, false);
    int missed_now = missed;
    uint8_t changed[INTERPRET_MAX_KEYS] = {0};
    for (int k = 0; out->anomalous && missed_now > 0 && k < it->opt.max_changes; k++)
        if (!improve(it, out->reference, changed, targets, &missed_now))
            break;
    if (out->anomalous && missed_now > 0) {
        /* no k input changes make the window's targets predicted: the targets are the anomaly,
         * and the reference takes what the model predicts from the inputs as they were */
        memcpy(out->reference, inputs, (size_t)tx * sizeof *inputs);
        memcpy(out->reference + tx, greedy, (size_t)ty * sizeof *greedy);
        out->target_changed = true;
        out->searched_inputs = true;
    }
    memcpy(it->candidates, out->reference, (size_t)tx * sizeof *inputs);
    decode(it, out->reference + tx, 1, &out->missed_after);
    out->fidelity = out->missed_after == 0;
    out->p_after = teacher_forced(it, out->reference, out->reference + tx, false);
    for (int i = 0; i < out->n_keys; i++)
        out->changes += out->reference[i] != out->keys[i];
    if (it->nearest) {
        int64_t w = nearest_index_query(it->nearest, out->keys, &out->nearest_distance);
        if (w >= 0) {
            out->has_nearest = true;
            memcpy(out->nearest, it->nearest->windows->keys + (size_t)w * it->nearest->windows->width,
                   (size_t)out->n_keys * sizeof *out->nearest);
        }
    }
    out->seconds = clock_seconds() - start;
}
