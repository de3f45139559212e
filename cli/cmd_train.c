/* traceaid train: a sequence model from clean traces or normal sessions. */
#include <stdlib.h>
#include <string.h>

#include "../model/model.h"
#include "commands.h"
#include "format.h"
#include "interrupt.h"
#include "model_ranges.h"
#include "model_vocab.h"
#include "progress.h"

typedef struct TrainArgs {
    const char *kind, *out;
    uint64_t window, hidden, layers, epochs, batch, top_g, seed;
    uint64_t embed, attn, tx, ty, stride, segment;
    float learning_rate, holdout, k;
    TraceArgs traces;
} TrainArgs;

/* Each kind's defaults, for the options left at 0. */
static void apply_defaults(TrainArgs *a, bool seq2seq)
{
    if (!a->hidden)
        a->hidden = seq2seq ? 128 : 64;
    if (!a->epochs)
        a->epochs = seq2seq ? 40 : 30;
    if (!a->batch)
        a->batch = seq2seq ? 64 : 256;
    if (a->learning_rate == 0)
        a->learning_rate = 0.002f;
}

static void show_epoch(const TrainProgress *p, void *ctx)
{
    char eta[32], rate[32];
    progress_show(ctx, p->epoch == p->epochs, "epoch %d/%d  loss %.4f  %s windows/s  ETA %s",
                  p->epoch, p->epochs, p->loss, format_count(rate, sizeof rate, (uint64_t)p->windows_per_s),
                  progress_duration(eta, sizeof eta, p->eta_s));
}

static void train_options(const TrainArgs *a, TrainOptions *opt, ProgressLine *line)
{
    progress_init(line);
    *opt = (TrainOptions){.epochs = (int)a->epochs, .batch_size = (int)a->batch, .learning_rate = a->learning_rate,
                          .seed = a->seed, .cancel = interrupt_install(), .progress = show_epoch,
                          .progress_ctx = line};
}

static void report_training(const TrainReport *report, const TrainOptions *opt)
{
    if (report->interrupted)
        fprintf(stderr, "train: interrupted after %d of %d epochs; saving the model as trained so far\n",
                report->epochs_done, opt->epochs);
}

/* The last word of a training run, and its exit status. */
static int finish(const Command *cmd, bool ok, const TrainReport *report, const char *out, const Error *err)
{
    if (!ok) {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err->msg);
        return EXIT_ERROR;
    }
    char took[32];
    fprintf(stderr, "train: %d epochs in %s, final loss %.4f; wrote %s\n", report->epochs_done,
            progress_duration(took, sizeof took, report->seconds), report->loss, out);
    return report->interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

static int train_deeplog(const Command *cmd, const TrainArgs *a, const TraceSet *set)
{
    DeepLogConfig cfg = {.n_keys = (int)vocab_size(&set->vocab), .hidden = (int)a->hidden,
                         .layers = (int)a->layers, .window = (int)a->window, .top_g = (int)a->top_g};
    Error err = {0};
    ProgressLine line;
    TrainOptions opt;
    train_options(a, &opt, &line);
    const char **names = malloc(vocab_size(&set->vocab) * sizeof *names + 1);
    for (uint32_t k = 0; names && k < vocab_size(&set->vocab); k++)
        names[k] = vocab_name(&set->vocab, k);
    DeepLog model;
    WindowSet ws;
    window_set_init(&ws, cfg.window + 1);
    bool ok = names && deeplog_create(&model, &cfg, names, a->seed, &err);
    free(names);
    if (!ok) {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
        return EXIT_ERROR;
    }
    for (size_t i = 0; ok && i < set->n_traces; i++)
        ok = window_set_add_trace(&ws, &set->traces[i], &err);
    char total[32], distinct[32];
    if (ok)
        fprintf(stderr, "train: %s windows of %d keys (%s distinct), %d keys, %zu parameters\n",
                format_count(total, sizeof total, ws.total), cfg.window,
                format_count(distinct, sizeof distinct, ws.n), cfg.n_keys, model.n_params);
    TrainReport report;
    ok = ok && deeplog_train(&model, &ws, &opt, &report, &err);
    progress_done(&line);
    if (ok)
        report_training(&report, &opt);
    ok = ok && deeplog_save(&model, a->out, &err);
    window_set_free(&ws);
    deeplog_free(&model);
    return finish(cmd, ok, &report, a->out, &err);
}

/* ---- seq2seq ---------------------------------------------------------------------------- */

