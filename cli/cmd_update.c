/* traceaid update: teach a model that the sessions, traces or marked ranges given are normal
 * (core/update.h: fine-tuning with replay of its training windows). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/interrupt.h"
#include "../core/model_args.h"
#include "../core/model_templates.h"
#include "../core/model_vocab.h"
#include "../core/outputs.h"
#include "../core/update.h"
#include "../io/format.h"
#include "../io/labels.h"
#include "../model/training_windows.h"
#include "commands.h"
#include "progress.h"

typedef struct UpdateArgs {
    ModelRequest model;
    TraceRequest traces;
    const char *out;
    uint64_t epochs, seed;
    float learning_rate, weight;
    bool no_replay, labels;
} UpdateArgs;

/* What the marks files gave: rows learned, rows marked anomalous (not learned). */
typedef struct LabelsLearned {
    size_t normal, anomalous;
} LabelsLearned;

/* --labels names marks files, positional: a --sessions file among them is a mistake. */
static bool labels_inputs_plain(const Command *cmd, const ArgInputs *inputs)
{
    for (size_t i = 0; i < inputs->n; i++)
        if (inputs->items[i].format == TRACE_FORMAT_SESSIONS) {
            args_usage_error(cmd, "--labels: the files named are marks files; --sessions %s cannot go with them",
                             inputs->items[i].path);
            return false;
        }
    return true;
}

/* The rows marked normal of each marks file, learned from their keys alone. A file named that
 * is not there is an error here (for the explorer a missing file is no marks). */
static bool labels_learn(const ArgInputs *inputs, Update *u, LabelsLearned *learned, Error *err)
{
    bool ok = true;
    for (size_t i = 0; ok && i < inputs->n; i++) {
        const char *path = inputs->items[i].path;
        if (access(path, R_OK) != 0)
            return error_set_code(err, ERROR_IO, "--labels %s: %s", path, strerror(errno));
        Labels labels = {0};
        ok = labels_load(&labels, path, err);
        for (size_t r = 0; ok && r < labels.n_rows; r++) {
            const LabelRow *row = &labels.rows[r];
            if (row->label != LABEL_NORMAL) {
                learned->anomalous++;
                continue;
            }
            learned->normal++;
            ok = update_learn_names(u, (const char *const *)row->keys, (size_t)row->events,
                                    row->unit == LABEL_UNIT_SESSION, err);
        }
        labels_free(&labels);
    }
    return ok;
}

static void show_epoch(const TrainProgress *p, void *ctx)
{
    char eta[32], rate[32];
    progress_show(ctx, p->epoch == p->epochs, "epoch %d/%d  loss %.4f  %s windows/s  ETA %s", p->epoch, p->epochs,
                  p->loss, format_count(rate, sizeof rate, (uint64_t)p->windows_per_s),
                  progress_duration(eta, sizeof eta, p->eta_s));
}

/* The model and its replay set, or the refusal to go without one. */
static bool begin(const Command *cmd, const UpdateArgs *a, Model *m, Update *u, Error *err)
{
    if (!model_request_load(&a->model, m, err))
        return false;
    WindowSet replay;
    char path[4096];
    if (a->no_replay) {
        fprintf(stderr, "%s: warning: --no-replay: fine-tuning on the new windows alone; the model forgets what it "
                "learned before in proportion\n", cmd->name);
        /* its training windows, where they are, still go into OUT's windows file (not trained on):
         * an update onto the model would otherwise leave a windows file of the new windows alone */
        if (!update_load_replay(m, &replay, path, sizeof path, err)) {
            if (err->code != ERROR_USAGE) /* a windows file there that cannot be read: said, not kept */
                fprintf(stderr, "%s: warning: %s\n", cmd->name, err->msg);
            *err = (Error){0};
            update_begin(u, m, NULL);
            return true;
        }
        update_begin(u, m, &replay);
        u->replaying = false;
    } else if (!update_load_replay(m, &replay, path, sizeof path, err)) {
        model_free(m);
        return false;
    } else
        update_begin(u, m, &replay);
    if (update_load_calibration(u, path, err))
        return true;
    update_free(u);
    model_free(m);
    return false;
}

