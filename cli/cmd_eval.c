/* traceaid eval: detection quality on labelled normal and abnormal sessions. */
#include <string.h>

#include "../core/model_args.h"
#include "commands.h"
#include "../io/format.h"
#include "../io/json.h"
#include "../core/interrupt.h"
#include "../core/model_vocab.h"
#include "../core/scored_set.h"

typedef struct EvalArgs {
    ModelRequest model;
    const char *normal, *abnormal;
    bool json;
    TraceRequest traces;
} EvalArgs;

static void print_counts(const EvalArgs *a, const Model *m, const EvalCounts *c)
{
    double precision = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
    double recall = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
    double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    int window, ty, stride, top_g = model_top_g(m);
    model_window_shape(m, &window, &ty, &stride);
    if (a->json) {
        printf("{\"model\":");
        json_write_string(stdout, a->model.path);
        printf(",\"window\":%d,\"top_g\":%d,\"fp\":%zu,\"fn\":%zu,\"tp\":%zu,"
               "\"tn\":%zu,\"precision\":%.6f,\"recall\":%.6f,\"f1\":%.6f,\"windows\":%zu,"
               "\"distinct_windows\":%zu,\"seconds\":%.3f}\n", window,
               top_g, c->fp, c->fn, c->tp, c->tn, precision, recall, f1, c->windows,
               c->distinct_windows, c->seconds);
        return;
    }
    char n1[32], n2[32], n3[32], n4[32];
    printf("model %s: window %d, top-g %d\n", a->model.path, window, top_g);
    printf("sessions   %s normal, %s abnormal (distinct)\n",
           format_count(n1, sizeof n1, c->tn + c->fp), format_count(n2, sizeof n2, c->tp + c->fn));
    printf("FP %s  FN %s  TP %s  TN %s\n", format_count(n1, sizeof n1, c->fp),
           format_count(n2, sizeof n2, c->fn), format_count(n3, sizeof n3, c->tp),
           format_count(n4, sizeof n4, c->tn));
    printf("precision %.2f%%  recall %.2f%%  F1 %.2f%%\n", 100 * precision, 100 * recall, 100 * f1);
    printf("%s next-key predictions (%s distinct windows) in %.2f s\n",
           format_count(n1, sizeof n1, c->windows), format_count(n2, sizeof n2, c->distinct_windows),
           c->seconds);
}

static int eval(const Command *cmd, EvalArgs *a, const ArgInputs *inputs, Error *err)
{
    if (inputs->n > 0)
        return args_usage_error(cmd, "unexpected argument '%s'", inputs->items[0].path);
    if (!a->model.path || !a->normal || !a->abnormal)
        return args_usage_error(cmd, "name --model, --normal and --abnormal");
    Model model;
    if (!model_request_load(&a->model, &model, err))
        return EXIT_ERROR;
    if (!model_has_eval(&model)) {
        fprintf(stderr, "traceaid %s: %s is a %s model; eval follows the DeepLog protocol (use "
                        "traceaid score for traces)\n", cmd->name, a->model.path, model_kind_name(&model));
        model_free(&model);
        return EXIT_ERROR;
    }
    int status = EXIT_ERROR;
    TraceSet set;
    trace_set_init(&set);
    TraceInput files[2] = {{a->normal, TRACE_FORMAT_AUTO}, {a->abnormal, TRACE_FORMAT_AUTO}};
    EvalCounts counts;
    TraceOptions opt = a->traces.opt;
    opt.cancel = interrupt_install();
    if (model_vocab_seed(&set, &model, err) && trace_set_load(&set, files, 2, &opt, err) &&
        model_eval(&model, &set.traces[0], &set.traces[1], &counts, opt.cancel, err)) {
        print_counts(a, &model, &counts);
        status = EXIT_OK;
    }
    trace_set_free(&set);
    model_free(&model);
    return status;
}

static EvalArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    {"normal", 0, ARG_STRING, &args.normal, "FILE", "sessions (or a trace) known to be normal"},
    {"abnormal", 0, ARG_STRING, &args.abnormal, "FILE", "sessions known to be anomalous"},
    {"json", 0, ARG_FLAG, &args.json, NULL, "print the figures as one JSON object"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    return eval(cmd, cmd->args, inputs, err);
}

const Command cmd_eval = {
    .name = "eval",
    .usage = "eval --model MODEL --normal FILE --abnormal FILE [--top-g G]",
    .summary = "detection quality on labelled sessions: FP, FN, precision, recall, F1",
    .details =
        "The DeepLog protocol: duplicate sessions are scored once; a session is anomalous when\n"
        "a next key falls outside the model's top-g candidates, when it holds a key the model\n"
        "does not know, or when it is shorter than window + 1 keys.\n\n"
        "Example:\n  traceaid eval --model hdfs.safetensors --normal hdfs_test_normal --abnormal hdfs_test_abnormal\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
