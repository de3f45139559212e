#include "model_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/json.h"

char *model_vocab_json(char *const *names, int n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    fputc('[', out);
    for (int k = 0; k < n; k++) {
        fputs(k ? "," : "", out);
        json_write_string(out, names[k]);
    }
    fputc(']', out);
    fclose(out);
    return text;
}

bool model_read_vocab(const SafeTensors *st, const char *path, char **names, int n, Error *err)
{
    const char *text = safetensors_meta(st, "vocab");
    if (!text)
        return true;
    JsonDoc doc;
    if (!json_parse(&doc, text, strlen(text), path, err))
        return error_prefix(err, "metadata vocab: ");
    bool ok = doc.root->type == JSON_ARRAY && doc.root->length == (size_t)n;
    for (size_t k = 0; ok && k < doc.root->length; k++)
        ok = doc.root->items[k].type == JSON_STRING;
    if (!ok)
        error_set(err, "%s: metadata vocab must be an array of %d key names, as many as the output "
                  "layer has rows", path, n);
    for (size_t k = 0; ok && k < doc.root->length; k++) {
        char *name = strdup(doc.root->items[k].string);
        if (!name) {
            ok = error_set_code(err, ERROR_NOMEM, "out of memory");
            break;
        }
        free(names[k]);
        names[k] = name;
    }
    json_free(&doc);
    return ok;
}

bool model_meta_int(const SafeTensors *st, const char *path, const char *key, int fallback,
                    int *value, Error *err)
{
    const char *text = safetensors_meta(st, key);
    if (!text) {
        if (fallback <= 0)
            return error_set(err, "%s: no \"%s\" in the metadata; give it as an option", path, key);
        *value = fallback;
        return true;
    }
    char *end;
    long parsed = strtol(text, &end, 10);
    if (*end || end == text || parsed < 1 || parsed > 1000000)
        return error_set(err, "%s: metadata \"%s\" is '%s', not a positive integer", path, key, text);
    *value = (int)parsed;
    return true;
}

static bool meta_float(const SafeTensors *st, const char *path, const char *key, float *value,
                       bool *present, Error *err)
{
    const char *text = safetensors_meta(st, key);
    *present = text != NULL;
    if (!text)
        return true;
    char *end;
    double parsed = strtod(text, &end);
    if (*end || end == text || !(parsed >= 0 && parsed < 1e9))
        return error_set(err, "%s: metadata \"%s\" is '%s', not a non-negative number", path, key, text);
    *value = (float)parsed;
    return true;
}

/* An enumerated field's name, or absent (the default stays). */
static bool meta_name(const SafeTensors *st, const char *path, const char *key, bool (*parse)(const char *, void *),
                      const char *expected, void *value, Error *err)
{
    const char *text = safetensors_meta(st, key);
    if (text && !parse(text, value))
        return error_set(err, "%s: metadata \"%s\" is '%s', not %s", path, key, text, expected);
    return true;
}

static bool parse_score(const char *text, void *value) { return score_rule_parse(text, value); }
static bool parse_threshold_rule(const char *text, void *value) { return threshold_rule_parse(text, value); }

/* "smooth" may be 0, which model_meta_int refuses. */
static bool meta_smooth(const SafeTensors *st, const char *path, int *smooth, Error *err)
{
    const char *text = safetensors_meta(st, "smooth");
    if (!text)
        return true;
    char *end;
    long parsed = strtol(text, &end, 10);
    if (*end || end == text || parsed < 0 || parsed > CALIBRATION_MAX_SMOOTH)
        return error_set(err, "%s: metadata \"smooth\" is '%s', not an integer from 0 to %d", path, text,
                         CALIBRATION_MAX_SMOOTH);
    *smooth = (int)parsed;
    return true;
}

