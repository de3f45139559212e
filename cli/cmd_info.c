/* traceaid info: what a model file holds. */
#include <string.h>

#include "../io/safetensors.h"
#include "../model/model.h"
#include "../model/training_windows.h"
#include "commands.h"
#include "../io/format.h"
#include "../core/model_args.h"

static void print_tensors(const SafeTensors *st)
{
    printf("tensors:\n");
    for (size_t i = 0; i < st->n_tensors; i++) {
        const StTensor *t = &st->tensors[i];
        char shape[64] = "[";
        for (int d = 0; d < t->ndim; d++)
            snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%lld", d ? ", " : "", (long long)t->shape[d]);
        printf("  %-28s F32 %s]\n", t->name, shape);
    }
}

static void print_model(Model *model)
{
    const Calibration *cal = model_calibration(model);
    char line[512];
    model_describe(model, line, sizeof line);
    printf("%s\n", line);
    char rule[64], score[96], threshold[32], length[32];
    format_count(length, sizeof length, (uint64_t)cal->segment);
    calibration_rule_text(cal, rule, sizeof rule);
    calibration_score_text(cal, score, sizeof score);
    if (cal->calibrated)
        printf("threshold: %s (%s of clean segments of %s events%s%s)\n",
               scores_format(cal->score, cal->threshold, 4, threshold, sizeof threshold), rule, length,
               cal->score == SCORE_MISS && !cal->smooth ? "" : "; score: ",
               cal->score == SCORE_MISS && !cal->smooth ? "" : score);
    else
        printf("threshold: not calibrated (traceaid calibrate); segments of %s events\n", length);
    /* the stored choices by their option names, as train and calibrate take them */
    printf("scoring: --score %s --smooth %d --threshold-rule %s --k %g --quantile %g --margin %g --top-g %d\n",
           score_rule_name(cal->score), cal->smooth, threshold_rule_name(cal->threshold_rule), cal->k, cal->quantile,
           cal->margin, model_top_g(model));
    int n_keys;
    char *const *names = model_key_names(model, &n_keys);
    printf("keys:");
    for (int k = 0; k < n_keys && k < 12; k++)
        printf(" %s", names[k]);
    char all[32];
    printf(n_keys > 12 ? " ... (%s in all)\n" : "\n", format_count(all, sizeof all, (uint64_t)n_keys));
    uint64_t learned = model_learned_windows(model);
    if (learned) {
        char count[32];
        printf("learned: %s window%s by traceaid update since training\n",
               format_count(count, sizeof count, learned), learned == 1 ? "" : "s");
    }
}

static int info(const Command *cmd, const ArgInputs *inputs, uint64_t window, uint64_t top_g)
{
    if (inputs->n != 1)
        return args_usage_error(cmd, "name one model file");
    const char *path = inputs->items[0].path;
    SafeTensors st;
    Error err = {0};
    if (!safetensors_load(&st, path, &err)) {
        training_windows_name_misgiven(path, &err);
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
        return EXIT_ERROR;
    }
    printf("%s\n", path);
    ModelLoadDefaults defaults = {.window = (int)window, .top_g = (int)top_g};
    Model m;
    int status = EXIT_OK;
    if (model_from_safetensors(&m, &st, path, &defaults, &err)) {
        print_model(&m);
        model_free(&m);
    } else {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
        status = EXIT_ERROR;
    }
    if (st.n_meta) {
        printf("metadata:\n");
        for (size_t i = 0; i < st.n_meta; i++)
            printf("  %-10s %.100s%s\n", st.meta_keys[i], st.meta_values[i], strlen(st.meta_values[i]) > 100 ? "..." : "");
    } else {
        printf("metadata: none (a bare state_dict: window %llu and top-g %llu from options)\n",
               (unsigned long long)window, (unsigned long long)top_g);
    }
    print_tensors(&st);
    safetensors_free(&st);
    return status;
}

typedef struct InfoArgs {
    uint64_t window, top_g;
} InfoArgs;

static InfoArgs args = {.window = 10, .top_g = 9};

static const ArgSpec specs[] = {
    {"window", 0, ARG_WINDOW, &args.window, "H", "window of a model file without metadata (10)"},
    {"top-g", 'g', ARG_TOP_G, &args.top_g, "G", "top-g of a model file without metadata (9)"},
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    (void)err; /* info prints its own errors */
    const InfoArgs *a = cmd->args;
    return info(cmd, inputs, a->window, a->top_g);
}

const Command cmd_info = {
    .name = "info",
    .usage = "info MODEL",
    .summary = "what a model file holds: kind, sizes, vocabulary, threshold, tensors",
    .details = NULL,
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
