/* The model kinds in one table, and the calls that go through it. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training_windows.h"

extern const ModelKind deeplog_kind;
extern const ModelKind seq2seq_kind;

/* Adding a kind: its files, and a row here. */
static const ModelKind *const kinds[] = {&deeplog_kind, &seq2seq_kind};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

const ModelKind *model_kind_at(size_t i) { return i < N_KINDS ? kinds[i] : NULL; }

const ModelKind *model_kind_find(const char *name)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}

void model_kind_names(char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < N_KINDS; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? ", " : "", kinds[i]->name);
}

static const ModelKind *detect_kind(const SafeTensors *st, const char *path, Error *err)
{
    const char *name = safetensors_meta(st, "model");
    char known[128];
    model_kind_names(known, sizeof known);
    if (name) {
        const ModelKind *kind = model_kind_find(name);
        if (!kind)
            error_set(err, "%s: model kind '%s' is not one traceaid knows (%s)", path, name, known);
        return kind;
    }
    for (size_t i = 0; i < N_KINDS; i++)
        if (safetensors_find(st, kinds[i]->marker_tensor))
            return kinds[i];
    char markers[256] = "";
    for (size_t i = 0; i < N_KINDS; i++)
        snprintf(markers + strlen(markers), sizeof markers - strlen(markers), "%s%s for %s", i ? ", " : "",
                 kinds[i]->marker_tensor, kinds[i]->name);
    error_set(err, "%s: no \"model\" in its metadata and no tensor that tells the kind (%s)", path, markers);
    return NULL;
}

static bool model_alloc(Model *m, const ModelKind *kind, Error *err)
{
    m->kind = kind;
    m->state = calloc(1, kind->state_size);
    return m->state || error_set_code(err, ERROR_NOMEM, "out of memory");
}

bool model_create(Model *m, const ModelKind *kind, const ModelHyper *hp, const char *const *key_names,
                  int n_keys, uint64_t seed, Error *err)
{
    memset(m, 0, sizeof *m);
    if (!model_alloc(m, kind, err))
        return false;
    if (kind->create(m->state, hp, key_names, n_keys, seed, err))
        return true;
    free(m->state);
    memset(m, 0, sizeof *m);
    return false;
}

bool model_from_safetensors(Model *m, const SafeTensors *st, const char *path, const ModelLoadDefaults *d,
                            Error *err)
{
    memset(m, 0, sizeof *m);
    const ModelKind *kind = detect_kind(st, path, err);
    if (kind && model_alloc(m, kind, err) && kind->load(m->state, st, path, d, err)) {
        m->path = strdup(path);
        if (m->path)
            return true;
        kind->free(m->state);
        error_set_code(err, ERROR_NOMEM, "out of memory");
    }
    free(m->state);
    memset(m, 0, sizeof *m);
    return false;
}

bool model_load(Model *m, const char *path, const ModelLoadDefaults *d, Error *err)
{
    memset(m, 0, sizeof *m);
    SafeTensors st;
    if (!safetensors_load(&st, path, err)) {
        if (!err || err->code != ERROR_NOMEM)
            training_windows_name_misgiven(path, err);
        return false;
    }
    bool ok = model_from_safetensors(m, &st, path, d, err);
    safetensors_free(&st);
    return ok;
}

bool model_save(const Model *m, const char *path, Error *err) { return m->kind->save(m->state, path, err); }

void model_free(Model *m)
{
    if (m->kind && m->state)
        m->kind->free(m->state);
    free(m->state);
    free(m->path);
    memset(m, 0, sizeof *m);
}

const char *model_kind_name(const Model *m) { return m->kind->name; }
void model_describe(const Model *m, char *out, size_t size) { m->kind->describe(m->state, out, size); }

char *const *model_key_names(const Model *m, int *n_keys) { return m->kind->key_names(m->state, n_keys); }
int model_n_reserved(const Model *m) { return m->kind->n_reserved; }
Calibration *model_calibration(Model *m) { return m->kind->calibration(m->state); }
const Calibration *model_calibration_const(const Model *m) { return m->kind->calibration(m->state); }
size_t model_n_params(const Model *m) { return m->kind->n_params(m->state); }
const char *model_path(const Model *m) { return m->path; }

uint64_t model_learned_windows(const Model *m) { return *m->kind->learned_windows(m->state); }

void model_add_learned_windows(Model *m, uint64_t n)
{
    uint64_t *count = m->kind->learned_windows(m->state);
    *count = n > UINT64_MAX - *count ? UINT64_MAX : *count + n;
}

