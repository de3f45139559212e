#include "update.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calibrate.h"

void update_begin(Update *u, Model *m, WindowSet *replay)
{
    int tx, ty, stride, n_keys;
    model_window_shape(m, &tx, &ty, &stride);
    model_key_names(m, &n_keys);
    memset(u, 0, sizeof *u);
    u->model = m;
    u->base_keys = n_keys;
    window_set_init(&u->learned, tx + ty);
    window_set_init(&u->replay, tx + ty);
    learned_units_init(&u->units);
    if (replay) {
        u->replay = *replay;
        u->replaying = true;
        window_set_init(replay, replay->width);
    }
}

bool update_load_replay(const Model *m, WindowSet *replay, char *path, size_t path_size, Error *err)
{
    struct stat info;
    if (!model_path(m) || !training_windows_path(model_path(m), path, path_size))
        return error_set_code(err, ERROR_USAGE, "the model was not read from a file: no training windows to replay");
    if (stat(path, &info) != 0 && errno == ENOENT)
        return error_set_code(err, ERROR_USAGE, "%s: no training windows beside the model, which update replays so "
                              "that the model does not forget what it learned (train writes them; copy them beside "
                              "the model), or give --no-replay to fine-tune on the new windows alone, which forgets",
                              path);
    TrainingWindowsInfo about;
    return training_windows_load(m, path, replay, &about, err);
}

bool update_load_calibration(Update *u, const char *path, Error *err)
{
    calibration_parts_free(&u->calibration);
    return training_windows_load_calibration(u->model, path, &u->calibration, err);
}

/* The model's id of a key the traces' vocabulary gives past the model's first vocabulary: a key
 * this update added already, else a new one, added now. */
static bool model_id_of(Update *u, const char *name, uint32_t *id, Error *err)
{
    int n_keys;
    char *const *names = model_key_names(u->model, &n_keys);
    for (int k = u->base_keys; k < n_keys; k++)
        if (strcmp(names[k], name) == 0) {
            *id = (uint32_t)k;
            return true;
        }
    for (int k = 0; k < u->base_keys; k++) /* a vocabulary not seeded with the model's names */
        if (strcmp(names[k], name) == 0)
            return error_set(err, "key '%s' has id %d in the model but another in the traces: load the traces "
                             "against the model's vocabulary", name, k);
    const char *new_names[] = {name};
    if (!model_grow_vocab(u->model, new_names, 1, (uint64_t)n_keys, err))
        return false;
    u->new_keys++;
    *id = (uint32_t)n_keys;
    return true;
}

/* t's key ids in [first, last) as the model's: the same below the model's first vocabulary,
 * looked up by name past it. */
static bool model_ids(Update *u, const Trace *t, const Vocab *vocab, size_t first, size_t last, uint32_t *ids,
                      Error *err)
{
    for (size_t e = first; e < last; e++) {
        uint32_t key = t->key_id[e];
        ids[e] = key;
        if (key < (uint32_t)u->base_keys)
            continue;
        const char *name = vocab_name(vocab, key);
        if (!name)
            return error_set(err, "%s: event %zu: key id %u outside the vocabulary", t->path ? t->path : "trace", e,
                             key);
        if (!model_id_of(u, name, &ids[e], err))
            return false;
    }
    return true;
}

/* The range's units kept to be judged: each session of it, clipped to the range, or the range. A
 * session too short to hold a window is kept too: it stays flagged, and the user is told so. */
static bool keep_units(Update *u, const Trace *t, size_t first, size_t last, const uint32_t *ids, Error *err)
{
    if (!trace_has_sessions(t))
        return learned_units_add(&u->units, ids + first, last - first, false, err);
    for (size_t s = 0; s < t->n_sessions; s++) {
        size_t from = t->session_start[s] > first ? t->session_start[s] : first;
        size_t to = t->session_start[s + 1] < last ? t->session_start[s + 1] : last;
        if (from < to && !learned_units_add(&u->units, ids + from, to - from, true, err))
            return false;
    }
    return true;
}

bool update_learn_range(Update *u, const Trace *t, const Vocab *vocab, size_t first, size_t last, Error *err)
{
    if (last > t->n_events)
        last = t->n_events;
    if (first >= last)
        return true;
    /* the trace as the model reads it: its own but for the key ids of the range */
    uint32_t *ids = malloc(t->n_events * sizeof *ids);
    if (!ids)
        return error_nomem(err);
    Trace as_model = *t;
    as_model.key_id = ids;
    size_t before = u->learned.total;
    bool ok = model_ids(u, t, vocab, first, last, ids, err) && keep_units(u, t, first, last, ids, err) &&
              model_add_windows(u->model, &as_model, first, last, &u->learned, err);
    free(ids);
    if (ok && u->learned.total > before)
        u->ranges++;
    return ok;
}

