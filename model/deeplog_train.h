/* Training a DeepLog model on windows of normal sessions. */
#ifndef TRACEAID_DEEPLOG_TRAIN_H
#define TRACEAID_DEEPLOG_TRAIN_H

#include "deeplog.h"
#include "train.h"
#include "windows.h"

/* ws holds windows of window + 1 keys: the inputs and the next key. */
bool deeplog_train(DeepLog *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report,
                   Error *err);

#endif
