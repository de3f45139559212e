/* Loading traces against a model's vocabulary, so that key ids match the model's. */
#ifndef TRACEAID_MODEL_VOCAB_H
#define TRACEAID_MODEL_VOCAB_H

#include "../model/deeplog.h"
#include "args.h"

/* Starts set's vocabulary with the model's key names in id order; keys the model does not
 * know then get ids from K up. */
bool model_vocab_seed(TraceSet *set, char *const *key_names, int n_keys, Error *err);

#endif
