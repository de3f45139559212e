#include "softmax_blocks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tensor.h"

/* A tile of rows x block logits of about 1 MB stays in the cache between the product writing it
 * and the scans reading it. */
#define TILE_FLOATS (1 << 18)
#define MIN_BLOCK 256
#define MAX_BLOCK 16384

int softmax_block_size(int max_rows)
{
    const char *knob = getenv("TRACEAID_VOCAB_BLOCK");
    long n = knob ? strtol(knob, NULL, 10) : 0;
    if (n >= 1 && n <= (1 << 24))
        return (int)n;
    int block = TILE_FLOATS / (max_rows > 1 ? max_rows : 1);
    return block < MIN_BLOCK ? MIN_BLOCK : block > MAX_BLOCK ? MAX_BLOCK : block;
}

bool softmax_blocks_init(SoftmaxBlocks *s, const float *weight, const float *bias, int in_dim, int n_classes,
                         int max_rows, int block, Error *err)
{
    memset(s, 0, sizeof *s);
    block = block < n_classes ? block : n_classes;
    size_t cells = (size_t)max_rows * (size_t)block;
    s->logits = malloc(cells * sizeof *s->logits);
    s->max = malloc((size_t)max_rows * 3 * sizeof *s->max);
    if (!s->logits || !s->max) {
        softmax_blocks_free(s);
        return error_set_code(err, ERROR_NOMEM, "out of memory for %d rows of %d classes", max_rows, block);
    }
    s->sum = s->max + max_rows;
    s->target_logit = s->sum + max_rows;
    s->weight = weight, s->bias = bias;
    s->in_dim = in_dim, s->n_classes = n_classes, s->block = block, s->max_rows = max_rows;
    return true;
}

void softmax_blocks_free(SoftmaxBlocks *s)
{
    free(s->logits);
    free(s->max);
    memset(s, 0, sizeof *s);
}

static int n_blocks(const SoftmaxBlocks *s) { return (s->n_classes + s->block - 1) / s->block; }

/* s->logits [rows][n] for the classes [first, first + n) of block b; n returned. With one block
 * they are computed once, by the first pass. */
static int block_logits(SoftmaxBlocks *s, const float *in, int rows, int b, bool first_pass)
{
    int first = b * s->block, n = s->n_classes - first < s->block ? s->n_classes - first : s->block;
    if (first_pass || n_blocks(s) > 1) {
        copy_bias_rows(s->logits, s->bias + first, rows, n);
        mm_abt(s->logits, in, s->weight + (size_t)first * s->in_dim, rows, n, s->in_dim, 1.0f);
    }
    return n;
}

/* The row maxima and the targets' logits, then the sums of exponentials, class by class in
 * order (softmax_forward adds them so: the same floats). */
static void row_stats(SoftmaxBlocks *s, const float *in, int rows, const uint32_t *targets)
{
    for (int b = 0; b < n_blocks(s); b++) {
        int first = b * s->block, n = block_logits(s, in, rows, b, b == 0);
        for (int r = 0; r < rows; r++) {
            const float *z = s->logits + (size_t)r * n;
            float max = b ? s->max[r] : z[0];
            for (int j = 0; j < n; j++)
                max = z[j] > max ? z[j] : max;
            s->max[r] = max;
            if (targets[r] >= (uint32_t)first && targets[r] < (uint32_t)(first + n))
                s->target_logit[r] = z[targets[r] - (uint32_t)first];
        }
    }
    for (int b = 0; b < n_blocks(s); b++) {
        int n = block_logits(s, in, rows, b, false);
        for (int r = 0; r < rows; r++) {
            const float *z = s->logits + (size_t)r * n;
            float sum = b ? s->sum[r] : 0.0f;
            for (int j = 0; j < n; j++)
                sum += expf(z[j] - s->max[r]);
            s->sum[r] = sum;
        }
    }
}

/* The same in one pass over the blocks for training, whose gradient need not match the whole
 * row's to the last bit: the sum so far rescaled whenever a block raises the maximum (online
 * softmax). With one block it is row_stats' arithmetic exactly. */
static void row_stats_online(SoftmaxBlocks *s, const float *in, int rows, const uint32_t *targets)
{
    for (int b = 0; b < n_blocks(s); b++) {
        int first = b * s->block, n = block_logits(s, in, rows, b, b == 0);
        for (int r = 0; r < rows; r++) {
            const float *z = s->logits + (size_t)r * n;
            float max = b ? s->max[r] : z[0], sum = 0.0f;
            for (int j = 0; j < n; j++)
                max = z[j] > max ? z[j] : max;
            if (b)
                sum = s->sum[r] * expf(s->max[r] - max);
            for (int j = 0; j < n; j++)
                sum += expf(z[j] - max);
            s->max[r] = max, s->sum[r] = sum;
            if (targets[r] >= (uint32_t)first && targets[r] < (uint32_t)(first + n))
                s->target_logit[r] = z[targets[r] - (uint32_t)first];
        }
    }
}

static inline float prob_of(float z, float max, float sum) { return expf(z - max) / sum; }

