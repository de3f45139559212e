/* The types of the options that shape or tune a model, with the ranges the models accept, so a
 * value outside is refused naming its option before a model is built or loaded. */
#ifndef TRACEAID_MODEL_RANGES_H
#define TRACEAID_MODEL_RANGES_H

#include "../model/deeplog.h"
#include "args.h"

#define ARG_WINDOW ARG_UINT(1, 1000)                /* deeplog_config_check */
#define ARG_TOP_G ARG_UINT(1, 1000000)              /* the most keys a model has; it checks its own */
#define ARG_LAYERS ARG_UINT(1, DEEPLOG_MAX_LAYERS)
#define ARG_UNITS ARG_UINT(1, 4096)                 /* hidden, embedding and attention sizes */
#define ARG_STEPS ARG_UINT(1, 64)                   /* seq2seq Tx, Ty: seq2seq_config_check */
#define ARG_STRIDE ARG_UINT(1, 100000)              /* seq2seq_config_check */
#define ARG_SEGMENT ARG_UINT(1, 1000000)            /* what a model file's "segment" may hold */
#define ARG_K ARG_FLOAT(0, 100)                     /* threshold = mean + K std */

#endif
