#include "training_windows.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../io/text.h"
#include "model_file.h"

bool training_windows_path(const char *model_path, char *out, size_t size)
{
    const char *suffix = ".safetensors";
    size_t len = strlen(model_path), n_suffix = strlen(suffix);
    if (len > n_suffix && strcmp(model_path + len - n_suffix, suffix) == 0)
        len -= n_suffix;
    int n = snprintf(out, size, "%.*s.windows%s", (int)len, model_path, suffix);
    return n > 0 && (size_t)n < size;
}

static bool check_parts(const int64_t *starts, const int64_t *scored_from, size_t parts, const int32_t *keys,
                        size_t n_keys_held, int n_keys, const char *path, Error *err);

static int window_width(const Model *m)
{
    int tx, ty, stride;
    model_window_shape(m, &tx, &ty, &stride);
    return tx + ty;
}

/* The metadata's text, kept together for the writer. */
typedef struct WindowsMeta {
    char tx[16], ty[16], vocab_size[16], vocab_hash[24], params_hash[24], total[24];
} WindowsMeta;

static void hash_text(char *out, size_t size, uint64_t hash) { snprintf(out, size, "%016" PRIx64, hash); }

/* What training_windows_load would refuse is not written: a file no reader takes is worse than
 * none. ws's windows are distinct by construction. */
static bool check_writable(const WindowSet *ws, const char *path, int width, int n_keys, Error *err)
{
    if (ws->width != width)
        return error_set(err, "%s: windows of %d keys; the model's are %d", path, ws->width, width);
    if (ws->n == 0)
        return error_set(err, "%s: no windows to write (a training windows file holds at least one)", path);
    uint64_t total = 0;
    for (size_t w = 0; w < ws->n; w++) {
        for (int p = 0; p < width; p++)
            if (ws->keys[w * (size_t)width + (size_t)p] >= (uint32_t)n_keys)
                return error_set(err, "%s: window %zu, position %d: key id %u outside the model's %d keys: not "
                                 "written", path, w, p + 1, ws->keys[w * (size_t)width + (size_t)p], n_keys);
        if (!(ws->count[w] >= 1 && ws->count[w] <= (float)TRAINING_WINDOWS_MAX_COUNT))
            return error_set(err, "%s: window %zu: count %g, expected 1 to 2^53: not written", path, w,
                             (double)ws->count[w]);
        if (total > UINT64_MAX - (uint64_t)ws->count[w])
            return error_set(err, "%s: window %zu: the counts' sum passes 2^64: not written", path, w);
        total += (uint64_t)ws->count[w];
    }
    return true;
}

bool training_windows_save(const Model *m, const WindowSet *ws, const char *path, Error *err)
{
    return training_windows_save_calibrated(m, ws, NULL, path, err);
}