/* Fields a file leaves out keep cal's values (CALIBRATION_DEFAULT: today's rules). */
bool model_read_calibration(const SafeTensors *st, const char *path, Calibration *cal, Error *err)
{
    bool present;
    if (safetensors_meta(st, "segment") && !model_meta_int(st, path, "segment", 0, &cal->segment, err))
        return false;
    bool ok = meta_float(st, path, "k", &cal->k, &present, err) &&
              meta_float(st, path, "threshold", &cal->threshold, &cal->calibrated, err) &&
              meta_name(st, path, "score", parse_score, "miss or nll", &cal->score, err) &&
              meta_smooth(st, path, &cal->smooth, err) &&
              meta_name(st, path, "threshold_rule", parse_threshold_rule, "std or quantile", &cal->threshold_rule,
                        err) &&
              meta_float(st, path, "quantile", &cal->quantile, &present, err) &&
              meta_float(st, path, "margin", &cal->margin, &present, err);
    if (ok && cal->quantile > 1)
        ok = error_set(err, "%s: metadata \"quantile\" is %g, not a share from 0 to 1", path, cal->quantile);
    return ok;
}

void model_calibration_meta(const Calibration *cal, CalibrationText *text, const char **keys,
                            const char **values, size_t *n)
{
    snprintf(text->segment, sizeof text->segment, "%d", cal->segment);
    snprintf(text->k, sizeof text->k, "%.9g", cal->k);
    snprintf(text->threshold, sizeof text->threshold, "%.9g", cal->threshold);
    snprintf(text->smooth, sizeof text->smooth, "%d", cal->smooth);
    snprintf(text->quantile, sizeof text->quantile, "%.9g", cal->quantile);
    snprintf(text->margin, sizeof text->margin, "%.9g", cal->margin);
    keys[*n] = "segment", values[(*n)++] = text->segment;
    keys[*n] = "score", values[(*n)++] = score_rule_name(cal->score);
    keys[*n] = "smooth", values[(*n)++] = text->smooth;
    keys[*n] = "threshold_rule", values[(*n)++] = threshold_rule_name(cal->threshold_rule);
    keys[*n] = "k", values[(*n)++] = text->k;
    keys[*n] = "quantile", values[(*n)++] = text->quantile;
    keys[*n] = "margin", values[(*n)++] = text->margin;
    if (cal->calibrated)
        keys[*n] = "threshold", values[(*n)++] = text->threshold;
}

bool model_copy_tensors(const SafeTensors *st, const char *path, const StTensor *want, size_t n,
                        Error *err)
{
    for (size_t i = 0; i < n; i++) {
        const StTensor *t = safetensors_expect(st, path, want[i].name, want[i].ndim, want[i].shape, err);
        if (!t)
            return false;
        memcpy(want[i].data, t->data, t->numel * sizeof(float));
    }
    return true;
}

bool model_read_learned_windows(const SafeTensors *st, const char *path, uint64_t *n, Error *err)
{
    const char *text = safetensors_meta(st, "learned_windows");
    *n = 0;
    if (!text)
        return true;
    bool ok = *text != '\0';
    for (const char *c = text; ok && *c; c++) {
        unsigned digit = (unsigned)(*c - '0');
        ok = digit <= 9 && *n <= (UINT64_MAX - digit) / 10;
        *n = *n * 10 + digit;
    }
    if (!ok)
        return error_set(err, "%s: metadata \"learned_windows\" is '%s', not a count", path, text);
    return true;
}

char **model_vocab_grown(char **names, int n, const char *const *new_names, int n_new)
{
    char **grown = calloc((size_t)n + (size_t)n_new, sizeof *grown);
    for (int i = 0; grown && i < n_new; i++)
        if (!(grown[n + i] = strdup(new_names[i]))) {
            for (int j = 0; j < i; j++)
                free(grown[n + j]);
            free(grown);
            return NULL;
        }
    if (grown && n)
        memcpy(grown, names, (size_t)n * sizeof *grown);
    return grown;
}

bool model_grow_block(const TensorTable *old, const float *params, const TensorTable *grown, char **names, int n_keys,
                      const char *const *new_names, int n_new, uint64_t seed, float **grown_params,
                      char ***grown_names, Error *err)
{
    *grown_params = malloc(grown->n_params * sizeof **grown_params);
    *grown_names = *grown_params ? model_vocab_grown(names, n_keys, new_names, n_new) : NULL;
    if (!*grown_names) {
        free(*grown_params);
        return error_set_code(err, ERROR_NOMEM, "out of memory for a model of %zu parameters", grown->n_params);
    }
    tensor_table_grow(old, params, grown, *grown_params, seed);
    return true;
}