/* Every event of every trace loaded against the model's vocabulary, learned. */
static bool learn_traces(UpdateArgs *a, const ArgInputs *inputs, Update *u, size_t *units, Error *err)
{
    TraceSet set;
    trace_set_init(&set);
    TraceRequest reading = a->traces; /* raw logs mined from the model's templates first */
    char templates[4096];
    model_templates_apply(a->model.path, &reading.opt, templates, sizeof templates);
    bool ok = model_vocab_seed(&set, u->model, err) && trace_args_load(&reading, inputs, &set, err);
    for (size_t i = 0; ok && i < set.n_traces; i++) {
        const Trace *t = &set.traces[i];
        *units += trace_has_sessions(t) ? t->n_sessions : 1;
        ok = update_learn_range(u, t, &set.vocab, 0, t->n_events, err);
    }
    trace_set_free(&set);
    return ok;
}

/* An updated model written to another file takes the model's raw-log templates with it, so raw
 * logs scored with it are read as they were (templates met first in this update are not added:
 * they are mined again each time). */
static bool templates_beside(const UpdateArgs *a, Error *err)
{
    bool copied;
    return model_templates_copy(a->model.path, a->out, &copied, err);
}

static void summary(const Command *cmd, const UpdateArgs *a, const Update *u, const UpdateReport *r, size_t units,
                    const LabelsLearned *marks)
{
    char total[32], distinct[32], n_units[32], replayed[32], took[32], epochs[32];
    format_count(total, sizeof total, r->learned_total);
    format_count(distinct, sizeof distinct, r->learned_distinct);
    format_count(n_units, sizeof n_units, units);
    format_count(replayed, sizeof replayed, r->replayed_total);
    snprintf(epochs, sizeof epochs, "%d", r->train.epochs_done);
    fprintf(stderr, "%s: learned %s windows (%s distinct) from %s %s, %d new key%s, replayed %s windows; %s epoch%s "
            "in %s, final loss %.4f; wrote %s\n", cmd->name, total, distinct, n_units,
            a->labels ? (units == 1 ? "row marked normal" : "rows marked normal")
                      : units == 1 ? "session or trace" : "sessions or traces", r->new_keys,
            r->new_keys == 1 ? "" : "s", u->replaying ? replayed : "no", epochs,
            r->train.epochs_done == 1 ? "" : "s",
            progress_duration(took, sizeof took, r->train.seconds), r->train.loss, a->out);
    /* more new keys than the model knew: data of another kind (a kernel trace's marks for a log
     * model) looks like this, and is learned as readily as anything else */
    if (r->new_keys > 0 && r->new_keys >= u->base_keys - model_n_reserved(u->model))
        fprintf(stderr, "%s: warning: %d keys the model never saw, as many as it knew (%d): is what was learned "
                "of the kind it was trained on?\n", cmd->name, r->new_keys, u->base_keys - model_n_reserved(u->model));
    if (r->recalibrated) {
        char before[32], after[32], segments[32];
        const Calibration *cal = model_calibration_const(u->model);
        fprintf(stderr, "%s: threshold %s -> %s, set again on the %s held-back segments train calibrated on\n",
                cmd->name, scores_format(cal->score, r->threshold_before, 4, before, sizeof before),
                scores_format(cal->score, r->threshold_after, 4, after, sizeof after),
                format_count(segments, sizeof segments, r->calibration_segments));
    }
    if (marks && marks->anomalous)
        fprintf(stderr, "%s: %zu row%s marked anomalous: not learned, eval uses them\n", cmd->name, marks->anomalous,
                marks->anomalous == 1 ? "" : "s");
}

/* One line of what the training achieved on what it learned; when some of it the training could
 * have taught is still flagged, how to teach it harder and what that costs. */
static void say_line(const Command *cmd, bool learnable, const char *text)
{
    fprintf(stderr, "%s: %s%s\n", cmd->name, text,
            learnable ? "; --epochs, --weight or --lr learn them harder, at the cost of letting more anomalies "
                        "through (README: Teaching it)" : "");
}

/* What was learned and is still flagged by the model's own rule, before -> after: a few learned
 * windows beside the many replayed weigh little, and the user must know when they did not take. */
