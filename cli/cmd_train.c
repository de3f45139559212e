/* traceaid train: a sequence model from clean traces or normal sessions. */
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "../core/calibrate.h"
#include "../model/model.h"
#include "../model/training_windows.h"
#include "commands.h"
#include "../core/summary.h"
#include "../core/interrupt.h"
#include "../core/model_args.h"
#include "../core/model_templates.h"
#include "../core/model_vocab.h"
#include "../core/outputs.h"
#include "../io/format.h"
#include "progress.h"
#include "train_select.h"

typedef struct TrainArgs {
    const char *kind, *out;
    char windows_out[4096];     /* the training windows beside the model; "" when -o is no regular file */
    uint64_t window, hidden, layers, epochs, batch, top_g, seed;
    uint64_t embed, attn, tx, ty, stride, segment;
    float learning_rate, holdout;       /* holdout < 0: the kind's, or deeplog's on traces */
    CalibrationRequest calibration;
    TraceRequest traces;
    SelectArgs select;
} TrainArgs;

static void show_epoch(const TrainProgress *p, void *ctx)
{
    char eta[32], rate[32];
    /* the first epoch's end always shows: it says a model will be written if stopped now */
    progress_show(ctx, p->epoch == 1 || p->epoch == p->epochs, "epoch %d/%d  loss %.4f  %s windows/s  ETA %s",
                  p->epoch, p->epochs, p->loss, format_count(rate, sizeof rate, (uint64_t)p->windows_per_s),
                  progress_duration(eta, sizeof eta, p->eta_s));
}

/* Inside an epoch, about every second: a large vocabulary makes long epochs. */
static void show_within_epoch(const TrainProgress *p, void *ctx)
{
    char eta[32], done[32], total[32];
    progress_show(ctx, false, "epoch %d/%d  %s/%s windows  loss %.4f  ETA %s", p->epoch, p->epochs,
                  format_count(done, sizeof done, p->windows_done), format_count(total, sizeof total, p->windows_total),
                  p->loss, progress_duration(eta, sizeof eta, p->eta_s));
}

static void train_options(const TrainArgs *a, const ModelHyper *hp, TrainOptions *opt, ProgressLine *line)
{
    progress_init(line);
    *opt = (TrainOptions){.epochs = hp->epochs, .batch_size = hp->batch,
                          .learning_rate = a->learning_rate > 0 ? a->learning_rate : 0.002f, .seed = a->seed,
                          .cancel = interrupt_install(), .progress = show_epoch, .progress_ctx = line,
                          .within_epoch = show_within_epoch};
}

static void report_training(const TrainReport *report, const TrainOptions *opt)
{
    if (report->interrupted && report->epochs_done > 0)
        fprintf(stderr, "train: interrupted in epoch %d of %d; saving the model as of epoch %d, the last completed\n",
                report->epochs_done + 1, opt->epochs, report->epochs_done);
}

/* Stopped before any epoch ended: the weights are their random start, not a model worth a file
 * (and its "final loss" would be a meaningless 0). */
static bool untrained(const TrainReport *report) { return report->interrupted && report->epochs_done == 0; }

/* The last word of a training run, and its exit status. */
static int finish(const Command *cmd, bool ok, const TrainReport *report, const char *out, const WindowSet *ws,
                  const char *windows_out, const Error *err)
{
    if (!ok) {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err->msg);
        return EXIT_ERROR;
    }
    if (untrained(report)) {
        fprintf(stderr, "train: interrupted before the first epoch ended; nothing written\n");
        return interrupt_exit_status();
    }
    char took[32];
    fprintf(stderr, "train: %d epochs in %s, final loss %.4f; wrote %s\n", report->epochs_done,
            progress_duration(took, sizeof took, report->seconds), report->loss, out);
    char n_windows[32];
    if (windows_out[0])
        fprintf(stderr, "train: wrote its %s distinct training windows to %s (explain's nearest normal window)\n",
                format_count(n_windows, sizeof n_windows, ws->n), windows_out);
    return report->interrupted ? interrupt_exit_status() : EXIT_OK;
}

/* The options as the kind's sizes, its defaults filling what was left out. */
static ModelHyper hyper_of(const TrainArgs *a, const ModelKind *kind, float holdout)
{
    ModelHyper hp = {.hidden = (int)a->hidden, .layers = (int)a->layers, .window = (int)a->window,
                     .top_g = (int)a->top_g, .embed = (int)a->embed, .attn = (int)a->attn, .tx = (int)a->tx,
                     .ty = (int)a->ty, .stride = (int)a->stride, .epochs = (int)a->epochs, .batch = (int)a->batch,
                     .holdout = holdout};
    kind->defaults(&hp);
    return hp;
}

