/* The output layer over a vocabulary taken a block of keys at a time (model/softmax_blocks.h):
 * the same verdicts as the whole row, the same loss and gradients, its backward against finite
 * differences; DeepLog's scoring and training through it; training's progress within an epoch
 * and its weights put back to the last completed epoch when stopped. */
#include "test_util.h"

#include <math.h>

#include "../model/deeplog.h"
#include "../model/deeplog_score.h"
#include "../model/deeplog_train.h"
#include "../model/linear.h"
#include "../model/seq2seq.h"
#include "../model/seq2seq_score.h"
#include "../model/softmax.h"
#include "../model/softmax_blocks.h"
#include "../model/train.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static float uniform(float scale)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return scale * ((float)(rng_state >> 40) / (float)(1ull << 24) * 2.0f - 1.0f);
}

enum { ROWS = 5, IN = 4, CLASSES = 11 };

/* A layer whose classes 2 and 7 have the same weights (tied logits), and a row with logits far
 * apart (probabilities that underflow to 0, all tied). */
static void tied_layer(float *weight, float *bias, float *in)
{
    for (int i = 0; i < CLASSES * IN; i++)
        weight[i] = uniform(1);
    for (int j = 0; j < CLASSES; j++)
        bias[j] = uniform(1);
    memcpy(weight + 7 * IN, weight + 2 * IN, IN * sizeof *weight);
    bias[7] = bias[2];
    for (int i = 0; i < ROWS * IN; i++)
        in[i] = uniform(1);
    for (int i = 0; i < IN; i++)
        in[4 * IN + i] *= 200.0f;
}

static void verdicts_match_the_whole_row(void **state)
{
    (void)state;
    float weight[CLASSES * IN], bias[CLASSES], in[ROWS * IN], logits[ROWS * CLASSES], probs[ROWS * CLASSES];
    tied_layer(weight, bias, in);
    linear_forward(logits, in, weight, bias, ROWS, IN, CLASSES);
    softmax_forward(probs, logits, ROWS, CLASSES);
    for (uint32_t target = 0; target <= CLASSES; target++) { /* CLASSES: a key past the vocabulary */
        uint32_t targets[ROWS];
        for (int r = 0; r < ROWS; r++)
            targets[r] = (target + (uint32_t)r * 3) % (CLASSES + 1);
        for (int block = 1; block <= CLASSES + 2; block++) {
            SoftmaxBlocks s;
            Error err = {0};
            assert_true(softmax_blocks_init(&s, weight, bias, IN, CLASSES, ROWS, block, &err));
            SoftmaxVerdict v[ROWS];
            softmax_blocks_judge(&s, in, ROWS, targets, v);
            for (int r = 0; r < ROWS; r++) {
                const float *p = probs + r * CLASSES;
                uint32_t best = 0;
                for (int c = 1; c < CLASSES; c++)
                    best = p[c] > p[best] ? (uint32_t)c : best;
                float prob = targets[r] < CLASSES ? p[targets[r]] : 0.0f;
                if (v[r].rank != (uint32_t)softmax_rank(p, CLASSES, targets[r]) || v[r].best != best ||
                    memcmp(&v[r].prob, &prob, sizeof prob) != 0)
                    fail_msg("block %d row %d target %u: rank %u best %u prob %.9g; whole row %d %u %.9g", block, r,
                             targets[r], v[r].rank, v[r].best, v[r].prob, softmax_rank(p, CLASSES, targets[r]), best,
                             prob);
            }
            softmax_blocks_free(&s);
        }
    }
}

/* Logits closer than the 1e-3 past which their order alone decides (softmax_blocks.c compares
 * the probabilities there), some on that boundary, and some at the exponential's underflow: each
 * target's rank and the first choice as the whole row gives them, for every block size. */
