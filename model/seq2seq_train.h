/* Training the seq2seq model on windows of clean traces. */
#ifndef TRACEAID_SEQ2SEQ_TRAIN_H
#define TRACEAID_SEQ2SEQ_TRAIN_H

#include "../io/trace.h"
#include "seq2seq.h"
#include "train.h"
#include "windows.h"

/* ws holds windows of tx + ty keys: the inputs, then the keys to predict. */
bool seq2seq_train(Seq2Seq *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report,
                   Error *err);
/* Adds every run of tx + ty keys of t[first, last) (in model ids, unknown keys as UNK). */
bool seq2seq_add_windows(const Seq2Seq *m, const Trace *t, size_t first, size_t last, WindowSet *ws,
                         Error *err);

#endif