/* The key names of set past the kind's reserved ids, or NULL when memory runs out. */
static const char **vocab_names(const TraceSet *set, int first, int *n_keys)
{
    *n_keys = (int)vocab_size(&set->vocab) - first;
    const char **names = malloc(((size_t)*n_keys + 1) * sizeof *names);
    for (int k = 0; names && k < *n_keys; k++)
        names[k] = vocab_name(&set->vocab, (uint32_t)(first + k));
    return names;
}

static void report_windows(const Model *m, const WindowSet *ws, float holdout)
{
    int tx, ty, stride, n_keys;
    model_window_shape(m, &tx, &ty, &stride);
    model_key_names(m, &n_keys);
    char total[32], distinct[32], params[32], shape[32], part[64] = "";
    snprintf(shape, sizeof shape, ty == 1 ? "%d" : "%d+%d", tx, ty);
    if (holdout > 0)
        snprintf(part, sizeof part, " from the first %.0f%% of each trace", 100 * (1 - holdout));
    char keys[32];
    fprintf(stderr, "train: %s windows of %s keys (%s distinct)%s, %s keys, %s parameters\n",
            format_count(total, sizeof total, ws->total), shape, format_count(distinct, sizeof distinct, ws->n), part,
            format_count(keys, sizeof keys, (uint64_t)(n_keys - model_n_reserved(m))),
            format_count(params, sizeof params, model_n_params(m)));
}

/* Training on no window would train nothing and save nothing: said before training, naming the
 * traces, the window they fall short of and, when the held-back part took them whole (it starts
 * at a segment boundary), what to change. */
static bool refuse_no_windows(const TraceSet *set, int window, float holdout, size_t segment, Error *err)
{
    char names[256] = "", n_more[32], n_part[32], n_longest[32], n_segment[32];
    size_t used = 0, longest = 0, longest_part = 0;
    for (size_t i = 0; i < set->n_traces; i++) {
        const Trace *t = &set->traces[i];
        size_t part = holdout_start(t, holdout, segment);
        /* a trace of sessions is trained on session by session: its longest session tells */
        size_t length = trace_has_sessions(t) ? summary_session_lengths(t).longest : t->n_events;
        longest = length > longest ? length : longest;
        longest_part = part > longest_part ? part : longest_part;
        if (i < 3 && used < sizeof names)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", t->path);
    }
    if (set->n_traces > 3 && used < sizeof names)
        snprintf(names + used, sizeof names - used, " and %s more", format_count(n_more, sizeof n_more, set->n_traces - 3));
    format_count(n_part, sizeof n_part, longest_part);
    format_count(n_longest, sizeof n_longest, longest);
    format_count(n_segment, sizeof n_segment, segment);
    if (longest_part < longest && longest >= (size_t)window)
        return error_set(err, "no training windows: every session or trace is shorter than %d keys before its "
                         "held-back part (%s: at most %s of %s events are left to train on, the held-back part "
                         "starting at a boundary of %s-event segments); use longer traces, a shorter --segment or "
                         "--holdout 0", window, names, n_part, n_longest, n_segment);
    return error_set(err, "no training windows: every session or trace is shorter than %d keys (%s: at most %s "
                     "events)", window, names, n_longest);
}