static void verdicts_match_near_logits(void **state)
{
    (void)state;
    enum { N = 12 };
    const float logit[N] = {0.0f, 1e-4f, -1e-4f, 1e-3f, -1e-3f, 0.999e-3f, 1.001e-3f, 2e-3f, 1e-4f,
                            -59.9995f, -60.0f, -60.0005f};
    float weight[N] = {0}, in[1] = {1.0f}, probs[N];
    softmax_forward(probs, logit, 1, N);
    uint32_t best = 0;
    for (int c = 1; c < N; c++)
        best = probs[c] > probs[best] ? (uint32_t)c : best;
    for (int block = 1; block <= N; block++)
        for (uint32_t target = 0; target < N; target++) {
            SoftmaxBlocks s;
            Error err = {0};
            assert_true(softmax_blocks_init(&s, weight, logit, 1, N, 1, block, &err));
            SoftmaxVerdict v;
            softmax_blocks_judge(&s, in, 1, &target, &v);
            if (v.rank != (uint32_t)softmax_rank(probs, N, target) || v.best != best)
                fail_msg("block %d target %u: rank %u best %u; whole row %d %u", block, target, v.rank, v.best,
                         softmax_rank(probs, N, target), best);
            softmax_blocks_free(&s);
        }
}

/* A NaN or infinite logit, first in the row or later, in any block: every target a miss (rank
 * n_classes, probability 0) and no first choice, rather than a rank and a choice made up from
 * NaN comparisons. */
static void non_finite_logits_are_misses(void **state)
{
    (void)state;
    enum { N = 6 };
    const float bad[] = {NAN, INFINITY, -NAN};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        for (int at = 0; at < N; at++) {
            float logit[N] = {0.5f, 0.0f, 1.0f, -1.0f, 0.25f, 2.0f}, weight[N] = {0}, in[1] = {1.0f};
            logit[at] = bad[k];
            for (int block = 1; block <= N; block++)
                for (uint32_t target = 0; target < N; target++) {
                    SoftmaxBlocks s;
                    Error err = {0};
                    assert_true(softmax_blocks_init(&s, weight, logit, 1, N, 1, block, &err));
                    SoftmaxVerdict v;
                    softmax_blocks_judge(&s, in, 1, &target, &v);
                    if (v.rank != N || v.prob != 0.0f || v.best != UINT32_MAX)
                        fail_msg("%g at %d, block %d, target %u: rank %u prob %g best %u", bad[k], at, block, target,
                                 v.rank, v.prob, v.best);
                    softmax_blocks_free(&s);
                }
        }
}

/* The loss and gradients of the blocked layer beside linear + softmax + cross-entropy. */
static void xent_matches_the_whole_row(void **state)
{
    (void)state;
    float weight[CLASSES * IN], bias[CLASSES], in[ROWS * IN], logits[ROWS * CLASSES], probs[ROWS * CLASSES];
    float d_logits[ROWS * CLASSES], weights[ROWS] = {1, 2, 0.5f, 3, 1};
    uint32_t targets[ROWS] = {0, 2, 7, 10, 5};
    tied_layer(weight, bias, in);
    for (int i = 0; i < IN; i++)
        in[4 * IN + i] /= 200.0f;
    linear_forward(logits, in, weight, bias, ROWS, IN, CLASSES);
    softmax_forward(probs, logits, ROWS, CLASSES);
    float want_loss = softmax_xent_backward(d_logits, probs, targets, weights, ROWS, CLASSES);
    float want_dw[CLASSES * IN] = {0}, want_db[CLASSES] = {0}, want_din[ROWS * IN];
    linear_backward(want_din, want_dw, want_db, d_logits, in, weight, ROWS, IN, CLASSES);
    for (int block = 1; block <= CLASSES; block += 2) {
        SoftmaxBlocks s;
        Error err = {0};
        assert_true(softmax_blocks_init(&s, weight, bias, IN, CLASSES, ROWS, block, &err));
        float dw[CLASSES * IN] = {0}, db[CLASSES] = {0}, din[ROWS * IN];
        float loss = softmax_blocks_xent(&s, in, ROWS, targets, weights, dw, db, din);
        assert_float_equal(loss, want_loss, 1e-6);
        for (int i = 0; i < CLASSES * IN; i++)
            assert_float_equal(dw[i], want_dw[i], 1e-6);
        for (int i = 0; i < CLASSES; i++)
            assert_float_equal(db[i], want_db[i], 1e-6);
        for (int i = 0; i < ROWS * IN; i++)
            assert_float_equal(din[i], want_din[i], 1e-6);
        softmax_blocks_free(&s);
    }
}

typedef struct XentCase {
    SoftmaxBlocks s;
    float *in, dw[CLASSES * IN], db[CLASSES], din[ROWS * IN];
    uint32_t targets[ROWS];
} XentCase;