/* Where each trace's held-back part starts: the last holdout share, from a segment boundary. */
static size_t holdout_start(const Trace *t, float holdout, size_t segment)
{
    if (holdout <= 0)
        return t->n_events;
    size_t start = (size_t)((double)t->n_events * (1.0 - (double)holdout) + 0.5); /* 0.2f is not 0.2 */
    start -= start % segment;
    return start;
}

/* The threshold from the held-back parts: scored, then mean + k·std of their segment rates. */
static bool calibrate_on_holdout(Seq2Seq *m, const TraceSet *set, float holdout, Error *err)
{
    Calibration *cal = &m->calibration;
    Scores *scores = calloc(set->n_traces + 1, sizeof *scores);
    size_t n_scored = 0, segments = 0;
    bool ok = scores || error_nomem(err);
    for (size_t i = 0; ok && i < set->n_traces; i++) {
        const Trace *t = &set->traces[i];
        EventOutcomes outcomes;
        ok = seq2seq_outcomes(m, t, holdout_start(t, holdout, (size_t)cal->segment), t->n_events, &outcomes, NULL, err) &&
             scores_compute(&scores[n_scored], &outcomes, (size_t)cal->segment, err);
        event_outcomes_free(&outcomes);
        for (size_t s = 0; ok && s < scores[n_scored].n_segments; s++)
            segments += scores[n_scored].predicted[s] > 0;
        n_scored += ok;
    }
    ok = ok && scores_calibrate(scores, n_scored, cal->k, &cal->threshold, err);
    if (ok) {
        cal->calibrated = true;
        fprintf(stderr, "train: calibrated on %zu held-back segments of %d events: threshold %.4f%% "
                "(mean + %g std)\n", segments, cal->segment, 100 * cal->threshold, cal->k);
    }
    for (size_t i = 0; i < n_scored; i++)
        scores_free(&scores[i]);
    free(scores);
    return ok;
}

static int train_seq2seq(const Command *cmd, const TrainArgs *a, const TraceSet *set)
{
    float holdout = a->holdout, k = a->k;
    Seq2SeqConfig cfg = {.vocab = (int)vocab_size(&set->vocab), .embed = (int)a->embed, .hidden = (int)a->hidden,
                         .units = (int)a->attn, .tx = (int)a->tx, .ty = (int)a->ty, .stride = (int)a->stride};
    ProgressLine line;
    TrainOptions opt;
    train_options(a, &opt, &line);
    const char **names = malloc(vocab_size(&set->vocab) * sizeof *names + 1);
    for (uint32_t id = SEQ2SEQ_FIRST_KEY; names && id < vocab_size(&set->vocab); id++)
        names[id - SEQ2SEQ_FIRST_KEY] = vocab_name(&set->vocab, id);
    Seq2Seq model;
    Error err = {0};
    bool ok = names && seq2seq_create(&model, &cfg, names, a->seed, &err);
    free(names);
    if (!ok) {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
        return EXIT_ERROR;
    }
    model.calibration.segment = (int)a->segment;
    model.calibration.k = k;
    WindowSet ws;
    window_set_init(&ws, cfg.tx + cfg.ty);
    for (size_t i = 0; ok && i < set->n_traces; i++)
        ok = seq2seq_add_windows(&model, &set->traces[i], 0, holdout_start(&set->traces[i], holdout, a->segment), &ws, &err);
    char total[32], distinct[32], params[32];
    if (ok)
        fprintf(stderr, "train: %s windows of %d+%d keys (%s distinct) from the first %.0f%% of each trace, "
                "%d keys, %s parameters\n", format_count(total, sizeof total, ws.total), cfg.tx, cfg.ty,
                format_count(distinct, sizeof distinct, ws.n), 100 * (1 - holdout), cfg.vocab - SEQ2SEQ_FIRST_KEY,
                format_count(params, sizeof params, model.n_params));
    TrainReport report;
    ok = ok && seq2seq_train(&model, &ws, &opt, &report, &err);
    progress_done(&line);
    if (ok)
        report_training(&report, &opt);
    if (ok && holdout > 0 && !report.interrupted)
        ok = calibrate_on_holdout(&model, set, holdout, &err);
    ok = ok && seq2seq_save(&model, a->out, &err);
    window_set_free(&ws);
    seq2seq_free(&model);
    return finish(cmd, ok, &report, a->out, &err);
}