/* Windows from the first part of each trace, the training, the threshold from the rest. */
static bool fit(Model *m, const TraceSet *set, const ModelHyper *hp, const TrainOptions *opt, ProgressLine *line,
                WindowSet *ws, CalibrationParts *parts, TrainReport *report, Error *err)
{
    int tx, ty, stride;
    model_window_shape(m, &tx, &ty, &stride);
    size_t segment = (size_t)model_calibration(m)->segment;
    bool ok = true;
    for (size_t i = 0; ok && i < set->n_traces; i++)
        ok = model_add_windows(m, &set->traces[i], 0, holdout_start(&set->traces[i], hp->holdout, segment), ws, err);
    if (ok && ws->n == 0)
        ok = refuse_no_windows(set, tx + ty, hp->holdout, segment, err);
    if (ok)
        report_windows(m, ws, hp->holdout);
    ok = ok && model_train(m, ws, opt, report, err);
    progress_done(line);
    if (ok)
        report_training(report, opt);
    size_t segments;
    if (ok && hp->holdout > 0 && !report->interrupted) {
        const Calibration *cal = model_calibration(m);
        ok = calibrate_held_back(m, set, hp->holdout, NULL, &segments, err);
        char threshold[32], rule[160], n_segments[32], length[32];
        if (ok)
            fprintf(stderr, "train: calibrated on %s held-back segments of %s events: threshold %s (%s)\n",
                    format_count(n_segments, sizeof n_segments, segments),
                    format_count(length, sizeof length, (uint64_t)cal->segment), scores_format(cal->score, cal->threshold, 4, threshold, sizeof threshold),
                    (calibration_describe(cal, rule, sizeof rule), rule));
        if (ok)
            calibrate_warn_if_few(stderr, "train", segments);
        /* kept in the windows file, for update to set the threshold again on them, with the
         * events their first scores read before them: a window's keys, smoothing's segments */
        size_t context = (size_t)tx + (size_t)cal->smooth * segment;
        for (size_t i = 0; ok && i < set->n_traces; i++) {
            size_t from = holdout_start(&set->traces[i], hp->holdout, segment);
            if (from < set->traces[i].n_events)
                ok = calibration_parts_add(parts, &set->traces[i], from, segment, context, err);
        }
    }
    return ok;
}

/* DeepLog calibrates on a held-back share of traces too, so that training gives a threshold;
 * not on session files (HDFS), whose sessions are the unit it learns and is judged on, nor on
 * traces too short to keep a segment to train on before their held-back part (then it says
 * so: calibrate after). */
static float default_holdout(const TrainArgs *a, const ModelKind *kind, const TraceSet *set)
{
    const float share = 0.2f;
    if (a->holdout >= 0 || strcmp(kind->name, "deeplog") != 0 || set->n_traces == 0)
        return a->holdout;
    for (size_t i = 0; i < set->n_traces; i++)
        if (set->traces[i].n_sessions != 1 || set->traces[i].format == TRACE_FORMAT_SESSIONS)
            return 0;
    for (size_t i = 0; i < set->n_traces; i++)
        if (holdout_start(&set->traces[i], share, (size_t)a->segment) == 0) {
            char events[32], length[32];
            fprintf(stderr, "train: %s is too short to hold back a part to calibrate on (%s events, segments of "
                    "%s): the model is not calibrated; run traceaid calibrate on clean traces\n",
                    set->traces[i].path, format_count(events, sizeof events, set->traces[i].n_events),
                    format_count(length, sizeof length, (uint64_t)a->segment));
            return 0;
        }
    return share;
}

/* Epochs and top-g chosen on held-out sessions where the options leave them to the kind and
 * the selection applies (cli/train_select.h); hp unchanged otherwise. */
static bool select_hyper(const TrainArgs *a, const ModelKind *kind, const TraceSet *set, const char *const *names,
                         int n_keys, ModelHyper *hp, bool *interrupted, Error *err)
{
    bool epochs_given = a->epochs != 0, top_g_given = a->top_g != 0;
    if (!train_select_applies(&a->select, kind, set, epochs_given, top_g_given))
        return true;
    return train_select(&a->select, kind, set, names, n_keys, a->seed,
                        a->learning_rate > 0 ? a->learning_rate : 0.002f, epochs_given, top_g_given, hp,
                        interrupted, err);
}

/* A model trained on raw logs: their keys' templates beside it, where a model file has its windows
 * (core/model_templates.h). */
static bool templates_beside(const TrainArgs *a, const TraceSet *set, Error *err)
{
    char path[4096];
    bool wrote;
    if (!a->windows_out[0] || !model_templates_path(a->out, path, sizeof path))
        return true;
    if (!model_templates_save(set, path, &wrote, err))
        return false;
    if (wrote)
        fprintf(stderr, "train: wrote its keys' templates to %s (raw logs scored with the model are mined "
                        "from them first)\n", path);
    /* an earlier model's templates would be read with this one, which learned no raw log */
    if (!wrote && unlink(path) == 0)
        fprintf(stderr, "train: removed %s (an earlier model's templates: this one learned no raw log)\n", path);
    return true;
}