static void say_still_flagged(const Command *cmd, const UpdateCheck *before, const UpdateCheck *after)
{
    char text[600], n[32], was[32], now[32];
    if (after->sessions) {
        size_t short_ones = after->sessions_short;
        format_count(n, sizeof n, after->sessions);
        int len = snprintf(text, sizeof text, "%s of the %s %ssession%s learned %s still flagged by the updated "
                           "model (%s before", format_count(now, sizeof now, after->sessions_flagged), n,
                           after->session_units > after->sessions ? "distinct " : "", after->sessions == 1 ? "" : "s",
                           after->sessions_flagged == 1 ? "is" : "are",
                           format_count(was, sizeof was, before->sessions_flagged));
        if (short_ones && len > 0 && (size_t)len < sizeof text)
            len += snprintf(text + len, sizeof text - (size_t)len, "; %zu %s shorter than the window + 1 and always "
                            "%s", short_ones, short_ones == 1 ? "is" : "are", short_ones == 1 ? "is" : "are");
        if (len > 0 && (size_t)len < sizeof text)
            snprintf(text + len, sizeof text - (size_t)len, ")");
        say_line(cmd, after->sessions_flagged > short_ones, text);
    }
    if (after->segments) {
        format_count(n, sizeof n, after->segments);
        snprintf(text, sizeof text, "%s of the %s segment%s learned %s still over the threshold (%s before)",
                 format_count(now, sizeof now, after->segments_flagged), n, after->segments == 1 ? "" : "s",
                 after->segments_flagged == 1 ? "is" : "are", format_count(was, sizeof was, before->segments_flagged));
        say_line(cmd, after->segments_flagged > 0, text);
    }
    if (after->predicted) {
        format_count(n, sizeof n, after->predicted);
        snprintf(text, sizeof text, "%s of the %s keys the updated model predicts in what it learned %s still "
                 "missed (%s before; the model has no threshold)", format_count(now, sizeof now, after->missed), n,
                 after->missed == 1 ? "is" : "are", format_count(was, sizeof was, before->missed));
        say_line(cmd, after->missed > 0, text);
    }
}

static int update(const Command *cmd, UpdateArgs *a, const ArgInputs *inputs, Error *err)
{
    if (!a->model.path)
        return args_usage_error(cmd, "name the model to update with --model MODEL");
    if (!a->out)
        return args_usage_error(cmd, "name the model file to write with -o OUT (it may be the model itself)");
    if (inputs->n == 0)
        return args_usage_error(cmd, a->labels ? "name the marks file after --labels"
                                               : "name the normal sessions (--sessions FILE), traces or marks "
                                                 "(--labels FILE) to learn");
    /* two files go out, the model renamed into place last: no device, pipe or standard output */
    if (strcmp(a->out, "-") == 0 || strncmp(a->out, "/dev/", 5) == 0 || strncmp(a->out, "/proc/", 6) == 0)
        return args_usage_error(cmd, "-o %s: update writes a model file and its windows file beside it: name a "
                                "file", a->out);
    char windows_out[4096];
    if (!training_windows_path(a->out, windows_out, sizeof windows_out))
        return args_usage_error(cmd, "-o %s: the name is too long", a->out);
    /* The model is no input to protect: written atomically, -o may replace it (as calibrate does). */
    NamedPath reads[] = {{"--meanings", a->traces.meanings_path}};
    NamedPath writes[] = {{"-o", a->out}, {"-o (its training windows)", windows_out}};
    if (!outputs_check(inputs, reads, 1, writes, 2, err))
        return EXIT_ERROR;
    if (a->labels && !labels_inputs_plain(cmd, inputs))
        return EXIT_ERROR;
    Model model;
    Update u;
    if (!begin(cmd, a, &model, &u, err))
        return EXIT_ERROR;
    size_t units = 0;
    LabelsLearned marks = {0};
    bool ok = a->labels ? labels_learn(inputs, &u, &marks, err) : learn_traces(a, inputs, &u, &units, err);
    if (a->labels)
        units = marks.normal;
    ProgressLine line;
    progress_init(&line);
    UpdateOptions opt = {.epochs = (int)a->epochs, .learning_rate = a->learning_rate, .weight = a->weight,
                         .seed = a->seed, .cancel = interrupt_install(), .progress = show_epoch, .progress_ctx = &line};
    UpdateReport report;
    ok = ok && update_run(&u, &opt, &report, err);
    progress_done(&line);
    /* a Ctrl-C during the run, or after it ended, writes nothing */
    if (ok && *opt.cancel)
        ok = error_interrupted(err);
    ok = ok && update_save(&u, a->out, err) && templates_beside(a, err);
    if (ok) {
        summary(cmd, a, &u, &report, units, a->labels ? &marks : NULL);
        say_still_flagged(cmd, &report.before, &report.after);
    }
    if (err->code == ERROR_INTERRUPTED)
        error_set_code(err, ERROR_INTERRUPTED, "interrupted: nothing written");
    update_free(&u);
    model_free(&model);
    return ok ? EXIT_OK : exit_status_for(err->code) == EXIT_INTERRUPTED ? interrupt_exit_status() : EXIT_ERROR;
}

