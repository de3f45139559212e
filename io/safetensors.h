/* safetensors files: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data. Models hold F32 tensors only;
 * a model's training windows (model/training_windows.h) hold I32 keys and I64 counts.
 * Tensor names and layouts follow PyTorch's state_dict, so files move both ways. */
#ifndef TRACEAID_SAFETENSORS_H
#define TRACEAID_SAFETENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ST_MAX_DIMS 4
#define ST_MAX_HEADER (64u << 20)

/* The element types read and written; bits, so a reader can say which it accepts. */
typedef enum StDtype {
    ST_F32 = 1u << 0,
    ST_I32 = 1u << 1,
    ST_I64 = 1u << 2,
} StDtype;

typedef struct StTensor {
    char *name;
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    size_t numel;
    union {                     /* by dtype */
        float *data;
        int32_t *i32;
        int64_t *i64;
    };
    StDtype dtype;              /* 0 is F32, so a tensor made without it is a float one */
} StTensor;

typedef struct SafeTensors {
    StTensor *tensors;
    size_t n_tensors;
    char **meta_keys, **meta_values;    /* __metadata__: strings only, as the format says */
    size_t n_meta;
} SafeTensors;

/* Reads path; a truncated file, a header out of bounds, a dtype other than F32, a shape that
 * does not match its byte range or whose size overflows, ranges that overlap, leave a gap or do
 * not reach the end (the tensors must tile the data), a name given twice or a NaN/Inf value is
 * refused with the file and the tensor named. */
bool safetensors_load(SafeTensors *st, const char *path, Error *err);
/* The same, accepting the dtypes of the mask (ST_F32 | ST_I32 ...); NaN and Inf are checked in
 * F32 tensors only. */
bool safetensors_load_dtypes(SafeTensors *st, const char *path, unsigned dtypes, Error *err);
void safetensors_free(SafeTensors *st);
const StTensor *safetensors_find(const SafeTensors *st, const char *name);
/* The tensor named name with exactly the shape given (ndim dims), or NULL with err naming it. */
const StTensor *safetensors_expect(const SafeTensors *st, const char *path, const char *name,
                                   int ndim, const int64_t *shape, Error *err);
const char *safetensors_meta(const SafeTensors *st, const char *key);

/* Writes the tensors (in order, each by its dtype) and metadata through a temporary file
 * renamed into place. */
bool safetensors_save(const char *path, const StTensor *tensors, size_t n_tensors,
                      const char *const *meta_keys, const char *const *meta_values, size_t n_meta,
                      Error *err);

#endif