bool training_windows_save_calibrated(const Model *m, const WindowSet *ws, const CalibrationParts *cp,
                                      const char *path, Error *err)
{
    int tx, ty, stride, n_keys;
    model_window_shape(m, &tx, &ty, &stride);
    model_key_names(m, &n_keys);
    if (!check_writable(ws, path, tx + ty, n_keys, err))
        return false;
    int32_t *keys = malloc((ws->n * (size_t)ws->width + 1) * sizeof *keys);
    int64_t *counts = malloc((ws->n + 1) * sizeof *counts);
    if (!keys || !counts) {
        free(keys), free(counts);
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    }
    uint64_t total = 0;
    for (size_t i = 0; i < ws->n * (size_t)ws->width; i++)
        keys[i] = (int32_t)ws->keys[i];
    for (size_t w = 0; w < ws->n; w++)
        total += (uint64_t)(counts[w] = (int64_t)ws->count[w]);
    WindowsMeta text;
    snprintf(text.tx, sizeof text.tx, "%d", tx);
    snprintf(text.ty, sizeof text.ty, "%d", ty);
    snprintf(text.vocab_size, sizeof text.vocab_size, "%d", n_keys);
    hash_text(text.vocab_hash, sizeof text.vocab_hash, model_vocab_hash(m));
    hash_text(text.params_hash, sizeof text.params_hash, model_params_hash(m));
    snprintf(text.total, sizeof text.total, "%" PRIu64, total);
    const char *meta_keys[] = {"format", "version", "model", "tx", "ty", "vocab_size", "vocab_hash", "params_hash",
                               "total"};
    const char *meta_values[] = {TRAINING_WINDOWS_FORMAT, TRAINING_WINDOWS_VERSION, model_kind_name(m), text.tx,
                                 text.ty, text.vocab_size, text.vocab_hash, text.params_hash, text.total};
    StTensor tensors[5] = {
        {.name = "windows", .ndim = 2, .shape = {(int64_t)ws->n, ws->width}, .numel = ws->n * (size_t)ws->width,
         .i32 = keys, .dtype = ST_I32},
        {.name = "counts", .ndim = 1, .shape = {(int64_t)ws->n}, .numel = ws->n, .i64 = counts, .dtype = ST_I64},
    };
    size_t n_tensors = 2;
    bool ok = true;
    if (cp && cp->n > 0) {
        size_t n_keys_held = (size_t)cp->starts[cp->n];
        ok = check_parts(cp->starts, cp->scored_from, cp->n, cp->keys, n_keys_held, n_keys, path, err);
        tensors[n_tensors++] = (StTensor){.name = "calibration_keys", .ndim = 1, .shape = {(int64_t)n_keys_held},
                                          .numel = n_keys_held, .i32 = cp->keys, .dtype = ST_I32};
        tensors[n_tensors++] = (StTensor){.name = "calibration_starts", .ndim = 1, .shape = {(int64_t)cp->n + 1},
                                          .numel = cp->n + 1, .i64 = cp->starts, .dtype = ST_I64};
        tensors[n_tensors++] = (StTensor){.name = "calibration_scored_from", .ndim = 1, .shape = {(int64_t)cp->n},
                                          .numel = cp->n, .i64 = cp->scored_from, .dtype = ST_I64};
    }
    ok = ok && safetensors_save(path, tensors, n_tensors, meta_keys, meta_values,
                                sizeof meta_keys / sizeof meta_keys[0], err);
    free(keys);
    free(counts);
    return ok;
}

bool training_windows_known(const Model *m, const WindowSet *all, WindowSet *known, size_t *skipped, Error *err)
{
    int n_keys;
    model_key_names(m, &n_keys);
    window_set_init(known, all->width);
    *skipped = 0;
    for (size_t w = 0; w < all->n; w++) {
        const uint32_t *keys = all->keys + w * (size_t)all->width;
        bool all_known = true;
        for (int p = 0; p < all->width && all_known; p++)
            all_known = keys[p] < (uint32_t)n_keys;
        if (!all_known) {
            *skipped += (size_t)all->count[w];
            continue;
        }
        size_t at;
        if (!window_set_add(known, keys, &at, err)) {
            window_set_free(known);
            return false;
        }
        known->count[at] = all->count[w]; /* all's windows are distinct: at is new, counted once */
        known->total += (size_t)all->count[w] - 1;
    }
    return true;
}

/* The file is a windows file of the version this code reads. */
static bool check_format(const SafeTensors *st, const char *path, Error *err)
{
    const char *format = safetensors_meta(st, "format"), *version = safetensors_meta(st, "version");
    if (!format || strcmp(format, TRAINING_WINDOWS_FORMAT) != 0)
        return error_set(err, "%s: not a training windows file (its metadata's \"format\" is not \"%s\")", path,
                         TRAINING_WINDOWS_FORMAT);
    if (!version || strcmp(version, TRAINING_WINDOWS_VERSION) != 0)
        return error_set(err, "%s: training windows file version %s; this traceaid reads version %s", path,
                         version ? version : "(none)", TRAINING_WINDOWS_VERSION);
    return true;
}

/* A metadata number the file must hold: the writer always writes it, so none is a damaged file
 * (no option can stand in for it, as for a model's). */
static bool meta_count(const SafeTensors *st, const char *path, const char *key, int *value, Error *err)
{
    const char *text = safetensors_meta(st, key);
    if (!text)
        return error_set(err, "%s: no \"%s\" in its metadata, which a training windows file always has: the file "
                         "is damaged", path, key);
    int64_t parsed;
    if (!text_parse_int64(text, strlen(text), &parsed) || parsed < 1 || parsed > 1000000)
        return error_set(err, "%s: metadata \"%s\" is '%s', not a positive integer", path, key, text);
    *value = (int)parsed;
    return true;
}

