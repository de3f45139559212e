/* traceaid train: a sequence model from clean traces or normal sessions. */
#include <stdlib.h>
#include <string.h>

#include "../model/deeplog_train.h"
#include "commands.h"
#include "format.h"
#include "interrupt.h"
#include "progress.h"

typedef struct TrainArgs {
    const char *kind, *out;
    uint64_t window, hidden, layers, epochs, batch, top_g, seed;
    const char *learning_rate;
    TraceArgs traces;
} TrainArgs;

static void show_epoch(const TrainProgress *p, void *ctx)
{
    char eta[32], rate[32];
    progress_show(ctx, p->epoch == p->epochs, "epoch %d/%d  loss %.4f  %s windows/s  ETA %s",
                  p->epoch, p->epochs, p->loss, format_count(rate, sizeof rate, (uint64_t)p->windows_per_s),
                  progress_duration(eta, sizeof eta, p->eta_s));
}

static int train_deeplog(const Command *cmd, const TrainArgs *a, const TraceSet *set)
{
    DeepLogConfig cfg = {.n_keys = (int)vocab_size(&set->vocab), .hidden = (int)a->hidden,
                         .layers = (int)a->layers, .window = (int)a->window, .top_g = (int)a->top_g};
    Error err = {0};
    float lr = (float)atof(a->learning_rate);
    if (lr <= 0 || lr > 1)
        return args_usage_error(cmd, "--lr %s: expected a learning rate in (0, 1]", a->learning_rate);
    if (a->epochs < 1 || a->batch < 1 || a->batch > 65536)
        return args_usage_error(cmd, "--epochs must be at least 1 and --batch 1 to 65536");
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
    ProgressLine line;
    progress_init(&line);
    TrainOptions opt = {.epochs = (int)a->epochs, .batch_size = (int)a->batch, .learning_rate = lr,
                        .seed = a->seed, .cancel = interrupt_install(), .progress = show_epoch,
                        .progress_ctx = &line};
    TrainReport report;
    ok = ok && deeplog_train(&model, &ws, &opt, &report, &err);
    progress_done(&line);
    if (ok && report.interrupted)
        fprintf(stderr, "train: interrupted after %d of %d epochs; saving the model as trained so far\n",
                report.epochs_done, opt.epochs);
    ok = ok && deeplog_save(&model, a->out, &err);
    if (ok) {
        char took[32];
        fprintf(stderr, "train: %d epochs in %s, final loss %.4f; wrote %s\n", report.epochs_done,
                progress_duration(took, sizeof took, report.seconds), report.loss, a->out);
    } else {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
    }
    window_set_free(&ws);
    deeplog_free(&model);
    return !ok ? EXIT_ERROR : report.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

static int train(const Command *cmd, TrainArgs *a, const ArgInputs *inputs)
{
    if (inputs->n == 0)
        return args_usage_error(cmd, "name the clean traces or normal sessions to train on");
    if (!a->out)
        return args_usage_error(cmd, "name the model file to write with -o MODEL");
    if (strcmp(a->kind, "deeplog") != 0)
        return args_usage_error(cmd, "--model %s: the models are deeplog", a->kind);
    TraceSet set;
    trace_set_init(&set);
    int status = EXIT_ERROR;
    if (trace_args_load(cmd, &a->traces, inputs, &set))
        status = train_deeplog(cmd, a, &set);
    trace_set_free(&set);
    return status;
}

static int run(const Command *cmd, int argc, char **argv)
{
    TrainArgs a = {.kind = "deeplog", .window = 10, .hidden = 64, .layers = 2, .epochs = 30,
                   .batch = 256, .top_g = 9, .seed = 1, .learning_rate = "0.002"};
    const ArgSpec specs[] = {
        {"model", 'm', ARG_STRING, &a.kind, "KIND", "the model to train: deeplog"},
        {"output", 'o', ARG_STRING, &a.out, "MODEL", "the model file to write (safetensors)"},
        {"window", 0, ARG_UINT, &a.window, "H", "keys read to predict the next (10)"},
        {"hidden", 0, ARG_UINT, &a.hidden, "N", "LSTM units per layer (64)"},
        {"layers", 0, ARG_UINT, &a.layers, "L", "stacked LSTM layers (2)"},
        {"top-g", 'g', ARG_UINT, &a.top_g, "G", "candidates that count as a hit, stored in the model (9)"},
        {"epochs", 'e', ARG_UINT, &a.epochs, "N", "passes over the training windows (30)"},
        {"batch", 0, ARG_UINT, &a.batch, "N", "windows per step (256)"},
        {"lr", 0, ARG_STRING, &a.learning_rate, "RATE", "Adam learning rate (0.002)"},
        {"seed", 's', ARG_UINT, &a.seed, "S", "seed of the initial weights and the shuffling (1)"},
        TRACE_ARG_SPECS(&a.traces),
    };
    ArgInputs inputs = {0};
    int status;
    if (args_begin(cmd, argc, argv, specs, sizeof specs / sizeof specs[0], &inputs, &status))
        status = train(cmd, &a, &inputs);
    args_free(&inputs);
    return status;
}

const Command cmd_train = {
    .name = "train",
    .usage = "train --model deeplog [OPTIONS] -o MODEL TRAIN...",
    .summary = "train a sequence model on clean traces or normal sessions",
    .details =
        "DeepLog: an LSTM reads windows of H keys and learns to predict the next. Each distinct\n"
        "window is trained on once per epoch, weighted by how often it occurs. The same seed\n"
        "gives the same model. Ctrl-C stops after the current batch and saves the model as\n"
        "trained so far (exit status 130).\n\n"
        "Example:\n  traceaid train --model deeplog -o hdfs.safetensors --sessions hdfs_train\n",
    .run = run,
};
