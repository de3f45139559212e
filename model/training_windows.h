/* A model's training windows, in a file beside the model: every distinct window it trained on
 * (the keys read and the keys predicted, in its key ids) with how often it occurred. `train`
 * writes it; `explain` and the explorer find the nearest normal window of the training data in
 * it; `update` (core/update.h) replays it so that a model does not forget what it learned, and
 * sets the threshold again on the held-back parts it keeps. The model file itself stays as
 * PyTorch reads it. docs/MODEL_FORMAT.md describes the file. */
#ifndef TRACEAID_TRAINING_WINDOWS_H
#define TRACEAID_TRAINING_WINDOWS_H

#include "model.h"
#include "nearest.h"

#define TRAINING_WINDOWS_FORMAT "traceaid-training-windows"
#define TRAINING_WINDOWS_VERSION "1"
/* A count above this is a damaged file: exact in a double, more than any trace holds. */
#define TRAINING_WINDOWS_MAX_COUNT ((int64_t)1 << 53)

/* The held-back parts of the traces train calibrated the model on, kept in the windows file so
 * that `update` can score them again with the updated model and set its threshold by the model's
 * own rule. A part is the keys (model ids) of a trace from one segment before its held-back part
 * to its end: the keys before scored_from are context only (DeepLog's first window, seq2seq's
 * inputs), the segment grid of the trace kept. Absent from files of models train did not
 * calibrate (session files: HDFS) and from older files. */
typedef struct CalibrationParts {
    size_t n;                   /* parts, one per trace */
    int64_t *starts;            /* n + 1: part p is keys[starts[p], starts[p + 1]) */
    int64_t *scored_from;       /* n: where in its part the held-back part begins */
    int32_t *keys;
    size_t cap_parts, cap_keys;
} CalibrationParts;

/* Appends the part of t from before scored_from to its end, held back from scored_from on: it
 * starts whole segments earlier (at least one, or 0), enough to hold context events, the events
 * the first scored segment's score reads before it (the keys a window reads, the segments
 * smoothing reaches back to), so that the part scores as it did in its trace. */
bool calibration_parts_add(CalibrationParts *cp, const Trace *t, size_t scored_from, size_t segment,
                           size_t context, Error *err);
void calibration_parts_free(CalibrationParts *cp);

/* Where a model's windows lie: the model's path less a final ".safetensors", then
 * ".windows.safetensors" (m.safetensors: m.windows.safetensors). False when it does not fit. */
bool training_windows_path(const char *model_path, char *out, size_t size);

/* Writes ws (windows of the model's tx + ty keys) for m, through a temporary file renamed into
 * place. */
bool training_windows_save(const Model *m, const WindowSet *ws, const char *path, Error *err);

/* The same with the calibration parts (cp NULL or empty: none, as training_windows_save). */
bool training_windows_save_calibrated(const Model *m, const WindowSet *ws, const CalibrationParts *cp,
                                      const char *path, Error *err);
/* The calibration parts of a windows file (none: cp->n 0), checked against the model: ids within
 * its keys, parts in order. The file must be one training_windows_load takes. */
bool training_windows_load_calibration(const Model *m, const char *path, CalibrationParts *cp, Error *err);

/* The windows of all whose every key the model knows (ids below its n_keys), with their counts,
 * into known (initialised here): DeepLog's windows hold a key it does not know as an id past its
 * vocabulary, which no windows file may hold. *skipped gets the occurrences left out. */
bool training_windows_known(const Model *m, const WindowSet *all, WindowSet *known, size_t *skipped, Error *err);

/* What a windows file says of the model it was written for. */
typedef struct TrainingWindowsInfo {
    bool same_params;           /* written for these very weights (not a model trained since) */
    uint64_t total;             /* occurrences, Σ counts */
} TrainingWindowsInfo;

/* Reads path into ws, refusing (naming the file) a file that is not a windows file, is
 * corrupt, or was written for a model of another kind, window shape or vocabulary. Other
 * weights of the same model are not refused: info->same_params tells (a replay could use them, a
 * nearest window shown as "of the training data" should not). */
bool training_windows_load(const Model *m, const char *path, WindowSet *ws, TrainingWindowsInfo *info, Error *err);

/* After a model reader refused path: when path is a training windows file, err says so instead
 * of naming a tensor's dtype ("FILE is a training windows file, not a model (give the model
 * beside it)"); otherwise err is left as it is. */
void training_windows_name_misgiven(const char *path, Error *err);

/* The nearest-window index over the training windows of the model m was read from. */
typedef struct TrainingNearest {
    WindowSet windows;
    NearestIndex index;
    bool ready;                 /* index holds the model's own training windows */
} TrainingNearest;

/* Builds tn from the windows file beside m's file. No file (a model trained elsewhere, or never
 * given one), or a model not read from a file, leaves tn not ready and note empty; a file that is
 * not m's (another model, other weights, corrupt) leaves it not ready and says why in note. False
 * only when memory runs out. */
bool training_nearest_load(TrainingNearest *tn, const Model *m, char *note, size_t note_size, Error *err);
void training_nearest_free(TrainingNearest *tn);

#endif
