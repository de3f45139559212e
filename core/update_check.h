/* What an update learned, kept to be judged: does the model still flag it? A few learned
 * sessions beside tens of thousands of replayed windows move a model little (README, "Teaching it:
 * update"), so `traceaid update` and the explorer's U say how much of what they learned the model
 * flags before and after, by the model's own rule:
 *   - sessions (a session file, a grouped log, a marks row of unit session): the distinct ones
 *     flagged as eval flags them (core/session_verdicts.h: DeepLog's miss outside the top g, an
 *     unknown key, a session shorter than the window + 1 -- which no update can make pass);
 *   - other traces and segment rows (spans): their segments over the model's threshold, or, when
 *     it has none, their predictions that miss.
 * Each unit is kept as the model's key ids of the events learned (a session clipped to the range
 * given). A span is judged alone: its first window's keys have no context before them, which is
 * how its windows were learned. */
#ifndef TRACEAID_UPDATE_CHECK_H
#define TRACEAID_UPDATE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../io/cancel.h"
#include "../io/error.h"
#include "../model/model.h"

typedef struct LearnedUnits {
    uint32_t *ids;              /* every unit's key ids, one after another */
    size_t n_ids, cap_ids;
    size_t *start;              /* n + 1 entries: unit u is ids[start[u], start[u + 1]) */
    bool *session;              /* per unit: a session (else a span) */
    size_t n, cap;
} LearnedUnits;

void learned_units_init(LearnedUnits *lu);
void learned_units_free(LearnedUnits *lu);
/* Keeps n key ids (the model's) as one unit. */
bool learned_units_add(LearnedUnits *lu, const uint32_t *ids, size_t n, bool session, Error *err);

typedef struct UpdateCheck {
    size_t session_units;       /* sessions learned */
    size_t sessions;            /* of them distinct */
    size_t sessions_flagged;    /* of them, flagged by the model */
    size_t sessions_short;      /* of those, too short to predict a key: always flagged */
    bool by_threshold;          /* spans: segments over the threshold (else predictions missed) */
    size_t spans, spans_flagged;            /* spans with a segment flagged (or a miss) */
    size_t segments, segments_flagged;      /* by_threshold */
    size_t predicted, missed;               /* !by_threshold: the spans' predicted keys */
} UpdateCheck;

/* Judges every unit with m. Ids from known_below on are keys m does not know yet (an update grew
 * them in, untrained): pass the vocabulary's size before the update to judge as the model before
 * it did, or m's own size. */
bool learned_units_check(const LearnedUnits *lu, const Model *m, uint32_t known_below, const CancelFlag *cancel,
                         UpdateCheck *out, Error *err);

/* Units learned (distinct sessions and spans), and of them still flagged. */
static inline size_t update_check_units(const UpdateCheck *c) { return c->sessions + c->spans; }
static inline size_t update_check_units_flagged(const UpdateCheck *c) { return c->sessions_flagged + c->spans_flagged; }

/* How many of the units still flagged the training could have made pass: sessions flagged but
 * not short, segments flagged, predictions missed. */
size_t update_check_learnable_flagged(const UpdateCheck *c);

#endif