bool update_learn_names(Update *u, const char *const *names, size_t n, bool session, Error *err)
{
    Vocab vocab;
    vocab_init(&vocab);
    int n_keys;
    char *const *model_names = model_key_names(u->model, &n_keys);
    uint32_t *ids = malloc((n + 1) * sizeof *ids);
    size_t starts[2] = {0, n};
    bool ok = ids != NULL || error_nomem(err);
    for (int k = 0; ok && k < u->base_keys; k++) {
        uint32_t id;
        ok = vocab_intern(&vocab, model_names[k], strlen(model_names[k]), &id, err);
    }
    for (size_t i = 0; ok && i < n; i++)
        ok = vocab_intern(&vocab, names[i], strlen(names[i]), &ids[i], err);
    if (ok) {
        char path[] = "(keys)";
        Trace t = {.path = path, .n_events = n, .key_id = ids, .n_sessions = 1, .session_start = starts,
                   .format = session ? TRACE_FORMAT_SESSIONS : TRACE_FORMAT_CSV};
        ok = update_learn_range(u, &t, &vocab, 0, n, err);
    }
    free(ids);
    vocab_free(&vocab);
    return ok;
}

/* replay's windows with their counts and learned's with theirs times weight, into all. */
static bool union_of(const WindowSet *replay, const WindowSet *learned, float weight, WindowSet *all, Error *err)
{
    window_set_init(all, learned->width);
    const WindowSet *parts[] = {replay, learned};
    const float factor[] = {1, weight};
    for (int p = 0; p < 2; p++)
        for (size_t w = 0; w < parts[p]->n; w++) {
            size_t at;
            if (!window_set_add(all, parts[p]->keys + w * (size_t)all->width, &at, err)) {
                window_set_free(all);
                return false;
            }
            /* window_set_add counted one occurrence: the rest of this part's */
            float occurrences = parts[p]->count[w] * factor[p];
            all->count[at] += occurrences - 1;
            all->total += (size_t)(occurrences + 0.5f) - 1;
        }
    return true;
}

bool update_run(Update *u, const UpdateOptions *opt, UpdateReport *report, Error *err)
{
    memset(report, 0, sizeof *report);
    report->learned_total = u->learned.total, report->learned_distinct = u->learned.n;
    if (u->replaying)
        report->replayed_total = u->replay.total, report->replayed_distinct = u->replay.n;
    report->new_keys = u->new_keys;
    if (u->learned.n == 0)
        return error_set_code(err, ERROR_USAGE, "nothing to learn: no session, trace or range given holds a window "
                              "of %d keys", u->learned.width);
    ModelHyper hp = {0};
    u->model->kind->defaults(&hp);
    TrainOptions train = {.epochs = opt->epochs, .batch_size = hp.batch, .learning_rate = opt->learning_rate,
                          .seed = opt->seed, .cancel = opt->cancel, .progress = opt->progress,
                          .progress_ctx = opt->progress_ctx};
    if (!learned_units_check(&u->units, u->model, (uint32_t)u->base_keys, opt->cancel, &report->before, err))
        return false;
    WindowSet all, none;
    window_set_init(&none, u->learned.width);
    if (!union_of(u->replaying ? &u->replay : &none, &u->learned, opt->weight, &all, err))
        return false;
    bool ok = model_train(u->model, &all, &train, &report->train, err);
    window_set_free(&all);
    if (ok && report->train.interrupted)
        return error_interrupted(err);
    if (ok) /* the weights have learned them: the count goes with the weights, saved or not */
        model_add_learned_windows(u->model, u->learned.total);
    Calibration *cal = model_calibration(u->model);
    if (ok && u->calibration.n > 0 && cal->calibrated) {
        report->threshold_before = cal->threshold;
        ok = calibrate_parts(u->model, &u->calibration, opt->cancel, &report->calibration_segments, err);
        report->threshold_after = cal->threshold;
        report->recalibrated = ok;
    }
    ok = ok && learned_units_check(&u->units, u->model, UINT32_MAX, opt->cancel, &report->after, err);
    u->trained = ok;
    return ok;
}

/* The model written to a temporary name beside path, to be renamed over it last. */
static bool temporary_beside(const char *path, char *out, size_t size)
{
    int n = snprintf(out, size, "%s.update-%ld.tmp", path, (long)getpid());
    return n > 0 && (size_t)n < size;
}

bool update_save(const Update *u, const char *path, Error *err)
{
    if (!u->trained)
        return error_set(err, "%s: the update has not run: nothing written", path);
    char windows_path[4096], model_tmp[4096];
    if (!training_windows_path(path, windows_path, sizeof windows_path) ||
        !temporary_beside(path, model_tmp, sizeof model_tmp))
        return error_set(err, "%s: the name is too long", path);
    WindowSet both;
    if (!union_of(&u->replay, &u->learned, 1, &both, err))
        return false;
    Model *m = u->model;
    bool ok = model_save(m, model_tmp, err);
    if (ok && !training_windows_save_calibrated(m, &both, &u->calibration, windows_path, err)) {
        unlink(model_tmp);
        ok = false;
    }
    if (ok && rename(model_tmp, path) != 0) {
        unlink(model_tmp);
        ok = error_set_code(err, ERROR_IO, "%s: %s (its windows file %s is written already)", path, strerror(errno),
                            windows_path);
    }
    window_set_free(&both);
    return ok;
}

void update_free(Update *u)
{
    window_set_free(&u->replay);
    window_set_free(&u->learned);
    calibration_parts_free(&u->calibration);
    learned_units_free(&u->units);
    memset(u, 0, sizeof *u);
}