static int train(const Command *cmd, TrainArgs *a, const ArgInputs *inputs)
{
    if (inputs->n == 0)
        return args_usage_error(cmd, "name the clean traces or normal sessions to train on");
    if (!a->out)
        return args_usage_error(cmd, "name the model file to write with -o MODEL");
    bool seq2seq = strcmp(a->kind, "seq2seq") == 0;
    if (!seq2seq && strcmp(a->kind, "deeplog") != 0)
        return args_usage_error(cmd, "--model %s: the models are deeplog and seq2seq", a->kind);
    apply_defaults(a, seq2seq);
    TraceSet set;
    trace_set_init(&set);
    int status = EXIT_ERROR;
    Error err = {0};
    static char *const specials[SEQ2SEQ_FIRST_KEY] = {"<pad>", "<start>", "<unk>"};
    if (seq2seq && !model_vocab_seed(&set, specials, SEQ2SEQ_FIRST_KEY, &err))
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
    else if (trace_args_load(cmd, &a->traces, inputs, &set))
        status = seq2seq ? train_seq2seq(cmd, a, &set) : train_deeplog(cmd, a, &set);
    trace_set_free(&set);
    return status;
}

static TrainArgs args = {.kind = "deeplog", .window = 10, .layers = 2, .top_g = 9, .seed = 1, .embed = 64,
                         .attn = 128, .tx = 5, .ty = 5, .stride = 5, .segment = 1000, .holdout = 0.2f, .k = 3};

static const ArgSpec specs[] = {
    {"model", 'm', ARG_STRING, &args.kind, "KIND", "the model to train: deeplog (default) or seq2seq"},
    {"output", 'o', ARG_STRING, &args.out, "MODEL", "the model file to write (safetensors)"},
    {"hidden", 0, ARG_UNITS, &args.hidden, "N", "LSTM/GRU units (deeplog 64, seq2seq 128)"},
    {"epochs", 'e', ARG_UINT(1, 1000000000), &args.epochs, "N", "passes over the training windows (deeplog 30, seq2seq 40)"},
    {"batch", 0, ARG_UINT(1, 65536), &args.batch, "N", "windows per step (deeplog 256, seq2seq 64)"},
    {"lr", 0, ARG_FLOAT(1e-7, 1), &args.learning_rate, "RATE", "Adam learning rate (0.002)"},
    {"window", 0, ARG_WINDOW, &args.window, "H", "deeplog: keys read to predict the next (10)"},
    {"layers", 0, ARG_LAYERS, &args.layers, "L", "deeplog: stacked LSTM layers (2)"},
    {"top-g", 'g', ARG_TOP_G, &args.top_g, "G", "deeplog: candidates that count as a hit (9)"},
    {"embed", 0, ARG_UNITS, &args.embed, "N", "seq2seq: key embedding size (64)"},
    {"attn", 0, ARG_UNITS, &args.attn, "N", "seq2seq: attention units (128)"},
    {"tx", 0, ARG_STEPS, &args.tx, "N", "seq2seq: keys read (5)"},
    {"ty", 0, ARG_STEPS, &args.ty, "N", "seq2seq: keys predicted (5)"},
    {"stride", 0, ARG_STRIDE, &args.stride, "N", "seq2seq: events between scored windows (5)"},
    {"segment", 0, ARG_SEGMENT, &args.segment, "N", "seq2seq: events per scored segment (1000)"},
    {"holdout", 0, ARG_FLOAT(0, 0.9), &args.holdout, "SHARE", "seq2seq: the last share of each trace held back to calibrate on (0.2)"},
    {"k", 0, ARG_K, &args.k, "K", "seq2seq: threshold = mean + K std of held-back segment rates (3)"},
    {"seed", 's', ARG_UINT(0, UINT64_MAX), &args.seed, "S", "seed of the initial weights and the shuffling (1)"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    (void)err; /* train prints its own errors */
    return train(cmd, cmd->args, inputs);
}

const Command cmd_train = {
    .name = "train",
    .usage = "train [--model deeplog|seq2seq] [OPTIONS] -o MODEL TRAIN...",
    .summary = "train a sequence model on clean traces or normal sessions",
    .details =
        "deeplog: an LSTM reads windows of H keys and learns to predict the next.\n"
        "seq2seq: a GRU encoder reads Tx keys; a GRU decoder with attention predicts the next Ty.\n"
        "It trains on the first part of each clean trace and sets its threshold on the rest.\n"
        "Each distinct window is trained on once per epoch, weighted by how often it occurs. The\n"
        "same seed gives the same model. Ctrl-C stops after the current batch and saves the model\n"
        "as trained so far (exit status 130).\n\n"
        "Examples:\n  traceaid train --model deeplog -o hdfs.safetensors --sessions hdfs_train\n"
        "  traceaid train --model seq2seq -o flight.safetensors samples/traces/clean-*.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
