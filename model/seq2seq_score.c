/* seq2seq's verdict on each event of a trace: windows at the model's stride, each distinct
 * input window decoded greedily once and its predictions shared. */
#include <stdlib.h>
#include <string.h>

#include "seq2seq_score.h"
#include "softmax.h"
#include "windows.h"

#define SCORE_BATCH 512

typedef struct Predictions {
    WindowSet inputs;       /* distinct input windows */
    uint32_t *keys;         /* [n][ty] greedy predictions */
    float *probs;           /* [n][ty][V] */
} Predictions;

static bool predict_distinct(const Seq2Seq *m, Predictions *p, const CancelFlag *cancel, Error *err)
{
    size_t n = p->inputs.n, ty = (size_t)m->cfg.ty, V = (size_t)m->cfg.vocab;
    p->keys = malloc((n + 1) * ty * sizeof *p->keys);
    p->probs = malloc((n + 1) * ty * V * sizeof *p->probs);
    Seq2SeqWork work;
    if (!p->keys || !p->probs)
        return error_set_code(err, ERROR_NOMEM, "out of memory for %zu distinct windows", n);
    if (!seq2seq_work_init(&work, m, SCORE_BATCH, err))
        return false;
    for (size_t start = 0; start < n; start += SCORE_BATCH) {
        if (cancel && *cancel) {
            seq2seq_work_free(&work);
            return error_interrupted(err);
        }
        int count = (int)(n - start < SCORE_BATCH ? n - start : SCORE_BATCH);
        seq2seq_forward(m, &work, p->inputs.keys + start * p->inputs.width, NULL, p->keys + start * ty, count);
        for (int b = 0; b < count; b++) /* work.probs is [Ty][B][V]; keep [window][Ty][V] */
            for (size_t s = 0; s < ty; s++)
                memcpy(p->probs + ((start + b) * ty + s) * V, work.probs + (s * count + b) * V, V * sizeof *p->probs);
    }
    seq2seq_work_free(&work);
    return true;
}

/* Visits i, the first event of each scored window of t[first, last), session by session. */
#define FOR_EACH_WINDOW(m, t, first, last, i)                                                       \
    for (size_t s_ = 0; s_ < (t)->n_sessions; s_++)                                                  \
        for (size_t i = ((t)->session_start[s_] > (first) ? (t)->session_start[s_] : (first)),      \
                    end_ = ((t)->session_start[s_ + 1] < (last) ? (t)->session_start[s_ + 1] : (last)); \
             i + (size_t)((m)->cfg.tx + (m)->cfg.ty) <= end_; i += (size_t)(m)->cfg.stride)

static bool collect_inputs(const Seq2Seq *m, const Trace *t, size_t first, size_t last, Predictions *p,
                           Error *err)
{
    uint32_t row[SEQ2SEQ_MAX_STEPS];
    FOR_EACH_WINDOW(m, t, first, last, i) {
        for (int j = 0; j < m->cfg.tx; j++)
            row[j] = seq2seq_id(m, t->key_id[i + j]);
        if (!window_set_add(&p->inputs, row, NULL, err))
            return false;
    }
    return true;
}

/* top-g 1 is the seed work's exact match of the greedy choice, compared as such (a tie in the
 * probabilities could rank another key first); above 1, the key's rank among the step's
 * candidates. A key the model does not know never hits. */
static bool hit(const Seq2Seq *m, uint32_t key, uint32_t greedy, uint32_t rank)
{
    if (key >= (uint32_t)m->cfg.vocab || key == SEQ2SEQ_UNK)
        return false;
    return m->top_g <= 1 ? greedy == key : rank < (uint32_t)m->top_g;
}

static void judge(const Seq2Seq *m, const Trace *t, size_t first, size_t last, const Predictions *p,
                  EventOutcomes *out)
{
    int tx = m->cfg.tx, ty = m->cfg.ty, V = m->cfg.vocab;
    uint32_t row[SEQ2SEQ_MAX_STEPS];
    FOR_EACH_WINDOW(m, t, first, last, i) {
        for (int j = 0; j < tx; j++)
            row[j] = seq2seq_id(m, t->key_id[i + j]);
        size_t w = (size_t)window_set_find(&p->inputs, row);
        for (int s = 0; s < ty; s++) {
            size_t e = i + (size_t)(tx + s);
            uint32_t key = t->key_id[e];
            const float *probs = p->probs + (w * ty + s) * V;
            out->predicted[e] = p->keys[w * ty + s];
            out->rank[e] = (uint32_t)softmax_rank(probs, V, key);
            out->prob[e] = key < (uint32_t)V ? probs[key] : 0.0f;
            out->outcome[e] = hit(m, key, out->predicted[e], out->rank[e]) ? OUTCOME_HIT : OUTCOME_MISS;
        }
    }
}

bool seq2seq_outcomes(const Seq2Seq *m, const Trace *t, size_t first, size_t last,
                      EventOutcomes *out, const CancelFlag *cancel, Error *err)
{
    Predictions p = {0};
    window_set_init(&p.inputs, m->cfg.tx);
    bool ok = event_outcomes_init(out, t->n_events, err) && collect_inputs(m, t, first, last, &p, err) &&
              predict_distinct(m, &p, cancel, err);
    if (ok)
        judge(m, t, first, last, &p, out);
    else
        event_outcomes_free(out);
    window_set_free(&p.inputs);
    free(p.keys);
    free(p.probs);
    return ok;
}
