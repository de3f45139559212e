/* Loading traces against a model's vocabulary, so that key ids match the model's. */
#ifndef TRACEAID_MODEL_VOCAB_H
#define TRACEAID_MODEL_VOCAB_H

#include "../io/trace_set.h"
#include "../model/model.h"

/* Starts set's vocabulary with the model's key names in id order; keys the model does not
 * know then get ids from K up. */
bool model_vocab_seed(TraceSet *set, const Model *m, Error *err);
/* Starts set's vocabulary with a kind's reserved ids, for a model yet to be trained on it. */
bool model_vocab_reserve(TraceSet *set, const ModelKind *kind, Error *err);

#endif