/* A NaN or infinite logit makes the row's maximum or its sum of exponentials non-finite (a NaN
 * anywhere reaches the sum; +inf gives inf - inf); such a row ranks nothing. */
static inline bool row_finite(const SoftmaxBlocks *s, int r) { return isfinite(s->max[r]) && isfinite(s->sum[r]); }

/* The sign of p(a) - p(b) as softmax_forward's floats give it. Logits 1e-3 apart, away from
 * the exponential's underflow, give probabilities a factor e^0.001 apart, far past rounding:
 * their order is the logits'; nearer, the probabilities are computed to tell a tie. */
static int compare_probs(float a, float b, float max, float sum)
{
    const float apart = 1e-3f, underflow = -60.0f;
    if (a - max > underflow && b - max > underflow && fabsf(a - b) > apart)
        return a > b ? 1 : -1;
    float pa = prob_of(a, max, sum), pb = prob_of(b, max, sum);
    return (pa > pb) - (pa < pb);
}

void softmax_blocks_judge(SoftmaxBlocks *s, const float *in, int rows, const uint32_t *targets,
                          SoftmaxVerdict *out)
{
    row_stats(s, in, rows, targets);
    for (int r = 0; r < rows; r++) {
        bool known = targets[r] < (uint32_t)s->n_classes && row_finite(s, r);
        out[r] = (SoftmaxVerdict){.rank = known ? 0 : (uint32_t)s->n_classes, .best = UINT32_MAX,
                                  .prob = known ? prob_of(s->target_logit[r], s->max[r], s->sum[r]) : 0.0f};
    }
    const float apart = 1e-3f, underflow = -60.0f;
    for (int b = 0; b < n_blocks(s); b++) {
        int first = b * s->block, n = block_logits(s, in, rows, b, false);
        for (int r = 0; r < rows; r++) {
            const float *z = s->logits + (size_t)r * n;
            float max = s->max[r], sum = s->sum[r], zt = s->target_logit[r];
            uint32_t target = targets[r], rank = 0;
            bool known = target < (uint32_t)s->n_classes;
            if (!row_finite(s, r))
                continue;
            if (out[r].best == UINT32_MAX) /* rare branch: only logits within apart of the max */
                for (int j = 0; j < n && out[r].best == UINT32_MAX; j++)
                    if (z[j] >= max - apart && compare_probs(z[j], max, max, sum) == 0)
                        out[r].best = (uint32_t)(first + j);
            if (known && zt - max > underflow + apart) {
                float hi = zt + apart, lo = zt - apart;
                uint32_t above = 0, near = 0;
                for (int j = 0; j < n; j++) { /* branch-free: vectorises */
                    above += z[j] > hi;
                    near += (z[j] >= lo) & (z[j] <= hi);
                }
                rank = above;
                if (near)
                    for (int j = 0; j < n; j++)
                        if (z[j] >= lo && z[j] <= hi) {
                            int c = compare_probs(z[j], zt, max, sum);
                            rank += c > 0 || (c == 0 && (uint32_t)(first + j) < target);
                        }
            } else if (known) {
                for (int j = 0; j < n; j++) {
                    int c = compare_probs(z[j], zt, max, sum);
                    rank += c > 0 || (c == 0 && (uint32_t)(first + j) < target);
                }
            }
            out[r].rank += rank;
        }
    }
}

float softmax_blocks_xent(SoftmaxBlocks *s, const float *in, int rows, const uint32_t *targets, const float *weights,
                          float *d_weight, float *d_bias, float *d_in)
{
    row_stats_online(s, in, rows, targets);
    double total_weight = 0.0, loss = 0.0;
    for (int r = 0; r < rows; r++)
        total_weight += weights ? weights[r] : 1.0f;
    for (int r = 0; r < rows; r++) {
        float scale = (float)((weights ? weights[r] : 1.0f) / total_weight);
        loss -= scale * log(fmax(prob_of(s->target_logit[r], s->max[r], s->sum[r]), 1e-30));
    }
    for (int b = 0; b < n_blocks(s); b++) {
        int first = b * s->block, n = block_logits(s, in, rows, b, false);
        for (int r = 0; r < rows; r++) {
            float *d = s->logits + (size_t)r * n; /* the gradient overwrites the logits it is made of */
            const float *z = d;
            float scale = (float)((weights ? weights[r] : 1.0f) / total_weight);
            float per_exp = scale / s->sum[r], max = s->max[r]; /* one divide a row, not a logit */
            for (int j = 0; j < n; j++)
                d[j] = expf(z[j] - max) * per_exp;
            if (targets[r] >= (uint32_t)first && targets[r] < (uint32_t)(first + n))
                d[targets[r] - (uint32_t)first] -= scale;
        }
        const float *w_block = s->weight + (size_t)first * s->in_dim;
        mm_atb(d_weight + (size_t)first * s->in_dim, s->logits, in, n, s->in_dim, rows, 1.0f);
        sum_rows_into(d_bias + first, s->logits, rows, n);
        if (d_in)
            mm_ab(d_in, s->logits, w_block, rows, s->in_dim, n, b ? 1.0f : 0.0f);
    }
    return (float)loss;
}
