#include "session_verdicts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_keys(const uint32_t *keys, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull ^ len;
    for (size_t i = 0; i < len; i++)
        h = (h ^ keys[i]) * 0x100000001b3ull;
    return h;
}

/* Identical key sequences collapse into one distinct session, numbered in order of first sight
 * (as eval's distinct sessions). */
static bool find_distinct(SessionVerdicts *v, const Trace *t, Error *err)
{
    size_t n_slots = 16;
    while (n_slots < 2 * v->n_sessions)
        n_slots *= 2;
    size_t *slots = calloc(n_slots, sizeof *slots); /* distinct id + 1; 0 free */
    v->distinct_first = malloc(v->n_sessions * sizeof *v->distinct_first);
    v->distinct_count = calloc(v->n_sessions, sizeof *v->distinct_count);
    if (!slots || !v->distinct_first || !v->distinct_count) {
        free(slots);
        return error_nomem(err);
    }
    for (size_t s = 0; s < v->n_sessions; s++) {
        const uint32_t *keys = t->key_id + t->session_start[s];
        size_t len = trace_session_length(t, s);
        size_t i = hash_keys(keys, len) & (n_slots - 1);
        for (; slots[i]; i = (i + 1) & (n_slots - 1)) {
            size_t other = v->distinct_first[slots[i] - 1];
            if (trace_session_length(t, other) == len &&
                !memcmp(t->key_id + t->session_start[other], keys, len * sizeof *keys))
                break;
        }
        if (!slots[i]) {
            v->distinct_first[v->n_distinct++] = s;
            slots[i] = v->n_distinct;
        }
        v->session[s].distinct = (uint32_t)(slots[i] - 1);
        v->distinct_count[slots[i] - 1]++;
    }
    free(slots);
    return true;
}

/* What the outcomes say of session s: predictions, misses, the first miss, the score. */
static void read_session(SessionVerdict *sv, const Trace *t, size_t s, const EventOutcomes *o, int n_keys,
                         ScoreRule rule)
{
    sv->first = t->session_start[s];
    sv->length = trace_session_length(t, s);
    sv->first_miss = SESSION_NO_EVENT;
    double nll = 0;
    for (size_t e = sv->first; e < sv->first + sv->length; e++) {
        sv->unknown |= t->key_id[e] >= (uint32_t)n_keys;
        if (o->outcome[e] == OUTCOME_NONE)
            continue;
        sv->predicted++;
        nll += -logf(fmaxf(o->prob[e], SCORES_PROB_FLOOR));
        if (o->outcome[e] == OUTCOME_MISS) {
            sv->missed++;
            if (sv->first_miss == SESSION_NO_EVENT)
                sv->first_miss = e;
        }
    }
    if (sv->predicted)
        sv->score = (float)(rule == SCORE_NLL ? nll / (double)sv->predicted : (double)sv->missed / (double)sv->predicted);
}

/* The protocol: too short to predict (eval pads it with an unknown key), an unknown key, a miss. */
static SessionReason protocol_reason(const SessionVerdict *sv, size_t short_below)
{
    if (sv->length < short_below)
        return SESSION_SHORT;
    if (sv->unknown)
        return SESSION_UNKNOWN;
    return sv->missed ? SESSION_MISS : SESSION_NORMAL;
}

static void judge(SessionVerdicts *v)
{
    v->n_flagged = v->n_flagged_distinct = 0;
    for (size_t s = 0; s < v->n_sessions; s++) {
        SessionVerdict *sv = &v->session[s];
        if (v->by_threshold)
            sv->reason = sv->predicted && sv->score > v->threshold ? SESSION_OVER_THRESHOLD : SESSION_NORMAL;
        else
            sv->reason = protocol_reason(sv, v->short_below);
        v->n_flagged += sv->reason != SESSION_NORMAL;
    }
    for (size_t d = 0; d < v->n_distinct; d++) /* in order of their first sessions */
        if (session_distinct(v, d)->reason != SESSION_NORMAL)
            v->flagged_first[v->n_flagged_distinct++] = v->distinct_first[d];
}

bool session_verdicts_compute(SessionVerdicts *v, const Model *m, const Trace *t, const EventOutcomes *o,
                              Error *err)
{
    memset(v, 0, sizeof *v);
    if (!trace_has_sessions(t))
        return true;
    v->n_sessions = t->n_sessions;
    v->session = calloc(v->n_sessions, sizeof *v->session);
    if (!v->session)
        return error_nomem(err);
    if (!find_distinct(v, t, err)) {
        session_verdicts_free(v);
        return false;
    }
    v->flagged_first = malloc((v->n_distinct ? v->n_distinct : 1) * sizeof *v->flagged_first);
    if (!v->flagged_first) {
        session_verdicts_free(v);
        return error_nomem(err);
    }
    int n_keys, tx, ty, stride;
    model_key_names(m, &n_keys);
    model_window_shape(m, &tx, &ty, &stride);
    v->short_below = (size_t)tx + (size_t)ty; /* DeepLog: window + 1 */
    const Calibration *cal = model_calibration_const(m);
    v->rule = cal->score;
    for (size_t s = 0; s < v->n_sessions; s++)
        read_session(&v->session[s], t, s, o, n_keys, cal->score);
    session_verdicts_set_threshold(v, m, cal->calibrated, cal->threshold);
    return true;
}

void session_verdicts_set_threshold(SessionVerdicts *v, const Model *m, bool has_threshold, float threshold)
{
    bool by_threshold = has_threshold && !model_has_eval(m);
    if (v->session && !by_threshold && !v->by_threshold && v->judged)
        return; /* a protocol's verdicts: no threshold changes them */
    v->by_threshold = by_threshold;
    v->threshold = threshold;
    judge(v);
    v->judged = true;
}

void session_verdicts_free(SessionVerdicts *v)
{
    free(v->session);
    free(v->distinct_first);
    free(v->distinct_count);
    free(v->flagged_first);
    memset(v, 0, sizeof *v);
}

size_t session_verdicts_at(const SessionVerdicts *v, size_t e)
{
    size_t lo = 0, hi = v->n_sessions; /* the last session whose first event is at or before e */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->session[mid].first <= e)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

const char *session_reason_label(SessionReason reason)
{
    static const char *const labels[] = {"", "short", "unknown key", "miss", "over threshold"};
    return reason <= SESSION_OVER_THRESHOLD ? labels[reason] : "";
}

void session_verdicts_count(const SessionVerdicts *v, bool abnormal, EvalCounts *c)
{
    size_t flagged = v->n_flagged_distinct, clean = v->n_distinct - flagged;
    if (abnormal)
        c->tp += flagged, c->fn += clean;
    else
        c->fp += flagged, c->tn += clean;
}

double session_counts_f1(const EvalCounts *c)
{
    size_t denominator = 2 * c->tp + c->fp + c->fn;
    return denominator ? 2.0 * (double)c->tp / (double)denominator : 0.0;
}
