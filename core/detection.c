#include "detection.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CLEAN_KIND "clean"

/* The score a segment is ranked by for the AUC: the one place that says which. */
static float segment_score(const Scores *s, size_t seg)
{
    return s->score[seg];
}

typedef struct RankedSegment {
    float score;
    uint8_t positive;
} RankedSegment;

/* Ascending, a NaN (a model that diverged) below every number, so the order stays total. */
static int by_score(const void *a, const void *b)
{
    const RankedSegment *x = a, *y = b;
    if (isnan(x->score) || isnan(y->score))
        return !isnan(x->score) - !isnan(y->score);
    return (x->score > y->score) - (x->score < y->score);
}

static bool same_score(float a, float b) { return a == b || (isnan(a) && isnan(b)); }

bool detection_auc(const float *score, const uint8_t *positive, size_t n, double *auc, Error *err)
{
    size_t n_positive = 0;
    for (size_t i = 0; i < n; i++)
        n_positive += positive[i] != 0;
    if (n_positive == 0 || n_positive == n)
        return false;
    RankedSegment *ranked = malloc(n * sizeof *ranked);
    if (!ranked)
        return error_nomem(err);
    for (size_t i = 0; i < n; i++)
        ranked[i] = (RankedSegment){score[i], positive[i] != 0};
    qsort(ranked, n, sizeof *ranked, by_score);
    /* The positives' rank sum, each run of equal scores given the mean of its ranks (ties count
     * half), less its least possible value, over the number of pairs. */
    double positive_rank_sum = 0;
    for (size_t start = 0, end; start < n; start = end) {
        size_t positives_here = 0;
        for (end = start; end < n && same_score(ranked[end].score, ranked[start].score); end++)
            positives_here += ranked[end].positive;
        double mean_rank = ((double)start + 1 + (double)end) / 2; /* ranks start+1 .. end */
        positive_rank_sum += mean_rank * (double)positives_here;
    }
    free(ranked);
    double p = (double)n_positive, q = (double)(n - n_positive);
    *auc = (positive_rank_sum - p * (p + 1) / 2) / (p * q);
    return true;
}

/* Adds a trace's counted segments to the figures f. */
static void add_trace(DetectionFigures *f, const DetectionTrace *t, bool has_threshold)
{
    const Scores *s = t->scores;
    f->traces++;
    for (size_t seg = 0; seg < s->n_segments; seg++) {
        if (!s->predicted[seg])
            continue;
        bool bad = t->segment_bad[seg], flagged = has_threshold && s->flagged[seg];
        f->segments++;
        f->anomalous += bad;
        f->flagged += flagged;
        f->tp += bad && flagged;
        f->fp += !bad && flagged;
        f->fn += bad && !flagged;
        if (t->clean) {
            f->clean_segments++;
            f->clean_flagged += flagged;
        } else if (!bad) {
            f->negatives++;
            f->negatives_flagged += flagged;
        }
    }
}

/* Whether trace t belongs to the AUC of kind (NULL: all): its own segments and, as the
 * normal side, every clean trace's. */
static bool in_auc_pool(const DetectionTrace *t, const char *kind)
{
    return !kind || t->clean || strcmp(t->kind, kind) == 0;
}

static bool figure_auc(DetectionFigures *f, const DetectionTrace *traces, size_t n_traces, const char *kind,
                       Error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < n_traces; i++)
        for (size_t seg = 0; in_auc_pool(&traces[i], kind) && seg < traces[i].scores->n_segments; seg++)
            n += traces[i].scores->predicted[seg] > 0;
    float *score = malloc((n + 1) * sizeof *score);
    uint8_t *positive = malloc(n + 1);
    bool ok = (score && positive) || error_nomem(err);
    n = 0;
    for (size_t i = 0; ok && i < n_traces; i++) {
        const Scores *s = traces[i].scores;
        for (size_t seg = 0; in_auc_pool(&traces[i], kind) && seg < s->n_segments; seg++)
            if (s->predicted[seg]) {
                score[n] = segment_score(s, seg);
                positive[n++] = traces[i].segment_bad[seg];
            }
    }
    Error auc_err = {0};
    f->has_auc = ok && detection_auc(score, positive, n, &f->auc, &auc_err);
    if (auc_err.failed)
        ok = error_nomem(err);
    free(score);
    free(positive);
    return ok;
}