static int train_model(const Command *cmd, const TrainArgs *a, const ModelKind *kind, const TraceSet *set)
{
    ModelHyper hp = hyper_of(a, kind, default_holdout(a, kind, set));
    int n_keys;
    const char **names = vocab_names(set, kind->n_reserved, &n_keys);
    Model model;
    Error err = {0};
    bool interrupted = false;
    bool ok = names ? select_hyper(a, kind, set, names, n_keys, &hp, &interrupted, &err) : error_nomem(&err);
    if (interrupted) {
        free(names);
        fprintf(stderr, "train: interrupted while choosing epochs and top-g; nothing written\n");
        return interrupt_exit_status();
    }
    ProgressLine line;
    TrainOptions opt;
    train_options(a, &hp, &opt, &line);
    ok = ok && model_create(&model, kind, &hp, names, n_keys, a->seed, &err);
    free(names);
    if (!ok) {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
        return EXIT_ERROR;
    }
    Calibration *cal = model_calibration(&model);
    cal->segment = (int)a->segment;
    if (!calibration_request_apply(&a->calibration, cal, &err)) {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
        model_free(&model);
        return EXIT_ERROR;
    }
    TrainReport report;
    int tx, ty, stride;
    model_window_shape(&model, &tx, &ty, &stride);
    WindowSet ws;
    window_set_init(&ws, tx + ty);
    CalibrationParts parts = {0};
    ok = fit(&model, set, &hp, &opt, &line, &ws, &parts, &report, &err) &&
         (untrained(&report) ||
          (model_save(&model, a->out, &err) &&
           (!a->windows_out[0] || training_windows_save_calibrated(&model, &ws, &parts, a->windows_out, &err)) &&
           templates_beside(a, set, &err)));
    calibration_parts_free(&parts);
    model_free(&model);
    int status = finish(cmd, ok, &report, a->out, &ws, a->windows_out, &err);
    window_set_free(&ws);
    return status;
}

/* The training windows go beside a model written to a file: a model written to a device or a
 * pipe (/dev/null, /dev/stdout) has no folder to put them in, and goes without. */
static bool windows_beside(const char *out, char *windows_out, size_t size)
{
    struct stat info;
    windows_out[0] = '\0';
    if (strcmp(out, "-") == 0 || strncmp(out, "/dev/", 5) == 0 || strncmp(out, "/proc/", 6) == 0 ||
        (stat(out, &info) == 0 && !S_ISREG(info.st_mode)))
        return true;
    return training_windows_path(out, windows_out, size);
}

static int train(const Command *cmd, TrainArgs *a, const ArgInputs *inputs, Error *err)
{
    if (inputs->n == 0)
        return args_usage_error(cmd, "name the clean traces or normal sessions to train on");
    if (!a->out)
        return args_usage_error(cmd, "name the model file to write with -o MODEL");
    if (strcmp(a->select.mode, "held-out") != 0 && strcmp(a->select.mode, "off") != 0)
        return args_usage_error(cmd, "--select %s: held-out or off", a->select.mode);
    const ModelKind *kind = model_kind_find(a->kind);
    char known[128];
    model_kind_names(known, sizeof known);
    if (!kind)
        return args_usage_error(cmd, "--model %s: the models are %s", a->kind, known);
    NamedPath reads[] = {{"--meanings", a->traces.meanings_path}};
    if (!windows_beside(a->out, a->windows_out, sizeof a->windows_out))
        return args_usage_error(cmd, "-o %s: the name is too long", a->out);
    NamedPath writes[] = {{"-o", a->out}, {"-o (its training windows)", a->windows_out[0] ? a->windows_out : NULL}};
    if (!outputs_check(inputs, reads, 1, writes, 2, err))
        return EXIT_ERROR;
    TraceSet set;
    trace_set_init(&set);
    int status = EXIT_ERROR;
    if (model_vocab_reserve(&set, kind, err) && trace_args_load(&a->traces, inputs, &set, err))
        status = train_model(cmd, a, kind, &set);
    trace_set_free(&set);
    return status;
}

/* Sizes left at 0, and a holdout below 0, are the kind's (its defaults in model/). */
static TrainArgs args = {.kind = "deeplog", .seed = 1, .segment = 1000, .holdout = -1,
                         .calibration = CALIBRATION_REQUEST_NONE, .select = SELECT_ARGS_DEFAULT};

