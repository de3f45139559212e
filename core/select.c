#include "select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool held(size_t session, size_t stride) { return (session + 1) % stride == 0; }

static bool copy_session(Trace *to, const Trace *from, size_t s, Error *err)
{
    size_t len = trace_session_length(from, s);
    if (to->n_events + len > to->cap) {
        size_t cap = to->cap ? to->cap : 1024;
        while (cap < to->n_events + len)
            cap *= 2;
        uint32_t *keys = realloc(to->key_id, cap * sizeof *keys);
        if (!keys)
            return error_set_code(err, ERROR_NOMEM, "out of memory for the held-out sessions");
        to->key_id = keys, to->cap = cap;
    }
    memcpy(to->key_id + to->n_events, from->key_id + from->session_start[s], len * sizeof *to->key_id);
    to->n_events += len;
    to->session_start[++to->n_sessions] = to->n_events;
    return true;
}

bool held_out_split(const TraceSet *set, float share, int window, HeldOut *out, Error *err)
{
    memset(out, 0, sizeof *out);
    out->stride = (size_t)lroundf(1 / share);
    out->stride = out->stride < 2 ? 2 : out->stride;
    size_t total = 0;
    for (size_t i = 0; i < set->n_traces; i++)
        total += set->traces[i].n_sessions;
    Trace *t = &out->trace;
    t->format = TRACE_FORMAT_SESSIONS;
    t->path = strdup("held-out sessions");
    t->session_start = calloc(total / out->stride + 1, sizeof *t->session_start);
    bool ok = (t->path && t->session_start) || error_set_code(err, ERROR_NOMEM, "out of memory");
    for (size_t i = 0, s0 = 0; ok && i < set->n_traces; s0 += set->traces[i++].n_sessions)
        for (size_t s = 0; ok && s < set->traces[i].n_sessions; s++)
            if (held(s0 + s, out->stride)) {
                ok = copy_session(t, &set->traces[i], s, err);
                out->n_short += trace_session_length(&set->traces[i], s) < (size_t)window + 1;
            }
    if (!ok)
        held_out_free(out);
    return ok;
}

bool held_out_add_rest(const Model *m, const TraceSet *set, const HeldOut *h, WindowSet *ws, Error *err)
{
    bool ok = true;
    for (size_t i = 0, s0 = 0; ok && i < set->n_traces; s0 += set->traces[i++].n_sessions) {
        const Trace *t = &set->traces[i];
        for (size_t s = 0; ok && s < t->n_sessions; s++)
            if (!held(s0 + s, h->stride))
                ok = model_add_windows(m, t, t->session_start[s], t->session_start[s + 1], ws, err);
    }
    return ok;
}

void held_out_free(HeldOut *h)
{
    trace_free(&h->trace);
    memset(h, 0, sizeof *h);
}

/* Each held-out session's worst rank (the least g that would not flag it) into the histogram,
 * and the mean NLL of the predicted keys. */
static void tally(SelectEpoch *e, const HeldOut *h, const EventOutcomes *o)
{
    const Trace *t = &h->trace;
    double nll = 0;
    size_t predicted = 0;
    size_t needs[SELECT_MAX_G + 2] = {0};   /* [g]: sessions whose worst rank is g - 1 */
    for (size_t s = 0; s < t->n_sessions; s++) {
        uint32_t worst = 0;
        bool any = false;
        for (size_t i = t->session_start[s]; i < t->session_start[s + 1]; i++) {
            if (o->outcome[i] == OUTCOME_NONE)
                continue;
            any = true;
            worst = o->rank[i] > worst ? o->rank[i] : worst;
            nll -= log(o->prob[i] > SCORES_PROB_FLOOR ? o->prob[i] : SCORES_PROB_FLOOR);
            predicted++;
        }
        size_t g = any ? (size_t)worst + 1 : SELECT_MAX_G + 1;     /* too short: flagged at any g */
        needs[g < SELECT_MAX_G + 1 ? g : SELECT_MAX_G + 1]++;
    }
    size_t pass = 0;
    for (int g = 1; g <= SELECT_MAX_G; g++) {
        pass += needs[g];
        e->flagged[g] = t->n_sessions - pass;
    }
    e->loss = predicted ? nll / (double)predicted : 0;
}

bool select_record(Selection *sel, int epoch, const Model *m, const HeldOut *h, Error *err)
{
    if (epoch > sel->n_epochs) {
        SelectEpoch *grown = realloc(sel->epochs, (size_t)epoch * sizeof *grown);
        if (!grown)
            return error_set_code(err, ERROR_NOMEM, "out of memory");
        memset(grown + sel->n_epochs, 0, (size_t)(epoch - sel->n_epochs) * sizeof *grown);
        sel->epochs = grown, sel->n_epochs = epoch;
    }
    EventOutcomes o;
    if (!model_outcomes(m, &h->trace, 0, h->trace.n_events, &o, NULL, err))
        return false;
    tally(&sel->epochs[epoch - 1], h, &o);
    event_outcomes_free(&o);
    return true;
}

bool select_stalled(const Selection *sel, int patience)
{
    if (sel->n_epochs <= patience)
        return false;
    double before = sel->epochs[0].loss;
    for (int e = 1; e < sel->n_epochs - patience; e++)
        before = sel->epochs[e].loss < before ? sel->epochs[e].loss : before;
    for (int e = sel->n_epochs - patience; e < sel->n_epochs; e++)
        if (sel->epochs[e].loss < before)
            return false;
    return true;
}

void select_choose(Selection *sel, const HeldOut *h, bool choose_epochs, double max_flagged, int n_keys)
{
    sel->best_epoch = sel->n_epochs;
    for (int e = 1; choose_epochs && e < sel->n_epochs; e++)
        if (sel->epochs[e - 1].loss < sel->epochs[sel->best_epoch - 1].loss)
            sel->best_epoch = e;
    const SelectEpoch *best = &sel->epochs[sel->best_epoch - 1];
    int most = n_keys < SELECT_MAX_G ? n_keys : SELECT_MAX_G;
    /* sessions shorter than the window + 1 are flagged at every g: no g can help them, so the
     * share is of the others */
    double judged = (double)(h->trace.n_sessions - h->n_short);
    sel->top_g = 0;
    for (int g = most; g >= 1; g--)
        if ((double)(best->flagged[g] - h->n_short) <= max_flagged * judged)
            sel->top_g = g;
}

void selection_free(Selection *sel)
{
    free(sel->epochs);
    memset(sel, 0, sizeof *sel);
}
