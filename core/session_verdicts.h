/* The session as the unit, for traces that have sessions (a session file, a structured log
 * grouped into sessions): each session judged by the model's own rule, identical sessions
 * collapsed into one distinct session with its count, as `eval` counts them.
 *
 * The rule: a model with a session protocol (model_has_eval: DeepLog) flags a session exactly as
 * `eval` does -- any predicted key outside the top g, an unknown key, or a session shorter than
 * the window + 1 (too short to predict a key; eval pads it with an unknown key). Read from the
 * events' outcomes, which DeepLog gives a miss wherever its window or its key is unknown. A model
 * without one (seq2seq) flags a session whose score by the model's rule (its miss rate or mean
 * NLL over the events predicted in it) is over the model's threshold when it has one, and by
 * the protocol's rule (any miss, an unknown key, too short to predict) when it has none. */
#ifndef TRACEAID_SESSION_VERDICTS_H
#define TRACEAID_SESSION_VERDICTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

typedef enum SessionReason {
    SESSION_NORMAL,         /* not flagged */
    SESSION_SHORT,          /* shorter than the keys a prediction needs */
    SESSION_UNKNOWN,        /* holds a key the model does not know */
    SESSION_MISS,           /* a predicted key missed */
    SESSION_OVER_THRESHOLD, /* its score is over the threshold */
} SessionReason;

#define SESSION_NO_EVENT SIZE_MAX

typedef struct SessionVerdict {
    size_t first;           /* its first event */
    size_t length;
    size_t first_miss;      /* the first event the model missed; SESSION_NO_EVENT: none */
    size_t predicted, missed;
    float score;            /* by the model's score rule over its predicted events */
    uint32_t distinct;      /* its distinct session (0 the first seen) */
    uint8_t reason;         /* SessionReason */
    bool unknown;           /* holds a key the model does not know */
} SessionVerdict;

typedef struct SessionVerdicts {
    size_t n_sessions;      /* 0: not a trace of sessions (a kernel trace): the segments are its unit */
    SessionVerdict *session;
    size_t n_distinct;
    size_t *distinct_first;     /* per distinct session: the first session that is it */
    uint32_t *distinct_count;   /* per distinct session: the sessions that are it */
    size_t n_flagged;           /* sessions */
    size_t n_flagged_distinct;
    size_t *flagged_first;      /* per flagged distinct session, in order: its first session */
    bool judged;
    bool by_threshold;          /* the rule in force: the score over the threshold */
    ScoreRule rule;
    float threshold;
    size_t short_below;         /* a session shorter than this predicts nothing */
} SessionVerdicts;

/* The verdicts on t's sessions from its outcomes o under m; none (n_sessions 0) unless
 * trace_has_sessions(t). */
bool session_verdicts_compute(SessionVerdicts *v, const Model *m, const Trace *t, const EventOutcomes *o,
                              Error *err);
/* Judges again by the threshold rule (a model without a session protocol whose threshold
 * changed); has_threshold false: by the protocol's rule. A protocol model's verdicts stay. */
void session_verdicts_set_threshold(SessionVerdicts *v, const Model *m, bool has_threshold, float threshold);
void session_verdicts_free(SessionVerdicts *v);

static inline bool session_flagged(const SessionVerdicts *v, size_t s) { return v->session[s].reason != SESSION_NORMAL; }
/* The distinct session d's verdict (its first session's). */
static inline const SessionVerdict *session_distinct(const SessionVerdicts *v, size_t d)
{
    return &v->session[v->distinct_first[d]];
}
/* The session holding event e (binary search on the first events). */
size_t session_verdicts_at(const SessionVerdicts *v, size_t e);
/* "miss", "unknown key", "short", "over threshold", "" */
const char *session_reason_label(SessionReason reason);
/* Adds the distinct sessions of a trace labelled normal (abnormal false) or abnormal to c, as
 * eval counts them: flagged abnormal ones are TP, flagged normal ones FP. */
void session_verdicts_count(const SessionVerdicts *v, bool abnormal, EvalCounts *c);
/* F1 of c (0 when undefined). */
double session_counts_f1(const EvalCounts *c);

#endif