/* Written for a model of m's kind, window shape and vocabulary. */
static bool check_model(const SafeTensors *st, const char *path, const Model *m, Error *err)
{
    const char *kind = safetensors_meta(st, "model"), *vocab_hash = safetensors_meta(st, "vocab_hash");
    int tx, ty, stride, n_keys, file_tx, file_ty, file_keys;
    model_window_shape(m, &tx, &ty, &stride);
    model_key_names(m, &n_keys);
    if (!meta_count(st, path, "tx", &file_tx, err) || !meta_count(st, path, "ty", &file_ty, err) ||
        !meta_count(st, path, "vocab_size", &file_keys, err))
        return false;
    if (!kind || strcmp(kind, model_kind_name(m)) != 0 || file_tx != tx || file_ty != ty)
        return error_set(err, "%s: windows of %d+%d keys for a %s model; the model reads %d+%d (%s): the file is "
                         "another model's", path, file_tx, file_ty, kind ? kind : "(unnamed)", tx, ty,
                         model_kind_name(m));
    char want[24];
    hash_text(want, sizeof want, model_vocab_hash(m));
    if (file_keys != n_keys)
        return error_set(err, "%s: written for a vocabulary of %d keys; the model has %d: the file is another "
                         "model's", path, file_keys, n_keys);
    if (!vocab_hash || strcmp(vocab_hash, want) != 0)
        return error_set(err, "%s: written for another vocabulary of %d keys (vocab_hash %s, the model's %s): the "
                         "file is another model's", path, n_keys, vocab_hash ? vocab_hash : "(none)", want);
    return true;
}

/* The two tensors, of their dtypes and shapes. */
static bool find_tensors(const SafeTensors *st, const char *path, int width, const StTensor **windows,
                         const StTensor **counts, Error *err)
{
    *windows = safetensors_find(st, "windows");
    *counts = safetensors_find(st, "counts");
    if (!*windows || !*counts)
        return error_set(err, "%s: no tensor %s", path, *windows ? "counts" : "windows");
    if ((*windows)->dtype != ST_I32 || (*windows)->ndim != 2 || (*windows)->shape[1] != width)
        return error_set(err, "%s: tensor windows is not I32 [n, %d]", path, width);
    if ((*counts)->dtype != ST_I64 || (*counts)->ndim != 1 || (*counts)->shape[0] != (*windows)->shape[0])
        return error_set(err, "%s: tensor counts is not I64 [%lld], a count per window", path,
                         (long long)(*windows)->shape[0]);
    return true;
}

/* At least one window, each window's keys within the vocabulary, each window once, each count
 * from 1 to TRAINING_WINDOWS_MAX_COUNT, and the counts summing (without wrapping) to the
 * metadata's total: a file damaged in its data is refused. */
static bool fill_windows(WindowSet *ws, const SafeTensors *st, const char *path, const StTensor *windows,
                         const StTensor *counts, int n_keys, uint64_t *total, Error *err)
{
    size_t n = (size_t)windows->shape[0];
    *total = 0;
    if (n == 0) /* train writes none such: a model learns from at least one window */
        return error_set(err, "%s: no windows in it (an empty training windows file)", path);
    for (size_t w = 0; w < n; w++) {
        const int32_t *window = windows->i32 + w * (size_t)ws->width;
        for (int p = 0; p < ws->width; p++)
            if (window[p] < 0 || window[p] >= n_keys)
                return error_set(err, "%s: window %zu, position %d: key id %d outside the model's %d keys", path, w,
                                 p + 1, window[p], n_keys);
        /* every id checked non-negative: the same bits read as unsigned (aliasing allows it) */
        const uint32_t *keys = (const uint32_t *)window;
        int64_t count = counts->i64[w];
        if (count < 1)
            return error_set(err, "%s: window %zu: count %lld, expected at least 1", path, w, (long long)count);
        if (count > TRAINING_WINDOWS_MAX_COUNT)
            return error_set(err, "%s: window %zu: count %lld, above the most a file holds (2^53): the file is "
                             "damaged", path, w, (long long)count);
        if (*total > UINT64_MAX - (uint64_t)count)
            return error_set(err, "%s: window %zu: the counts' sum passes 2^64: the file is damaged", path, w);
        size_t at;
        if (!window_set_add(ws, keys, &at, err))
            return false;
        if (at != w)
            return error_set(err, "%s: window %zu repeats window %zu", path, w, at);
        ws->count[w] = (float)count;
        ws->total += (size_t)count - 1;
        *total += (uint64_t)count;
    }
    const char *said = safetensors_meta(st, "total");
    int64_t said_total;
    if (!said || !text_parse_int64(said, strlen(said), &said_total) || (uint64_t)said_total != *total)
        return error_set(err, "%s: the counts sum to %llu, the metadata's total says %s", path,
                         (unsigned long long)*total, said ? said : "nothing");
    return true;
}

