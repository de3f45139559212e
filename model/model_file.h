/* What every model file's metadata shares: the vocabulary as a JSON array, integer and number
 * fields, and the calibration (docs/MODEL_FORMAT.md). */
#ifndef TRACEAID_MODEL_FILE_H
#define TRACEAID_MODEL_FILE_H

#include <stdint.h>

#include "../io/safetensors.h"
#include "calibration.h"
#include "tensor_table.h"

/* names as a JSON array of strings (malloc'd), or NULL when memory runs out */
char *model_vocab_json(char *const *names, int n);
/* Replaces names[0..n) with the metadata's "vocab", when present; it must hold n names. */
bool model_read_vocab(const SafeTensors *st, const char *path, char **names, int n, Error *err);
/* The metadata integer key, or fallback when absent (fallback <= 0: it is required). */
bool model_meta_int(const SafeTensors *st, const char *path, const char *key, int fallback,
                    int *value, Error *err);
/* Reads the calibration's fields the metadata holds; the others keep cal's values. */
bool model_read_calibration(const SafeTensors *st, const char *path, Calibration *cal, Error *err);

/* The metadata's "learned_windows", a decimal count; 0 when absent. */
bool model_read_learned_windows(const SafeTensors *st, const char *path, uint64_t *n, Error *err);
/* names[0..n) then copies of new_names[0..n_new), in a new array (the old array is to be freed,
 * not its names); NULL, names untouched, when memory runs out. */
char **model_vocab_grown(char **names, int n, const char *const *new_names, int n_new);

/* What a kind's grow makes before it lays its views: the parameter block of the grown tensor table
 * (every old tensor copied into its leading rows and columns, the rest initialised from seed,
 * tensor_table_grow) and the grown vocabulary (model_vocab_grown). On failure nothing is left
 * allocated and the model is untouched. */
bool model_grow_block(const TensorTable *old, const float *params, const TensorTable *grown, char **names, int n_keys,
                      const char *const *new_names, int n_new, uint64_t seed, float **grown_params,
                      char ***grown_names, Error *err);

/* Copies each wanted tensor's data from the file, checking its name and shape. */
bool model_copy_tensors(const SafeTensors *st, const char *path, const StTensor *want, size_t n,
                        Error *err);

/* Metadata entries for a calibration, appended at keys[*n], values[*n]; bufs holds the text. */
typedef struct CalibrationText {
    char segment[16], k[32], threshold[32], smooth[16], quantile[32], margin[32];
} CalibrationText;
/* The most entries model_calibration_meta appends. */
#define CALIBRATION_META_MAX 8
void model_calibration_meta(const Calibration *cal, CalibrationText *text, const char **keys,
                            const char **values, size_t *n);

#endif
