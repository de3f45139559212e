/* Training the seq2seq model and its verdict on each event of a trace. */
#ifndef TRACEAID_SEQ2SEQ_TRAIN_H
#define TRACEAID_SEQ2SEQ_TRAIN_H

#include "../io/trace.h"
#include "scores.h"
#include "seq2seq.h"
#include "train.h"

/* Key id as the model reads it: ids the model does not know become UNK. */
static inline uint32_t seq2seq_id(const Seq2Seq *m, uint32_t key_id)
{
    return key_id < (uint32_t)m->cfg.vocab ? key_id : SEQ2SEQ_UNK;
}

/* ws holds windows of tx + ty keys: the inputs, then the keys to predict. */
bool seq2seq_train(Seq2Seq *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report,
                   Error *err);
/* Adds every run of tx + ty keys of t[first, last) (in model ids, unknown keys as UNK). */
bool seq2seq_add_windows(const Seq2Seq *m, const Trace *t, size_t first, size_t last, WindowSet *ws,
                         Error *err);

/* Windows at the model's stride: events i..i+tx-1 predict i+tx..i+tx+ty-1 greedily; each
 * predicted event is a hit when the prediction is its key. Only events [first, last) count. */
bool seq2seq_outcomes(const Seq2Seq *m, const Trace *t, size_t first, size_t last,
                      EventOutcomes *out, const volatile sig_atomic_t *cancel, Error *err);

#endif