bool training_windows_load(const Model *m, const char *path, WindowSet *ws, TrainingWindowsInfo *info, Error *err)
{
    int width = window_width(m), n_keys;
    model_key_names(m, &n_keys);
    window_set_init(ws, width);
    memset(info, 0, sizeof *info);
    SafeTensors st;
    /* any dtype, so that a model file given by mistake is named as such, not by a tensor's dtype */
    if (!safetensors_load_dtypes(&st, path, ST_F32 | ST_I32 | ST_I64, err))
        return false;
    const StTensor *windows, *counts;
    bool ok = check_format(&st, path, err) && check_model(&st, path, m, err) &&
              find_tensors(&st, path, width, &windows, &counts, err) &&
              fill_windows(ws, &st, path, windows, counts, n_keys, &info->total, err);
    if (ok) {
        char want[24];
        const char *params_hash = safetensors_meta(&st, "params_hash");
        hash_text(want, sizeof want, model_params_hash(m));
        info->same_params = params_hash && strcmp(params_hash, want) == 0;
    } else {
        window_set_free(ws);
    }
    safetensors_free(&st);
    return ok;
}

bool calibration_parts_add(CalibrationParts *cp, const Trace *t, size_t scored_from, size_t segment,
                           size_t context, Error *err)
{
    size_t back = segment * (context > segment ? (context + segment - 1) / segment : 1);
    size_t from = scored_from >= back ? scored_from - back : 0, n = t->n_events - from;
    if (cp->n + 2 > cp->cap_parts) {
        size_t cap = cp->cap_parts ? cp->cap_parts * 2 : 8;
        int64_t *starts = realloc(cp->starts, cap * sizeof *starts);
        if (starts)
            cp->starts = starts;
        int64_t *scored = starts ? realloc(cp->scored_from, cap * sizeof *scored) : NULL;
        if (!scored)
            return error_nomem(err);
        cp->scored_from = scored;
        cp->cap_parts = cap;
        if (cp->n == 0)
            cp->starts[0] = 0;
    }
    size_t used = (size_t)cp->starts[cp->n];
    if (used + n > cp->cap_keys) {
        size_t cap = (used + n) * 2;
        int32_t *keys = realloc(cp->keys, cap * sizeof *keys);
        if (!keys)
            return error_nomem(err);
        cp->keys = keys;
        cp->cap_keys = cap;
    }
    for (size_t e = 0; e < n; e++)
        cp->keys[used + e] = (int32_t)t->key_id[from + e];
    cp->scored_from[cp->n] = (int64_t)(scored_from - from);
    cp->starts[++cp->n] = (int64_t)(used + n);
    return true;
}

void calibration_parts_free(CalibrationParts *cp)
{
    free(cp->starts), free(cp->scored_from), free(cp->keys);
    memset(cp, 0, sizeof *cp);
}

/* Parts in order from 0 to n_keys_held, each scored from within it, every key within the model's
 * n_keys: what the reader takes, and so what the writer writes. */
static bool check_parts(const int64_t *starts, const int64_t *scored_from, size_t parts, const int32_t *keys,
                        size_t n_keys_held, int n_keys, const char *path, Error *err)
{
    if (starts[0] != 0 || starts[parts] != (int64_t)n_keys_held)
        return error_set(err, "%s: calibration_starts does not run from 0 to the %zu calibration keys", path,
                         n_keys_held);
    for (size_t p = 0; p < parts; p++)
        if (starts[p + 1] <= starts[p] || scored_from[p] < 0 || scored_from[p] >= starts[p + 1] - starts[p])
            return error_set(err, "%s: calibration part %zu: its start or where it is scored from is out of order",
                             path, p);
    for (size_t k = 0; k < n_keys_held; k++)
        if (keys[k] < 0 || keys[k] >= n_keys)
            return error_set(err, "%s: calibration key %zu: id %d outside the model's %d keys", path, k, keys[k],
                             n_keys);
    return true;
}

/* The three tensors, of their dtypes and shapes, their numbers in order and within the model's
 * keys: a damaged file is refused, naming it. */