static double xent_loss(void *ctx)
{
    XentCase *c = ctx;
    float dw[CLASSES * IN], db[CLASSES];
    return softmax_blocks_xent(&c->s, c->in, ROWS, c->targets, NULL, dw, db, NULL);
}

/* Compares analytic[i] with central differences of loss, as tests/test_grad.c does. */
static void check_gradient(const char *what, float *param, const float *analytic, size_t n,
                           double (*loss)(void *), void *ctx)
{
    const float eps = 1e-2f;
    for (size_t i = 0; i < n; i++) {
        float saved = param[i];
        param[i] = saved + eps;
        double up = loss(ctx);
        param[i] = saved - eps;
        double down = loss(ctx);
        param[i] = saved;
        double numeric = (up - down) / (2.0 * eps);
        if (fabs(numeric - analytic[i]) / (1e-3 + fabs(numeric)) > 2e-2)
            fail_msg("%s[%zu]: analytic %.6g, numeric %.6g", what, i, analytic[i], numeric);
    }
}

static void blocked_backward_matches_differences(void **state)
{
    (void)state;
    float weight[CLASSES * IN], bias[CLASSES], in[ROWS * IN];
    tied_layer(weight, bias, in);
    for (int i = 0; i < IN; i++)
        in[4 * IN + i] /= 200.0f;
    XentCase c = {.in = in, .targets = {1, 3, 9, 10, 4}};
    Error err = {0};
    assert_true(softmax_blocks_init(&c.s, weight, bias, IN, CLASSES, ROWS, 3, &err)); /* 4 blocks, the last of 2 */
    softmax_blocks_xent(&c.s, in, ROWS, c.targets, NULL, c.dw, c.db, c.din);
    check_gradient("d_weight", weight, c.dw, CLASSES * IN, xent_loss, &c);
    check_gradient("d_bias", bias, c.db, CLASSES, xent_loss, &c);
    check_gradient("d_in", in, c.din, ROWS * IN, xent_loss, &c);
    softmax_blocks_free(&c.s);
}

/* ---- DeepLog through the blocks ---------------------------------------------------------- */

static const DeepLogConfig deeplog_cfg = {.n_keys = 23, .hidden = 6, .layers = 2, .window = 3, .top_g = 4};

static void random_windows(uint32_t *keys, int n, int width, int n_keys)
{
    for (int i = 0; i < n * width; i++)
        keys[i] = (uint32_t)((uniform(1) + 1.0f) * 0.5f * (float)n_keys) % (uint32_t)n_keys;
}

/* Blocked and whole-row training steps: the same loss and gradients to 1e-5. */
static void deeplog_blocked_gradients_match(void **state)
{
    (void)state;
    enum { B = 7 };
    DeepLog m;
    Error err = {0};
    assert_true(deeplog_create(&m, &deeplog_cfg, NULL, 3, &err));
    uint32_t windows[B * 3], targets[B];
    random_windows(windows, B, 3, m.cfg.n_keys);
    random_windows(targets, B, 1, m.cfg.n_keys);
    float weights[B] = {1, 2, 3, 1, 1, 5, 0.5f};
    float *whole = calloc(m.n_params, sizeof *whole), *blocked = calloc(m.n_params, sizeof *blocked);
    DeepLogWork w;
    assert_true(deeplog_work_init(&w, &m, B, &err));
    deeplog_forward(&m, &w, windows, B);
    float want = deeplog_backward(&m, &w, targets, weights, B, whole);
    deeplog_work_free(&w);
    for (int block = 1; block <= 30; block += 4) {
        SoftmaxBlocks s;
        assert_true(deeplog_work_init_hidden(&w, &m, B, &err));
        assert_null(w.logits);
        assert_true(softmax_blocks_init(&s, m.t.fc_weight, m.t.fc_bias, m.cfg.hidden, m.cfg.n_keys, B, block, &err));
        memset(blocked, 0, m.n_params * sizeof *blocked);
        deeplog_forward_hidden(&m, &w, windows, B);
        float loss = deeplog_backward_blocked(&m, &w, &s, targets, weights, B, blocked);
        assert_float_equal(loss, want, 1e-5);
        for (size_t i = 0; i < m.n_params; i++)
            if (fabsf(blocked[i] - whole[i]) > 1e-5f)
                fail_msg("block %d, parameter %zu: %.8g, whole row %.8g", block, i, blocked[i], whole[i]);
        softmax_blocks_free(&s);
        deeplog_work_free(&w);
    }
    free(whole), free(blocked);
    deeplog_free(&m);
}