static UpdateArgs args = {.epochs = UPDATE_DEFAULT_EPOCHS, .learning_rate = UPDATE_DEFAULT_LR,
                          .weight = UPDATE_DEFAULT_WEIGHT, .seed = 1};

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    {"output", 'o', ARG_STRING, &args.out, "MODEL", "the updated model file to write (may be the model itself)"},
    {"labels", 0, ARG_FLAG, &args.labels, NULL,
     "the files named are marks files (TRACE.labels.csv): learn their rows marked normal"},
    {"epochs", 'e', ARG_UINT(1, 1000000), &args.epochs, "N", "passes over the replayed and learned windows (10)"},
    {"lr", 0, ARG_FLOAT(1e-7, 1), &args.learning_rate, "RATE", "Adam learning rate (0.0003)"},
    {"weight", 0, ARG_FLOAT(0.001, 1e6), &args.weight, "W", "a learned window counts W times its occurrences (1)"},
    {"no-replay", 0, ARG_FLAG, &args.no_replay, NULL,
     "fine-tune on the new windows alone, without the model's training windows (it forgets)"},
    {"seed", 's', ARG_UINT(0, UINT64_MAX), &args.seed, "S", "seed of the shuffling and of new keys' weights (1)"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    return update(cmd, cmd->args, inputs, err);
}

const Command cmd_update = {
    .name = "update",
    .usage = "update --model MODEL -o OUT [OPTIONS] (--sessions FILE | TRACE... | --labels FILE...)",
    .summary = "teach a model that the sessions, traces or marked ranges given are normal (fine-tuning with replay)",
    .details =
        "Learns every window of the sessions or traces given, or of the rows marked normal in marks\n"
        "files (the explorer's TRACE.labels.csv; rows marked anomalous are not learned), as normal:\n"
        "it trains the model further on them together with its own training windows\n"
        "(MODEL.windows.safetensors, which train writes), so that it does not forget what it\n"
        "learned. A learned window weighs W times its occurrences. Keys the model never saw grow\n"
        "its vocabulary; the keys it knew keep their ids. Writes OUT and, beside it, its windows\n"
        "file (the replayed and the learned windows, for the next update); the metadata's\n"
        "learned_windows counts the window occurrences learned over all updates. Both files are\n"
        "written through temporary files, so -o may name the model itself. Ctrl-C writes nothing\n"
        "(exit status 130). When train calibrated the model on the held-back part of its traces,\n"
        "the windows file keeps those parts, and the threshold is set again on them.\n"
        "The defaults (10 epochs, learning rate 0.0003, weight 1) were measured on HDFS (README,\n"
        "\"Teaching it: update\"): there, learning false positives also lets through anomalous\n"
        "sessions that share their patterns; more epochs or weight learn the marks surer and\n"
        "forget more of what tells anomalies apart. After training, update says how many of the\n"
        "sessions (distinct), segments or predictions learned the model still flags, before and\n"
        "after, by the model's own rule (a session shorter than the window + 1 always is).\n\n"
        "Examples:\n  traceaid update --model hdfs.safetensors -o hdfs2.safetensors --sessions false_positives\n"
        "  traceaid update --model flight.safetensors -o flight.safetensors --labels clean-09.csv.labels.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
