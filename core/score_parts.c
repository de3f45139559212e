#include "score_parts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../io/clock.h"
#include "../io/workers.h"
#include "../model/batch_threads.h"

size_t score_part_events(void)
{
    const char *env = getenv("TRACEAID_SCORE_PART");
    if (env && *env) {
        char *end;
        unsigned long long n = strtoull(env, &end, 10);
        if (!*end && n >= 1)
            return (size_t)n;
    }
    return SCORED_SET_PART_EVENTS;
}

/* The session holding event e (< the trace's events): the last one starting at or before it. */
static size_t session_of(const Trace *t, size_t e)
{
    size_t lo = 0, hi = t->n_sessions; /* start[lo] <= e < start[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->session_start[mid] <= e)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Windows start at their session's first event and every stride events after; a window at i
 * reads i..i+tx-1 and predicts i+tx..i+tx+ty-1 (DeepLog: tx = h, ty = stride = 1). The events
 * of [first, last) are predicted by windows starting after first - tx - ty and before last - tx,
 * which the view holds: it starts at such a window's start (so its windows fall where the
 * whole trace's do) and ends ty - 1 events past last, or with the session. Windows the view
 * holds beyond those predict only events outside [first, last), which are not kept. */
bool score_part_view(const Trace *t, size_t first, size_t last, int tx, int ty, int stride, Trace *view,
                     size_t *view_first, Error *err)
{
    memset(view, 0, sizeof *view);
    view->format = t->format;
    *view_first = 0;
    if (first >= last || t->n_sessions == 0)
        return true;
    size_t reach = (size_t)tx + (size_t)ty, step = stride > 0 ? (size_t)stride : 1;
    size_t s_first = session_of(t, first), s_last = session_of(t, last - 1);
    size_t start = t->session_start[s_first];
    size_t earliest = first >= start + reach ? first - reach + 1 : start;
    size_t v = start + (earliest - start) / step * step;
    size_t end = t->session_start[s_last + 1], w = last + (size_t)ty - 1 < end ? last + (size_t)ty - 1 : end;
    size_t n_sessions = s_last - s_first + 1;
    view->session_start = malloc((n_sessions + 1) * sizeof *view->session_start);
    if (!view->session_start)
        return error_nomem(err);
    for (size_t s = 0; s < n_sessions; s++) {
        size_t at = t->session_start[s_first + s];
        view->session_start[s] = (at > v ? at : v) - v;
    }
    view->session_start[n_sessions] = w - v;
    view->n_sessions = n_sessions;
    view->n_events = view->cap = w - v;
    view->key_id = t->key_id + v;
    *view_first = first - v;
    return true;
}

/* Events [first, last) of trace `trace`. */
typedef struct Part {
    size_t trace, first, last;
} Part;

/* A trace's progress, under the set's progress lock. */
typedef struct Stream {
    size_t first_part, n_parts;
    size_t parts_done;          /* leading parts scored */
    uint8_t *done;              /* per part */
    size_t raw_segments;        /* leading segments whose raw score is in */
    size_t final_segments;      /* leading segments whose score is final */
    float *raw;                 /* raw scores, when smoothing needs them apart */
    size_t unknown;
} Stream;

typedef struct Run {
    ScoredSet *s;
    const CancelFlag *cancel;
    Part *parts;
    size_t n_parts;
    Stream *streams;
    int tx, ty, stride;
    int model_threads;          /* each part's batches of windows predicted on so many threads */
    size_t scored, total;       /* events, over every part */
    double last_progress;
    bool failed;
    Error err;                  /* the first part that failed */
} Run;

static bool smoothing(const Scores *sc) { return sc->smooth > 0 && sc->n_segments >= 2; }

/* As model/scores.c's raw_scores, one segment at a time, so the floats come out the same. */
static void raw_segment(Scores *sc, const EventOutcomes *o, size_t seg, float *raw)
{
    size_t first = seg * sc->segment_len, last = first + sc->segment_len;
    last = last < sc->n_events ? last : sc->n_events;
    uint32_t predicted = 0, missed = 0;
    float score = 0.0f;
    for (size_t i = first; i < last; i++) {
        predicted += o->outcome[i] != OUTCOME_NONE;
        missed += o->outcome[i] == OUTCOME_MISS;
        if (sc->rule == SCORE_NLL && o->outcome[i] != OUTCOME_NONE)
            score += -logf(fmaxf(o->prob[i], SCORES_PROB_FLOOR));
    }
    sc->predicted[seg] = predicted, sc->missed[seg] = missed;
    sc->rate[seg] = predicted ? (float)missed / (float)predicted : 0.0f;
    if (sc->rule == SCORE_MISS)
        score = sc->rate[seg];
    else if (predicted)
        score /= (float)predicted;
    *raw = score;
}

/* As model/scores.c's smooth_scores for one segment, its neighbours' raw scores being in. */
static float smoothed_segment(const Scores *sc, const float *raw, size_t seg)
{
    if (!sc->predicted[seg])
        return raw[seg];
    size_t r = (size_t)sc->smooth, n = sc->n_segments;
    size_t first = seg > r ? seg - r : 0, last = seg + r < n ? seg + r : n - 1;
    double sum = 0;
    size_t count = 0;
    for (size_t j = first; j <= last; j++)
        if (sc->predicted[j])
            sum += raw[j], count++;
    return (float)(sum / (double)count);
}

static void finish_segment(Scores *sc, size_t seg, float score)
{
    sc->score[seg] = score;
    if (sc->has_threshold) {
        sc->flagged[seg] = sc->predicted[seg] > 0 && score > sc->threshold;
        sc->n_flagged += sc->flagged[seg];
    }
}

/* The segments the trace's leading scored parts complete, then those of them whose neighbours
 * are in too; publishes the events they cover. Under the progress lock. */
static void advance_segments(Run *run, size_t trace, size_t events_in)
{
    ScoredSet *s = run->s;
    Stream *st = &run->streams[trace];
    Scores *sc = &s->scores[trace];
    const EventOutcomes *o = &s->outcomes[trace];
    size_t n = sc->n_events, len = sc->segment_len;
    size_t raw_in = events_in == n ? sc->n_segments : events_in / len;
    for (; st->raw_segments < raw_in; st->raw_segments++) {
        float raw;
        raw_segment(sc, o, st->raw_segments, &raw);
        if (smoothing(sc))
            st->raw[st->raw_segments] = raw;
        else
            finish_segment(sc, st->raw_segments, raw);
    }
    size_t final = raw_in;
    if (smoothing(sc)) {
        size_t r = (size_t)sc->smooth;
        final = raw_in == sc->n_segments ? raw_in : raw_in > r ? raw_in - r : 0;
        for (size_t seg = st->final_segments; seg < final; seg++)
            finish_segment(sc, seg, smoothed_segment(sc, st->raw, seg));
    }
    st->final_segments = final;
    size_t events = final == sc->n_segments ? n : final * len;
    atomic_store_explicit(&s->scored_events[trace], events, memory_order_release);
}

static size_t count_unknown(const Model *m, const Trace *t, size_t first, size_t last)
{
    int n_keys;
    model_key_names(m, &n_keys);
    size_t unknown = 0;
    for (size_t e = first; e < last; e++)
        unknown += t->key_id[e] >= (uint32_t)n_keys;
    return unknown;
}

/* Part p scored: its trace's leading parts, segments and the progress move on. Returns whether
 * every part of the trace is now in (to this caller only). */
static bool part_done(Run *run, size_t p, size_t unknown)
{
    const Part *part = &run->parts[p];
    Stream *st = &run->streams[part->trace];
    ScoredSet *s = run->s;
    pthread_mutex_lock(&s->progress_lock);
    st->done[p - st->first_part] = 1;
    st->unknown += unknown;
    size_t before = st->parts_done;
    while (st->parts_done < st->n_parts && st->done[st->parts_done])
        st->parts_done++;
    if (st->parts_done > before) {
        const Part *last = &run->parts[st->first_part + st->parts_done - 1];
        advance_segments(run, part->trace, last->last);
    }
    run->scored += part->last - part->first;
    double now = clock_seconds();
    if (s->progress && (run->scored == run->total || now - run->last_progress >= s->progress_every)) {
        run->last_progress = now;
        s->progress(run->scored, run->total, s->progress_ctx);
    }
    bool complete = before < st->n_parts && st->parts_done == st->n_parts;
    pthread_mutex_unlock(&s->progress_lock);
    return complete;
}

static bool fail(Run *run, const Error *err)
{
    pthread_mutex_lock(&run->s->progress_lock);
    if (!run->failed)
        run->err = *err, run->failed = true;
    pthread_mutex_unlock(&run->s->progress_lock);
    return false;
}

/* The part's outcomes from its view, copied into the trace's. */
static bool score_part(Run *run, const Part *part, Error *err)
{
    ScoredSet *s = run->s;
    const Trace *t = &s->set.traces[part->trace];
    Trace view;
    size_t view_first;
    if (!score_part_view(t, part->first, part->last, run->tx, run->ty, run->stride, &view, &view_first, err))
        return false;
    if (view.n_events == 0) {
        free(view.session_start);
        return true;
    }
    EventOutcomes got;
    bool ok = model_outcomes(&s->model, &view, 0, view.n_events, &got, run->cancel, err);
    free(view.session_start);
    if (!ok)
        return false;
    EventOutcomes *o = &s->outcomes[part->trace];
    size_t n = part->last - part->first;
    memcpy(o->outcome + part->first, got.outcome + view_first, n * sizeof *o->outcome);
    memcpy(o->rank + part->first, got.rank + view_first, n * sizeof *o->rank);
    memcpy(o->prob + part->first, got.prob + view_first, n * sizeof *o->prob);
    memcpy(o->predicted + part->first, got.predicted + view_first, n * sizeof *o->predicted);
    event_outcomes_free(&got);
    return true;
}

static bool part_job(size_t p, void *ctx)
{
    Run *run = ctx;
    const Part *part = &run->parts[p];
    ScoredSet *s = run->s;
    const Trace *t = &s->set.traces[part->trace];
    Error err = {0};
    if (run->cancel && *run->cancel) {
        error_interrupted(&err);
        return fail(run, &err);
    }
    model_set_threads(run->model_threads);
    if (!score_part(run, part, &err)) {
        error_prefix(&err, "%s: ", t->path ? t->path : "trace");
        return fail(run, &err);
    }
    size_t unknown = count_unknown(&s->model, t, part->first, part->last);
    if (!part_done(run, p, unknown))
        return true;
    s->unknown[part->trace] = run->streams[part->trace].unknown; /* every part of it is in */
    if (!session_verdicts_compute(&s->sessions[part->trace], &s->model, t, &s->outcomes[part->trace], &err)) {
        error_prefix(&err, "%s: ", t->path ? t->path : "trace");
        return fail(run, &err);
    }
    return true;
}

/* Every trace cut into parts of part_len events; a trace without events has one empty part. */
static bool plan(Run *run, size_t part_len, Error *err)
{
    const TraceSet *set = &run->s->set;
    size_t n_parts = 0;
    for (size_t i = 0; i < set->n_traces; i++) {
        size_t n = set->traces[i].n_events;
        n_parts += n ? (n + part_len - 1) / part_len : 1;
        run->total += n;
    }
    run->parts = calloc(n_parts + 1, sizeof *run->parts);
    run->streams = calloc(set->n_traces + 1, sizeof *run->streams);
    if (!run->parts || !run->streams)
        return error_nomem(err);
    for (size_t i = 0; i < set->n_traces; i++) {
        Stream *st = &run->streams[i];
        size_t n = set->traces[i].n_events;
        st->first_part = run->n_parts;
        for (size_t first = 0; first < n || (n == 0 && first == 0); first += part_len) {
            run->parts[run->n_parts++] = (Part){i, first, first + part_len < n ? first + part_len : n};
            if (n == 0)
                break;
        }
        st->n_parts = run->n_parts - st->first_part;
        st->done = calloc(st->n_parts + 1, 1);
        st->raw = smoothing(&run->s->scores[i]) ? calloc(run->s->scores[i].n_segments + 1, sizeof *st->raw) : NULL;
        if (!st->done || (smoothing(&run->s->scores[i]) && !st->raw))
            return error_nomem(err);
    }
    return true;
}

static void run_free(Run *run)
{
    for (size_t i = 0; run->streams && i < run->s->set.n_traces; i++) {
        free(run->streams[i].done);
        free(run->streams[i].raw);
    }
    free(run->streams);
    free(run->parts);
}

/* Several traces, at least a part per thread: threads over parts keep every core busy while
 * each part predicts its windows alone. Otherwise the parts of a trace share windows that
 * threads over parts would predict again in each. */
static bool set_has_many_parts(const TraceSet *set, size_t n_parts, int threads)
{
    return set->n_traces > 1 && n_parts >= (size_t)threads;
}

bool score_parts_run(ScoredSet *s, const CancelFlag *cancel, Error *err)
{
    Run run = {.s = s, .cancel = cancel, .last_progress = clock_seconds()};
    model_window_shape(&s->model, &run.tx, &run.ty, &run.stride);
    if (!plan(&run, score_part_events(), err)) {
        run_free(&run);
        return false;
    }
    if (s->progress)
        s->progress(0, run.total, s->progress_ctx);
    int threads = s->threads > 0 ? s->threads : workers_default();
    /* Our threads are the parallelism, whatever their number: OpenBLAS threading each product
     * too would put two threads on each core, and would make the floats depend on --threads
     * (its threads split the sums), where now they depend on the parts and batches alone. */
    blas_single_begin();
    bool ok;
    if (set_has_many_parts(&s->set, run.n_parts, threads)) {
        /* Threads over parts, each part's model on one thread. */
        run.model_threads = 1;
        ok = workers_run(run.n_parts, threads, part_job, &run);
    } else {
        /* One big trace: its parts one after another, each predicting its distinct windows on
         * every thread. Parts on threads would each predict the windows they share. */
        int caller_threads = model_threads();
        run.model_threads = threads;
        ok = true;
        for (size_t p = 0; ok && p < run.n_parts; p++)
            ok = part_job(p, &run);
        model_set_threads(caller_threads);
    }
    blas_single_end();
    if (!ok || run.failed)
        *err = run.err;
    run_free(&run);
    return ok && !run.failed;
}