/* deeplog_outcomes beside the verdicts of the whole row (softmax_rank, the first choice),
 * blocks of 4 keys forced by the knob: the same ranks, choices and probabilities. */
static void deeplog_outcomes_match_the_whole_row(void **state)
{
    (void)state;
    DeepLog m;
    Error err = {0};
    assert_true(deeplog_create(&m, &deeplog_cfg, NULL, 8, &err));
    Trace t;
    assert_true(trace_begin(&t, "blocks", TRACE_FORMAT_SESSIONS, &err));
    for (int s = 0; s < 4; s++) {
        for (int i = 0; i < 40; i++) { /* a structure, a few keys past the vocabulary */
            uint32_t key = (uint32_t)((s * 7 + i * (i % 3 + 1)) % (deeplog_cfg.n_keys + 2));
            assert_true(trace_append(&t, key, i, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID, 0, &err));
        }
        assert_true(trace_end_session(&t, &err));
    }
    setenv("TRACEAID_VOCAB_BLOCK", "4", 1);
    EventOutcomes o;
    assert_true(deeplog_outcomes(&m, &t, &o, NULL, &err));
    unsetenv("TRACEAID_VOCAB_BLOCK");
    DeepLogWork w;
    assert_true(deeplog_work_init(&w, &m, 1, &err));
    int h = m.cfg.window, k = m.cfg.n_keys, checked = 0;
    for (size_t s = 0; s < t.n_sessions; s++)
        for (size_t i = t.session_start[s] + (size_t)h; i < t.session_start[s + 1]; i++) {
            bool known = true;
            for (int j = 1; j <= h; j++)
                known = known && t.key_id[i - j] < (uint32_t)k;
            if (!known) {
                assert_int_equal(o.rank[i], k);
                continue;
            }
            deeplog_forward(&m, &w, t.key_id + i - h, 1);
            uint32_t key = t.key_id[i], best = 0;
            for (int c = 1; c < k; c++)
                best = w.probs[c] > w.probs[best] ? (uint32_t)c : best;
            assert_int_equal(o.rank[i], softmax_rank(w.probs, k, key));
            assert_int_equal(o.predicted[i], best);
            assert_float_equal(o.prob[i], key < (uint32_t)k ? w.probs[key] : 0.0f, 0);
            checked++;
        }
    assert_true(checked > 100);
    deeplog_work_free(&w);
    event_outcomes_free(&o);
    trace_free(&t);
    deeplog_free(&m);
}

/* seq2seq_outcomes, which keeps a verdict per distinct window, beside each window decoded
 * alone with its whole rows: the same ranks, greedy choices and probabilities. */
static void seq2seq_outcomes_match_each_window(void **state)
{
    (void)state;
    Seq2SeqConfig cfg = {.vocab = 15, .embed = 4, .hidden = 6, .units = 5, .tx = 3, .ty = 2, .stride = 2};
    Seq2Seq m;
    Error err = {0};
    assert_true(seq2seq_create(&m, &cfg, NULL, 6, &err));
    m.top_g = 3;
    Trace t;
    assert_true(trace_begin(&t, "s2s", TRACE_FORMAT_SESSIONS, &err));
    for (int i = 0; i < 300; i++) /* repeats, and ids past the vocabulary (UNK) */
        assert_true(trace_append(&t, (uint32_t)(3 + (i * i + i / 7) % 14), i, TRACE_NO_CPU, TRACE_NO_ID, TRACE_NO_ID,
                                 0, &err));
    assert_true(trace_end_session(&t, &err));
    EventOutcomes o;
    assert_true(seq2seq_outcomes(&m, &t, 0, t.n_events, &o, NULL, &err));
    Seq2SeqWork w;
    assert_true(seq2seq_work_init(&w, &m, 1, &err));
    int checked = 0;
    for (size_t i = 0; i + 5 <= t.n_events; i += 2) {
        uint32_t inputs[3], predicted[2];
        for (int j = 0; j < 3; j++)
            inputs[j] = seq2seq_id(&m, t.key_id[i + (size_t)j]);
        seq2seq_forward(&m, &w, inputs, NULL, predicted, 1);
        for (int s = 0; s < 2; s++) {
            size_t e = i + 3 + (size_t)s;
            uint32_t key = t.key_id[e];
            const float *probs = w.probs + (size_t)s * cfg.vocab;
            assert_int_equal(o.rank[e], softmax_rank(probs, cfg.vocab, key));
            assert_int_equal(o.predicted[e], predicted[s]);
            assert_float_equal(o.prob[e], key < (uint32_t)cfg.vocab ? probs[key] : 0.0f, 1e-6); /* batch of 1 */
            checked++;
        }
    }
    assert_true(checked > 200);
    seq2seq_work_free(&w);
    event_outcomes_free(&o);
    trace_free(&t);
    seq2seq_free(&m);
}

