/* seq2seq's verdict on each event of a trace: windows at the model's stride, each distinct
 * window (its inputs and the keys that followed) decoded greedily once and its verdicts
 * shared. Only the verdicts are kept per distinct window (rank, probability, greedy choice per
 * step), and the batch shrinks as the vocabulary grows, so memory is bounded by the batch, not
 * by windows x vocabulary. Work buffers are local, the model read-only. */
#include <stdlib.h>
#include <string.h>

#include "batch_threads.h"
#include "seq2seq_score.h"
#include "softmax.h"
#include "softmax_blocks.h"
#include "windows.h"

#define SCORE_BATCH 512
#define SCORE_BATCH_CELLS (1 << 22)     /* at most Ty x batch x V floats in each of the work's outputs */

typedef struct Predictions {
    WindowSet windows;      /* distinct windows: tx input ids (seq2seq_id), then the ty keys that followed */
    SoftmaxVerdict *verdicts;   /* [n][ty]: best is the greedy prediction */
} Predictions;

/* Windows per batch: 512, fewer over a vocabulary too large for 512 x Ty rows of it. */
static int score_batch(const Seq2Seq *m)
{
    size_t per_window = (size_t)m->cfg.ty * (size_t)m->cfg.vocab, batch = SCORE_BATCH_CELLS / per_window;
    return batch < 1 ? 1 : batch > SCORE_BATCH ? SCORE_BATCH : (int)batch;
}

/* The verdicts of count windows from first; inputs [B][Tx] and predicted [B][Ty] are scratch. */
static void judge_batch(const Seq2Seq *m, Seq2SeqWork *work, Predictions *p, size_t first, int count,
                        uint32_t *inputs, uint32_t *predicted)
{
    size_t tx = (size_t)m->cfg.tx, ty = (size_t)m->cfg.ty, V = (size_t)m->cfg.vocab;
    for (int b = 0; b < count; b++)
        memcpy(inputs + (size_t)b * tx, p->windows.keys + (first + (size_t)b) * p->windows.width, tx * sizeof *inputs);
    seq2seq_forward(m, work, inputs, NULL, predicted, count);
    for (int b = 0; b < count; b++)
        for (size_t s = 0; s < ty; s++) { /* work.probs is [Ty][B][V] */
            const float *probs = work->probs + (s * (size_t)count + (size_t)b) * V;
            uint32_t key = p->windows.keys[(first + (size_t)b) * p->windows.width + tx + s];
            p->verdicts[(first + (size_t)b) * ty + s] = (SoftmaxVerdict){
                .rank = (uint32_t)softmax_rank(probs, (int)V, key), .best = predicted[(size_t)b * ty + s],
                .prob = key < V ? probs[key] : 0.0f};
        }
}

/* The batches, on model_threads() threads (model/batch_threads.h). */
typedef struct PredictJobs {
    const Seq2Seq *m;
    Predictions *p;
    int batch;
} PredictJobs;

/* A thread's work, made once for all the batches it takes. */
typedef struct PredictWork {
    Seq2SeqWork work;
    uint32_t *inputs;           /* [batch][Tx], then predicted [batch][Ty] */
} PredictWork;

static bool predict_work_init(void *work, void *ctx, Error *err)
{
    PredictWork *w = work;
    const PredictJobs *j = ctx;
    w->inputs = malloc((size_t)j->batch * (size_t)(j->m->cfg.tx + j->m->cfg.ty) * sizeof *w->inputs);
    return (w->inputs || error_set_code(err, ERROR_NOMEM, "out of memory")) &&
           seq2seq_work_init(&w->work, j->m, j->batch, err);
}

static void predict_batch(void *work, void *ctx, size_t b)
{
    PredictWork *w = work;
    const PredictJobs *j = ctx;
    size_t start = b * (size_t)j->batch, left = j->p->windows.n - start;
    judge_batch(j->m, &w->work, j->p, start, (int)(left < (size_t)j->batch ? left : (size_t)j->batch), w->inputs,
                w->inputs + (size_t)j->batch * j->m->cfg.tx);
}

