/* seq2seq's verdict on each event of a trace. */
#ifndef TRACEAID_SEQ2SEQ_SCORE_H
#define TRACEAID_SEQ2SEQ_SCORE_H


#include "../io/cancel.h"
#include "../io/trace.h"
#include "scores.h"
#include "seq2seq.h"

/* Windows at the model's stride: events i..i+tx-1 predict i+tx..i+tx+ty-1 greedily; each
 * predicted event is a hit when the prediction is its key. Only events [first, last) count. */
bool seq2seq_outcomes(const Seq2Seq *m, const Trace *t, size_t first, size_t last,
                      EventOutcomes *out, const CancelFlag *cancel, Error *err);

#endif
