#include "update_check.h"

#include <stdlib.h>
#include <string.h>

#include "session_verdicts.h"

void learned_units_init(LearnedUnits *lu) { memset(lu, 0, sizeof *lu); }

void learned_units_free(LearnedUnits *lu)
{
    free(lu->ids);
    free(lu->start);
    free(lu->session);
    memset(lu, 0, sizeof *lu);
}

static bool reserve_units(LearnedUnits *lu, size_t n_ids, Error *err)
{
    if (lu->n_ids + n_ids > lu->cap_ids) {
        size_t cap = lu->cap_ids ? lu->cap_ids : 256;
        while (cap < lu->n_ids + n_ids)
            cap *= 2;
        uint32_t *ids = realloc(lu->ids, cap * sizeof *ids);
        if (!ids)
            return error_nomem(err);
        lu->ids = ids, lu->cap_ids = cap;
    }
    if (lu->n + 1 >= lu->cap) {
        size_t cap = lu->cap ? 2 * lu->cap : 16;
        size_t *start = realloc(lu->start, (cap + 1) * sizeof *start);
        if (start)
            lu->start = start;
        bool *session = realloc(lu->session, cap * sizeof *session);
        if (session)
            lu->session = session;
        if (!start || !session)
            return error_nomem(err);
        lu->cap = cap;
    }
    return true;
}

bool learned_units_add(LearnedUnits *lu, const uint32_t *ids, size_t n, bool session, Error *err)
{
    if (!reserve_units(lu, n, err))
        return false;
    if (lu->n == 0)
        lu->start[0] = 0;
    memcpy(lu->ids + lu->n_ids, ids, n * sizeof *ids);
    lu->n_ids += n;
    lu->session[lu->n] = session;
    lu->start[++lu->n] = lu->n_ids;
    return true;
}

/* ids[first, last) into out, a key not known yet (known_below on) as one the model never saw:
 * an id past the model's (unknown on), each new key its own, so that sessions differing only in
 * which new key they hold stay apart, as they are after the update. */
static void copy_known(const LearnedUnits *lu, size_t first, size_t last, uint32_t known_below, uint32_t unknown,
                       uint32_t *out)
{
    for (size_t i = first; i < last; i++)
        out[i - first] = lu->ids[i] < known_below ? lu->ids[i] : unknown + (lu->ids[i] - known_below);
}

static uint32_t unknown_id(const Model *m)
{
    int n_keys;
    model_key_names(m, &n_keys);
    return (uint32_t)n_keys;
}

/* The session units as one trace of sessions, judged as eval judges them. */
static bool check_sessions(const LearnedUnits *lu, const Model *m, uint32_t known_below, const CancelFlag *cancel,
                           UpdateCheck *out, Error *err)
{
    size_t n_sessions = 0, n_events = 0;
    for (size_t u = 0; u < lu->n; u++)
        if (lu->session[u])
            n_sessions++, n_events += lu->start[u + 1] - lu->start[u];
    if (n_sessions == 0)
        return true;
    uint32_t *keys = malloc((n_events + 1) * sizeof *keys);
    size_t *starts = malloc((n_sessions + 1) * sizeof *starts);
    bool ok = (keys && starts) || error_nomem(err);
    size_t s = 0, e = 0;
    for (size_t u = 0; ok && u < lu->n; u++)
        if (lu->session[u]) {
            starts[s++] = e;
            copy_known(lu, lu->start[u], lu->start[u + 1], known_below, unknown_id(m), keys + e);
            e += lu->start[u + 1] - lu->start[u];
        }
    if (ok)
        starts[s] = e;
    char path[] = "(sessions learned)";
    Trace t = {.path = path, .format = TRACE_FORMAT_SESSIONS, .n_events = n_events, .key_id = keys,
               .n_sessions = n_sessions, .session_start = starts};
    EventOutcomes o = {0};
    SessionVerdicts v = {0};
    ok = ok && model_outcomes(m, &t, 0, n_events, &o, cancel, err) && session_verdicts_compute(&v, m, &t, &o, err);
    if (ok) {
        out->session_units = v.n_sessions;
        out->sessions = v.n_distinct;
        out->sessions_flagged = v.n_flagged_distinct;
        for (size_t d = 0; d < v.n_distinct; d++)
            out->sessions_short += session_distinct(&v, d)->reason == SESSION_SHORT;
    }
    session_verdicts_free(&v);
    event_outcomes_free(&o);
    free(keys);
    free(starts);
    return ok;
}

/* One span unit alone, in the model's segments: those over its threshold, or its misses. */
static bool check_span(const LearnedUnits *lu, size_t u, const Model *m, uint32_t known_below,
                       const CancelFlag *cancel, UpdateCheck *out, Error *err)
{
    size_t n = lu->start[u + 1] - lu->start[u];
    if (n == 0)
        return true;
    uint32_t *keys = malloc(n * sizeof *keys);
    if (!keys)
        return error_nomem(err);
    copy_known(lu, lu->start[u], lu->start[u + 1], known_below, unknown_id(m), keys);
    size_t starts[2] = {0, n};
    char path[] = "(span learned)";
    Trace t = {.path = path, .format = TRACE_FORMAT_CSV, .n_events = n, .key_id = keys, .n_sessions = 1,
               .session_start = starts};
    const Calibration *cal = model_calibration_const(m);
    EventOutcomes o = {0};
    Scores sc = {0};
    bool ok = model_outcomes(m, &t, 0, n, &o, cancel, err);
    if (ok && cal->calibrated) {
        ok = scores_compute_rule(&sc, &o, (size_t)cal->segment, cal->score, cal->smooth, err);
        if (ok) {
            scores_set_threshold(&sc, cal->threshold);
            out->segments += sc.n_segments;
            out->segments_flagged += sc.n_flagged;
            out->spans_flagged += sc.n_flagged > 0;
        }
    } else if (ok) {
        size_t missed = 0;
        for (size_t e = 0; e < n; e++)
            out->predicted += o.outcome[e] != OUTCOME_NONE, missed += o.outcome[e] == OUTCOME_MISS;
        out->missed += missed;
        out->spans_flagged += missed > 0;
    }
    out->spans++;
    scores_free(&sc);
    event_outcomes_free(&o);
    free(keys);
    return ok;
}

bool learned_units_check(const LearnedUnits *lu, const Model *m, uint32_t known_below, const CancelFlag *cancel,
                         UpdateCheck *out, Error *err)
{
    memset(out, 0, sizeof *out);
    out->by_threshold = model_calibration_const(m)->calibrated;
    if (!check_sessions(lu, m, known_below, cancel, out, err))
        return false;
    for (size_t u = 0; u < lu->n; u++)
        if (!lu->session[u] && !check_span(lu, u, m, known_below, cancel, out, err))
            return false;
    return true;
}

size_t update_check_learnable_flagged(const UpdateCheck *c)
{
    return c->sessions_flagged - c->sessions_short + c->segments_flagged + c->missed;
}