static void predict_work_release(void *work)
{
    PredictWork *w = work;
    if (w->work.block)
        seq2seq_work_free(&w->work);
    free(w->inputs);
}

static bool predict_distinct(const Seq2Seq *m, Predictions *p, const CancelFlag *cancel, Error *err)
{
    size_t n = p->windows.n;
    int batch = model_score_batch(score_batch(m));
    p->verdicts = malloc((n + 1) * (size_t)m->cfg.ty * sizeof *p->verdicts);
    if (!p->verdicts)
        return error_set_code(err, ERROR_NOMEM, "out of memory for %zu distinct windows", n);
    PredictJobs j = {.m = m, .p = p, .batch = batch};
    BatchJobs jobs = {.n_batches = (n + (size_t)batch - 1) / (size_t)batch, .thread_size = sizeof(PredictWork),
                      .ctx = &j, .init = predict_work_init, .batch = predict_batch, .release = predict_work_release};
    return batch_jobs_run(&jobs, cancel, err);
}

/* Visits i, the first event of each scored window of t[first, last), session by session. */
#define FOR_EACH_WINDOW(m, t, first, last, i)                                                       \
    for (size_t s_ = 0; s_ < (t)->n_sessions; s_++)                                                  \
        for (size_t i = ((t)->session_start[s_] > (first) ? (t)->session_start[s_] : (first)),      \
                    end_ = ((t)->session_start[s_ + 1] < (last) ? (t)->session_start[s_ + 1] : (last)); \
             i + (size_t)((m)->cfg.tx + (m)->cfg.ty) <= end_; i += (size_t)(m)->cfg.stride)

/* The window at i as Predictions keeps it: input ids as the model reads them, then the keys. */
static void window_row(const Seq2Seq *m, const Trace *t, size_t i, uint32_t *row)
{
    for (int j = 0; j < m->cfg.tx; j++)
        row[j] = seq2seq_id(m, t->key_id[i + (size_t)j]);
    for (int s = 0; s < m->cfg.ty; s++)
        row[m->cfg.tx + s] = t->key_id[i + (size_t)(m->cfg.tx + s)];
}

static bool collect_windows(const Seq2Seq *m, const Trace *t, size_t first, size_t last, Predictions *p,
                            Error *err)
{
    uint32_t row[2 * SEQ2SEQ_MAX_STEPS];
    FOR_EACH_WINDOW(m, t, first, last, i) {
        window_row(m, t, i, row);
        if (!window_set_add(&p->windows, row, NULL, err))
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
    int tx = m->cfg.tx, ty = m->cfg.ty;
    uint32_t row[2 * SEQ2SEQ_MAX_STEPS];
    FOR_EACH_WINDOW(m, t, first, last, i) {
        window_row(m, t, i, row);
        size_t w = (size_t)window_set_find(&p->windows, row);
        for (int s = 0; s < ty; s++) {
            size_t e = i + (size_t)(tx + s);
            const SoftmaxVerdict *v = p->verdicts + w * (size_t)ty + (size_t)s;
            out->predicted[e] = v->best;
            out->rank[e] = v->rank;
            out->prob[e] = v->prob;
            out->outcome[e] = hit(m, t->key_id[e], v->best, v->rank) ? OUTCOME_HIT : OUTCOME_MISS;
        }
    }
}

bool seq2seq_outcomes(const Seq2Seq *m, const Trace *t, size_t first, size_t last,
                      EventOutcomes *out, const CancelFlag *cancel, Error *err)
{
    Predictions p = {0};
    window_set_init(&p.windows, m->cfg.tx + m->cfg.ty);
    bool ok = event_outcomes_init(out, t->n_events, err) && collect_windows(m, t, first, last, &p, err) &&
              predict_distinct(m, &p, cancel, err);
    if (ok)
        judge(m, t, first, last, &p, out);
    else
        event_outcomes_free(out);
    window_set_free(&p.windows);
    free(p.verdicts);
    return ok;
}