static int by_kind(const void *a, const void *b)
{
    const char *x = ((const DetectionFigures *)a)->kind, *y = ((const DetectionFigures *)b)->kind;
    bool x_clean = strcmp(x, CLEAN_KIND) == 0, y_clean = strcmp(y, CLEAN_KIND) == 0;
    if (x_clean || y_clean)
        return y_clean - x_clean;
    return strcmp(x, y);
}

/* The figures of kind, added when new. */
static DetectionFigures *kind_figures(Detection *d, const char *kind, Error *err)
{
    for (size_t k = 0; k < d->n_kinds; k++)
        if (strcmp(d->kinds[k].kind, kind) == 0)
            return &d->kinds[k];
    DetectionFigures *f = &d->kinds[d->n_kinds];
    memset(f, 0, sizeof *f);
    f->kind = strdup(kind);
    if (!f->kind) {
        error_nomem(err);
        return NULL;
    }
    d->n_kinds++;
    return f;
}

bool detection_compute(Detection *d, const DetectionTrace *traces, size_t n_traces, Error *err)
{
    memset(d, 0, sizeof *d);
    d->kinds = calloc(n_traces + 1, sizeof *d->kinds); /* at most a kind a trace */
    d->all.kind = strdup("all");
    if (!d->kinds || !d->all.kind)
        return error_nomem(err);
    d->has_threshold = n_traces > 0;
    for (size_t i = 0; i < n_traces; i++)
        d->has_threshold = d->has_threshold && traces[i].scores->has_threshold;
    for (size_t i = 0; i < n_traces; i++) {
        DetectionFigures *f = kind_figures(d, traces[i].kind, err);
        if (!f)
            return false;
        add_trace(f, &traces[i], d->has_threshold);
        add_trace(&d->all, &traces[i], d->has_threshold);
    }
    qsort(d->kinds, d->n_kinds, sizeof *d->kinds, by_kind);
    for (size_t k = 0; k < d->n_kinds; k++)
        if (!figure_auc(&d->kinds[k], traces, n_traces, d->kinds[k].kind, err))
            return false;
    return figure_auc(&d->all, traces, n_traces, NULL, err);
}

void detection_free(Detection *d)
{
    for (size_t k = 0; k < d->n_kinds; k++)
        free(d->kinds[k].kind);
    free(d->kinds);
    free(d->all.kind);
    memset(d, 0, sizeof *d);
}

static bool ratio(size_t part, size_t whole, double *value)
{
    if (whole == 0)
        return false;
    *value = (double)part / (double)whole;
    return true;
}

bool detection_precision(const DetectionFigures *f, double *value)
{
    return ratio(f->tp, f->flagged, value);
}

bool detection_recall(const DetectionFigures *f, double *value)
{
    return ratio(f->tp, f->anomalous, value);
}

/* 2·TP / (2·TP + FP + FN): 0 when nothing anomalous was found, whether or not anything was
 * flagged; undefined for traces with nothing anomalous, where only the flagged share says
 * anything. */
bool detection_f1(const DetectionFigures *f, double *value)
{
    return f->anomalous > 0 && ratio(2 * f->tp, 2 * f->tp + f->fp + f->fn, value);
}

bool detection_clean_flagged(const DetectionFigures *f, double *value)
{
    return ratio(f->clean_flagged, f->clean_segments, value);
}

bool detection_negatives_flagged(const DetectionFigures *f, double *value)
{
    return ratio(f->negatives_flagged, f->negatives, value);
}