static bool fill_parts(CalibrationParts *cp, const SafeTensors *st, const char *path, int n_keys, Error *err)
{
    const StTensor *keys = safetensors_find(st, "calibration_keys"), *starts = safetensors_find(st, "calibration_starts"),
                   *scored = safetensors_find(st, "calibration_scored_from");
    if (!keys && !starts && !scored)
        return true;
    if (!keys || !starts || !scored || keys->dtype != ST_I32 || keys->ndim != 1 || starts->dtype != ST_I64 ||
        starts->ndim != 1 || scored->dtype != ST_I64 || scored->ndim != 1 || starts->shape[0] < 2 ||
        scored->shape[0] != starts->shape[0] - 1)
        return error_set(err, "%s: tensors calibration_keys (I32 [n]), calibration_starts (I64 [parts + 1]) and "
                         "calibration_scored_from (I64 [parts]) are not all there as such: the file is damaged", path);
    size_t parts = (size_t)scored->shape[0];
    if (!check_parts(starts->i64, scored->i64, parts, keys->i32, (size_t)keys->shape[0], n_keys, path, err))
        return false;
    cp->n = cp->cap_parts = parts;
    cp->cap_keys = keys->numel;
    cp->starts = malloc((parts + 1) * sizeof *cp->starts);
    cp->scored_from = malloc(parts * sizeof *cp->scored_from);
    cp->keys = malloc((keys->numel + 1) * sizeof *cp->keys);
    if (!cp->starts || !cp->scored_from || !cp->keys) {
        calibration_parts_free(cp);
        return error_nomem(err);
    }
    memcpy(cp->starts, starts->i64, (parts + 1) * sizeof *cp->starts);
    memcpy(cp->scored_from, scored->i64, parts * sizeof *cp->scored_from);
    memcpy(cp->keys, keys->i32, keys->numel * sizeof *cp->keys);
    return true;
}

bool training_windows_load_calibration(const Model *m, const char *path, CalibrationParts *cp, Error *err)
{
    int n_keys;
    model_key_names(m, &n_keys);
    memset(cp, 0, sizeof *cp);
    SafeTensors st;
    if (!safetensors_load_dtypes(&st, path, ST_F32 | ST_I32 | ST_I64, err))
        return false;
    bool ok = check_format(&st, path, err) && check_model(&st, path, m, err) && fill_parts(cp, &st, path, n_keys, err);
    safetensors_free(&st);
    return ok;
}

void training_windows_name_misgiven(const char *path, Error *err)
{
    SafeTensors st;
    Error ignored = {0};
    if (!safetensors_load_dtypes(&st, path, ST_F32 | ST_I32 | ST_I64, &ignored))
        return;
    const char *format = safetensors_meta(&st, "format");
    if (format && strcmp(format, TRAINING_WINDOWS_FORMAT) == 0)
        error_set(err, "%s is a training windows file, not a model (give the model beside it)", path);
    safetensors_free(&st);
}

bool training_nearest_load(TrainingNearest *tn, const Model *m, char *note, size_t note_size, Error *err)
{
    memset(tn, 0, sizeof *tn);
    note[0] = '\0';
    char path[4096];
    struct stat info;
    if (!model_path(m) || !training_windows_path(model_path(m), path, sizeof path) ||
        (stat(path, &info) != 0 && errno == ENOENT))
        return true;
    TrainingWindowsInfo about;
    Error why = {0};
    if (!training_windows_load(m, path, &tn->windows, &about, &why)) {
        if (why.code == ERROR_NOMEM)
            return error_set_code(err, ERROR_NOMEM, "%s", why.msg);
        snprintf(note, note_size, "%s; no nearest normal window", why.msg);
        return true;
    }
    if (!about.same_params) {
        snprintf(note, note_size, "%s: written for other weights of this model (trained again since?); no nearest "
                 "normal window", path);
        window_set_free(&tn->windows);
        return true;
    }
    int n_keys;
    model_key_names(m, &n_keys);
    if (!nearest_index_build(&tn->index, &tn->windows, (uint32_t)n_keys, err)) {
        window_set_free(&tn->windows);
        return false;
    }
    tn->ready = true;
    return true;
}

void training_nearest_free(TrainingNearest *tn)
{
    if (tn->ready)
        nearest_index_free(&tn->index);
    window_set_free(&tn->windows);
    tn->ready = false;
}