/* A vocabulary maps names to ids: a name twice would make one of the ids unreachable. */
static bool names_are_new(const Model *m, const char *const *new_names, int n_new, Error *err)
{
    int n_keys;
    char *const *names = model_key_names(m, &n_keys);
    for (int i = 0; i < n_new; i++) {
        if (!new_names[i])
            return error_set(err, "growing the vocabulary: new key %d has no name", i + 1);
        for (int k = 0; k < n_keys; k++)
            if (strcmp(names[k], new_names[i]) == 0)
                return error_set(err, "growing the vocabulary: the model already has key '%s' (id %d)",
                                 new_names[i], k);
        for (int j = 0; j < i; j++)
            if (strcmp(new_names[j], new_names[i]) == 0)
                return error_set(err, "growing the vocabulary: key '%s' given twice", new_names[i]);
    }
    return true;
}

bool model_grow_vocab(Model *m, const char *const *new_names, int n_new, uint64_t seed, Error *err)
{
    if (n_new < 0)
        return error_set(err, "growing the vocabulary by %d keys", n_new);
    if (n_new == 0)
        return true;
    int n_keys;
    model_key_names(m, &n_keys);
    if (n_new > 1000000 - n_keys) /* the kinds' limit, said before their count could overflow */
        return error_set(err, "growing the vocabulary by %d keys: more than 1,000,000 in all", n_new);
    return names_are_new(m, new_names, n_new, err) && m->kind->grow(m->state, new_names, n_new, seed, err);
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++)
        h = (h ^ bytes[i]) * 0x100000001b3ull;
    return h;
}

uint64_t model_params_hash(const Model *m)
{
    return fnv1a(0xcbf29ce484222325ull, m->kind->params(m->state), model_n_params(m) * sizeof(float));
}

uint64_t model_vocab_hash(const Model *m)
{
    int n_keys;
    char *const *names = model_key_names(m, &n_keys);
    uint64_t h = 0xcbf29ce484222325ull;
    for (int k = 0; k < n_keys; k++) /* each name with its NUL, so ["ab","c"] and ["a","bc"] differ */
        h = fnv1a(h, names[k], strlen(names[k]) + 1);
    return h;
}

void model_window_shape(const Model *m, int *tx, int *ty, int *stride)
{
    m->kind->window_shape(m->state, tx, ty, stride);
}

int model_top_g(const Model *m) { return m->kind->top_g(m->state); }

bool model_set_top_g(Model *m, int top_g, Error *err)
{
    if (!m->kind->set_top_g)
        return error_set(err, "--top-g: a %s model's hit is its one greedy prediction", m->kind->name);
    return m->kind->set_top_g(m->state, top_g, err);
}

bool model_add_windows(const Model *m, const Trace *t, size_t first, size_t last, WindowSet *ws, Error *err)
{
    return m->kind->add_windows(m->state, t, first, last, ws, err);
}

bool model_train(Model *m, const WindowSet *ws, const TrainOptions *opt, TrainReport *report, Error *err)
{
    return m->kind->train(m->state, ws, opt, report, err);
}

bool model_outcomes(const Model *m, const Trace *t, size_t first, size_t last, EventOutcomes *out,
                    const CancelFlag *cancel, Error *err)
{
    return m->kind->outcomes(m->state, t, first, last, out, cancel, err);
}

bool model_has_eval(const Model *m) { return m->kind->eval != NULL; }

bool model_eval(const Model *m, const Trace *normal, const Trace *abnormal, EvalCounts *out,
                const CancelFlag *cancel, Error *err)
{
    if (!m->kind->eval)
        return error_set(err, "a %s model has no session protocol", m->kind->name);
    return m->kind->eval(m->state, normal, abnormal, out, cancel, err);
}

bool model_window_for(const Model *m, const Trace *t, size_t e, uint32_t *keys, int *n_keys, size_t *first)
{
    return m->kind->window_for(m->state, t, e, keys, n_keys, first);
}

bool model_next_anomaly(const Model *m, const Trace *t, const EventOutcomes *o, const Scores *sc,
                        size_t *cursor, size_t *e)
{
    return m->kind->next_anomaly(m->state, t, o, sc, cursor, e);
}

const char *model_anomaly_unit(const Model *m) { return m->kind->anomaly_unit; }

bool model_interpreter_init(ModelInterpreter *it, const Model *m, NearestIndex *nearest,
                            const InterpretOptions *opt, Error *err)
{
    it->kind = m->kind;
    it->state = calloc(1, m->kind->interpreter_size);
    if (!it->state)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    if (m->kind->interpreter_init(it->state, m->state, nearest, opt, err))
        return true;
    free(it->state);
    memset(it, 0, sizeof *it);
    return false;
}

void model_interpret(ModelInterpreter *it, const uint32_t *keys, Interpretation *out)
{
    it->kind->interpret(it->state, keys, out);
}

void model_interpreter_free(ModelInterpreter *it)
{
    if (it->kind && it->state)
        it->kind->interpreter_free(it->state);
    free(it->state);
    memset(it, 0, sizeof *it);
}
