#include "interpret.h"
#include "interpret_swap.h"
#include "softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../io/clock.h"

bool interpreter_init(Interpreter *it, const DeepLog *m, NearestIndex *nearest,
                      const InterpretOptions *opt, Error *err)
{
    memset(it, 0, sizeof *it);
    if (m->cfg.window + 1 > INTERPRET_MAX_KEYS)
        return error_set(err, "windows of over %d keys cannot be interpreted", INTERPRET_MAX_KEYS - 1);
    it->model = m;
    it->nearest = nearest;
    it->opt = *opt;
    it->grad = malloc(m->n_params * sizeof *it->grad);
    it->d_input = malloc((size_t)m->cfg.window * m->cfg.n_keys * sizeof *it->d_input);
    it->candidates = malloc((size_t)INTERPRET_CANDIDATES * m->cfg.window * sizeof *it->candidates);
    if (!it->grad || !it->d_input || !it->candidates || !deeplog_work_init(&it->work, m, INTERPRET_CANDIDATES, err)) {
        interpreter_free(it);
        return err && err->failed ? false : error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    return true;
}

void interpreter_free(Interpreter *it)
{
    deeplog_work_free(&it->work);
    free(it->grad);
    free(it->d_input);
    free(it->candidates);
    memset(it, 0, sizeof *it);
}

/* p(target) and its rank for one window (batch row 0) */
static float predict_one(Interpreter *it, const uint32_t *window, uint32_t target, int *rank)
{
    const DeepLog *m = it->model;
    deeplog_forward(m, &it->work, window, 1);
    *rank = softmax_rank(it->work.probs, m->cfg.n_keys, target);
    return target < (uint32_t)m->cfg.n_keys ? it->work.probs[target] : 0.0f;
}

/* dL/dx [T][K] for L = -p(target): the loss's gradient while p(target) < b */
static void input_gradient(Interpreter *it, const uint32_t *window, uint32_t target)
{
    const DeepLog *m = it->model;
    int k = m->cfg.n_keys;
    deeplog_forward(m, &it->work, window, 1);
    float p = it->work.probs[target];
    for (int j = 0; j < k; j++) /* d(-p_t)/dz_j = -p_t(δ_tj - p_j) */
        it->work.d_logits[j] = -p * ((uint32_t)j == target ? 1.0f - it->work.probs[j] : -it->work.probs[j]);
    memset(it->grad, 0, m->n_params * sizeof *it->grad);
    deeplog_backward_from_logits(m, &it->work, 1, it->grad, it->d_input);
}

/* The INTERPRET_CANDIDATES single-key changes with the best first-order gain, best first. */
static int best_swaps(Interpreter *it, const uint32_t *window, const uint8_t *changed, Swap *out)
{
    const DeepLog *m = it->model;
    int h = m->cfg.window, k = m->cfg.n_keys, n = 0;
    float change_cost = it->opt.lambda * sqrtf(2.0f);
    Swap *all = malloc((size_t)h * k * sizeof *all);
    if (!all)
        return 0;
    for (int t = 0; t < h; t++) {
        if (changed[t])
            continue;
        const float *g = it->d_input + (size_t)t * k;
        for (int j = 0; j < k; j++)
            if ((uint32_t)j != window[t])
                all[n++] = (Swap){t, (uint32_t)j, g[j] - g[window[t]] + change_cost};
    }
    qsort(all, (size_t)n, sizeof *all, swap_by_gain);
    n = n < INTERPRET_CANDIDATES ? n : INTERPRET_CANDIDATES;
    memcpy(out, all, (size_t)n * sizeof *out);
    free(all);
    return n;
}

/* One greedy step: of the best candidate changes, the one the model likes best. Returns
 * whether any change raised p(target). */
static bool improve(Interpreter *it, uint32_t *reference, uint8_t *changed, uint32_t target, float *p_best)
{
    const DeepLog *m = it->model;
    int h = m->cfg.window;
    Swap swaps[INTERPRET_CANDIDATES];
    input_gradient(it, reference, target);
    int n = best_swaps(it, reference, changed, swaps);
    for (int c = 0; c < n; c++) {
        memcpy(it->candidates + (size_t)c * h, reference, h * sizeof *reference);
        it->candidates[(size_t)c * h + swaps[c].position] = swaps[c].key;
    }
    if (n == 0)
        return false;
    deeplog_forward(m, &it->work, it->candidates, n);
    int best = -1;
    for (int c = 0; c < n; c++) {
        float p = it->work.probs[(size_t)c * m->cfg.n_keys + target];
        if (p > *p_best)
            *p_best = p, best = c;
    }
    if (best < 0)
        return false;
    reference[swaps[best].position] = swaps[best].key;
    changed[swaps[best].position] = 1;
    return true;
}

static void find_nearest(Interpreter *it, Interpretation *out)
{
    if (!it->nearest)
        return;
    int64_t w = nearest_index_query(it->nearest, out->keys, &out->nearest_distance);
    if (w < 0)
        return;
    out->has_nearest = true;
    memcpy(out->nearest, it->nearest->windows->keys + (size_t)w * it->nearest->windows->width,
           (size_t)out->n_keys * sizeof *out->nearest);
}

/* The reference that keeps the inputs and takes the model's first choice as the next key. */
static void change_target(Interpreter *it, Interpretation *out, uint32_t first_choice)
{
    int h = it->model->cfg.window;
    memcpy(out->reference, out->keys, (size_t)h * sizeof *out->reference);
    out->reference[h] = first_choice;
    out->target_changed = true;
}

/* Greedy input changes, up to k, until the target is within the top g. */
static void search_inputs(Interpreter *it, Interpretation *out, uint32_t target)
{
    uint8_t changed[INTERPRET_MAX_KEYS] = {0};
    float p = out->p_before;
    for (int c = 0; c < it->opt.max_changes && improve(it, out->reference, changed, target, &p); c++) {
        int rank;
        predict_one(it, out->reference, target, &rank);
        if (rank < it->model->cfg.top_g)
            break;
    }
}

void interpret_deeplog(Interpreter *it, const uint32_t *window, uint32_t target, Interpretation *out)
{
    const DeepLog *m = it->model;
    int h = m->cfg.window, g = m->cfg.top_g;
    double start = clock_seconds();
    memset(out, 0, sizeof *out);
    out->n_inputs = h, out->n_keys = h + 1;
    memcpy(out->keys, window, h * sizeof *window);
    out->keys[h] = target;
    memcpy(out->reference, out->keys, sizeof out->keys);
    out->p_before = predict_one(it, window, target, &out->rank_before);
    out->anomalous = out->rank_before >= g;
    uint32_t first_choice = 0;
    for (int j = 1; j < m->cfg.n_keys; j++)
        first_choice = it->work.probs[j] > it->work.probs[first_choice] ? (uint32_t)j : first_choice;
    if (out->anomalous) {
        if (target >= (uint32_t)m->cfg.n_keys)
            change_target(it, out, first_choice); /* a key the model never saw: the anomaly itself */
        else
            search_inputs(it, out, target);
    }
    out->p_after = predict_one(it, out->reference, out->reference[h], &out->rank_after);
    out->fidelity = out->rank_after < g;
    if (out->anomalous && !out->fidelity && !out->target_changed) {
        /* no k input changes make the next key likely: the next key is the closest change */
        change_target(it, out, first_choice);
        out->p_after = predict_one(it, out->reference, first_choice, &out->rank_after);
        out->fidelity = out->rank_after < g;
        out->searched_inputs = true;
    }
    out->ranked = true, out->top_g = g;
    out->missed_before = out->anomalous, out->missed_after = !out->fidelity;
    for (int i = 0; i < out->n_keys; i++)
        out->changes += out->reference[i] != out->keys[i];
    find_nearest(it, out);
    out->seconds = clock_seconds() - start;
}