/* ---- training's progress and interruption ------------------------------------------------ */

typedef struct Progress {
    int calls, stop_in_epoch;
    size_t last_done, total;
    int last_epoch;
    CancelFlag *cancel;
} Progress;

static void within(const TrainProgress *p, void *ctx)
{
    Progress *pr = ctx;
    if (p->epoch == pr->last_epoch)
        assert_true(p->windows_done > pr->last_done);
    assert_true(p->windows_done <= p->windows_total);
    pr->last_epoch = p->epoch, pr->last_done = p->windows_done, pr->total = p->windows_total;
    pr->calls++;
    if (p->epoch == pr->stop_in_epoch && p->windows_done < p->windows_total)
        *pr->cancel = 1;
}

static void windows_of(WindowSet *ws, int n_keys)
{
    uint32_t row[4];
    Error err = {0};
    window_set_init(ws, 4);
    for (int i = 0; i < 60; i++) {
        for (int j = 0; j < 4; j++)
            row[j] = (uint32_t)(i * 5 + j * (i % 4 + 1)) % (uint32_t)n_keys;
        assert_true(window_set_add(ws, row, NULL, &err));
    }
}

/* Progress comes within each epoch, batch after batch (the interval forced down); stopped in
 * epoch 3, the weights are those 2 epochs give. */
static void training_reports_within_epochs_and_keeps_whole_epochs(void **state)
{
    (void)state;
    DeepLogConfig cfg = deeplog_cfg;
    WindowSet ws;
    windows_of(&ws, cfg.n_keys);
    CancelFlag cancel = 0;
    Progress pr = {.stop_in_epoch = 3, .cancel = &cancel};
    TrainOptions opt = {.epochs = 5, .batch_size = 8, .learning_rate = 0.01f, .seed = 4, .cancel = &cancel,
                        .within_epoch = within, .within_epoch_s = 1e-9, .progress_ctx = &pr};
    DeepLog stopped, two;
    Error err = {0};
    TrainReport report;
    assert_true(deeplog_create(&stopped, &cfg, NULL, 2, &err));
    assert_true(deeplog_train(&stopped, &ws, &opt, &report, &err));
    assert_true(report.interrupted);
    assert_int_equal(report.epochs_done, 2);
    assert_true(pr.calls >= 2 * 7); /* 60 windows in batches of 8: 8 batches an epoch */
    assert_int_equal(pr.total, ws.n);
    assert_true(deeplog_create(&two, &cfg, NULL, 2, &err));
    TrainOptions plain = {.epochs = 2, .batch_size = 8, .learning_rate = 0.01f, .seed = 4};
    assert_true(deeplog_train(&two, &ws, &plain, &report, &err));
    assert_false(report.interrupted);
    assert_memory_equal(stopped.params, two.params, two.n_params * sizeof(float));
    deeplog_free(&stopped);
    deeplog_free(&two);
    window_set_free(&ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verdicts_match_the_whole_row),
        cmocka_unit_test(verdicts_match_near_logits),
        cmocka_unit_test(non_finite_logits_are_misses),
        cmocka_unit_test(xent_matches_the_whole_row),
        cmocka_unit_test(blocked_backward_matches_differences),
        cmocka_unit_test(deeplog_blocked_gradients_match),
        cmocka_unit_test(deeplog_outcomes_match_the_whole_row),
        cmocka_unit_test(seq2seq_outcomes_match_each_window),
        cmocka_unit_test(training_reports_within_epochs_and_keeps_whole_epochs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