static const ArgSpec specs[] = {
    {"model", 'm', ARG_STRING, &args.kind, "KIND", "the model to train: deeplog (default) or seq2seq"},
    {"output", 'o', ARG_STRING, &args.out, "MODEL", "the model file to write (safetensors)"},
    {"hidden", 0, ARG_UNITS, &args.hidden, "N", "LSTM/GRU units (deeplog 64, seq2seq 128)"},
    {"epochs", 'e', ARG_UINT(1, 1000000000), &args.epochs, "N", "passes over the training windows (deeplog 30, seq2seq 40)"},
    {"batch", 0, ARG_UINT(1, 65536), &args.batch, "N", "windows per step (deeplog 256, seq2seq 64)"},
    {"lr", 0, ARG_FLOAT(1e-7, 1), &args.learning_rate, "RATE", "Adam learning rate (0.002)"},
    {"window", 0, ARG_WINDOW, &args.window, "H", "deeplog: keys read to predict the next (10)"},
    {"layers", 0, ARG_LAYERS, &args.layers, "L", "deeplog: stacked LSTM layers (2)"},
    {"top-g", 'g', ARG_TOP_G, &args.top_g, "G", "candidates that count as a hit (deeplog 9, seq2seq 1: the greedy choice)"},
    {"embed", 0, ARG_UNITS, &args.embed, "N", "seq2seq: key embedding size (64)"},
    {"attn", 0, ARG_UNITS, &args.attn, "N", "seq2seq: attention units (128)"},
    {"tx", 0, ARG_STEPS, &args.tx, "N", "seq2seq: keys read (5)"},
    {"ty", 0, ARG_STEPS, &args.ty, "N", "seq2seq: keys predicted (5)"},
    {"stride", 0, ARG_STRIDE, &args.stride, "N", "seq2seq: events between scored windows (5)"},
    {"segment", 0, ARG_SEGMENT, &args.segment, "N", "events per scored segment (1000)"},
    {"holdout", 0, ARG_FLOAT(0, 0.9), &args.holdout, "SHARE",
     "the last share of each trace held back to calibrate on (0.2; deeplog on session files 0)"},
    CALIBRATION_ARG_SPECS(&args.calibration),
    {"select", 0, ARG_STRING, &args.select.mode, "MODE",
     "deeplog on session files: held-out chooses the epochs and top-g left out on held-out sessions; off (default)"},
    {"validation", 0, ARG_FLOAT(0.01, 0.5), &args.select.share, "SHARE",
     "--select held-out: the share of sessions held out (0.1: every 10th)"},
    {"max-epochs", 0, ARG_UINT(1, 100000), &args.select.max_epochs, "N",
     "--select held-out: the most epochs it tries (100)"},
    {"max-flagged", 0, ARG_FLOAT(0, 1), &args.select.max_flagged, "SHARE",
     "--select held-out: the share of held-out sessions top-g may flag (0.005)"},
    {"seed", 's', ARG_UINT(0, UINT64_MAX), &args.seed, "S", "seed of the initial weights and the shuffling (1)"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    return train(cmd, cmd->args, inputs, err);
}

const Command cmd_train = {
    .name = "train",
    .usage = "train [--model deeplog|seq2seq] [OPTIONS] -o MODEL TRAIN...",
    .summary = "train a sequence model on clean traces or normal sessions",
    .details =
        "deeplog: an LSTM reads windows of H keys and learns to predict the next.\n"
        "seq2seq: a GRU encoder reads Tx keys; a GRU decoder with attention predicts the next Ty.\n"
        "It trains on the first part of each clean trace and sets its threshold on the rest (not\n"
        "on session files, which deeplog takes whole: calibrate after). The score and threshold\n"
        "rules are stored in the model; score, explain, plot and the explorer follow them.\n"
        "Each distinct window is trained on once per epoch, weighted by how often it occurs. The\n"
        "same seed gives the same model. Ctrl-C stops after the current batch and saves the model\n"
        "as of the last completed epoch (exit status 130, 143 for SIGTERM); before the first epoch\n"
        "ends, it writes nothing. Progress shows within each epoch too, about every second.\n"
        "Beside the model it writes the distinct windows it trained on with their counts\n"
        "(MODEL.safetensors: MODEL.windows.safetensors), for explain's and the explorer's\n"
        "nearest normal window; the model file itself is as PyTorch reads it. Trained on raw logs,\n"
        "it writes their templates there too (MODEL.templates.csv), which the commands reading raw\n"
        "logs with the model mine from first, so the keys mean the same.\n"
        "--select held-out (deeplog on session files) holds out every 10th session, trains a first\n"
        "model on the rest and keeps the epoch of the lowest held-out loss (stopping 10 epochs\n"
        "after it) and the smallest top-g that flags at most 0.5% of the held-out sessions; the\n"
        "model proper then trains on every session with them. --epochs and --top-g still win.\n\n"
        "Examples:\n  traceaid train --model deeplog -o hdfs.safetensors --sessions hdfs_train\n"
        "  traceaid train --model seq2seq -o flight.safetensors samples/traces/clean-*.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
