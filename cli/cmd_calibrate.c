/* traceaid calibrate: the threshold from clean traces, stored in the model. */

#include "../core/model_args.h"
#include "../core/model_templates.h"
#include "../core/outputs.h"
#include "commands.h"
#include "../io/format.h"
#include "../core/calibrate.h"
#include "../core/interrupt.h"
#include "../core/scored_set.h"
#include "../model/training_windows.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

typedef struct CalibrateArgs {
    ModelRequest model;
    TraceRequest traces;
    const char *out;
    float holdout;      /* > 0: only the last share of each trace */
    CalibrationRequest calibration;
} CalibrateArgs;

/* The model with the rules asked for, its traces scored by them. */
static bool load_with_rules(ScoredSet *s, CalibrateArgs *a, const ArgInputs *inputs, Error *err)
{
    if (!scored_args_load(s, &a->model, &a->traces, inputs, err))
        return false;
    Calibration *cal = model_calibration(&s->model);
    Calibration before = *cal;
    if (!calibration_request_apply(&a->calibration, cal, err))
        return false;
    if (cal->score == before.score && cal->smooth == before.smooth)
        return true;
    return scored_set_resegment(s, (size_t)cal->segment, err);
}

/* A model written elsewhere (-o) takes its training windows file along: calibration changes no
 * parameter, so the file is still the new model's, and without it the model would lose its
 * nearest normal window. Read and checked against the model, then written as train writes it
 * (a temporary file renamed into place). A file that is not the model's is not carried on, with
 * a warning; no file, or an output that is no regular file, is nothing to do. False only when
 * writing the copy failed. */
static bool copy_windows(const Command *cmd, const Model *m, const char *from_model, const char *to_model, Error *err)
{
    char from[4096], to[4096];
    struct stat info;
    if (!training_windows_path(from_model, from, sizeof from) || !training_windows_path(to_model, to, sizeof to) ||
        strcmp(from, to) == 0 || (stat(from, &info) != 0 && errno == ENOENT))
        return true;
    if (strcmp(to_model, "-") == 0 || strncmp(to_model, "/dev/", 5) == 0 || strncmp(to_model, "/proc/", 6) == 0 ||
        (stat(to_model, &info) == 0 && !S_ISREG(info.st_mode)))
        return true; /* a device or a pipe has no folder to put it in, as for train */
    WindowSet ws;
    TrainingWindowsInfo about;
    Error why = {0};
    if (!training_windows_load(m, from, &ws, &about, &why)) {
        if (why.code == ERROR_NOMEM)
            return error_set_code(err, ERROR_NOMEM, "%s", why.msg);
        fprintf(stderr, "traceaid %s: warning: %s; not copied beside %s\n", cmd->name, why.msg, to_model);
        return true;
    }
    bool ok = true;
    if (!about.same_params)
        fprintf(stderr, "traceaid %s: warning: %s: written for other weights of this model; not copied beside %s\n",
                cmd->name, from, to_model);
    else if ((ok = training_windows_save(m, &ws, to, err)))
        fprintf(stderr, "calibrate: copied its training windows to %s\n", to);
    window_set_free(&ws);
    return ok;
}

static int calibrate(const Command *cmd, CalibrateArgs *a, const ArgInputs *inputs, Error *err)
{
    if (!a->model.path)
        return args_usage_error(cmd, "name the model with --model MODEL");
    if (inputs->n == 0)
        return args_usage_error(cmd, "name the clean traces to calibrate on");
    const char *out = a->out ? a->out : a->model.path;
    /* The model is no input to protect: replacing it is calibrate's default. */
    NamedPath reads[] = {{"--meanings", a->traces.meanings_path}};
    NamedPath writes[] = {{a->out ? "-o" : "--model", out}};
    if (!outputs_check(inputs, reads, 1, writes, 1, err))
        return EXIT_ERROR;
    ScoredSet s;
    size_t used = 0;
    bool ok = load_with_rules(&s, a, inputs, err) &&
              (a->holdout > 0 ? calibrate_held_back(&s.model, &s.set, a->holdout, interrupt_install(), &used, err)
                              : calibrate_from_scores(model_calibration(&s.model), s.scores, s.set.n_traces, &used, err));
    if (ok)
        calibrate_warn_if_few(stderr, "calibrate", used);
    if (ok) {
        const Calibration *cal = model_calibration(&s.model);
        scored_set_set_threshold(&s, cal->threshold);
        size_t segments = 0, flagged = 0;
        for (size_t i = 0; i < s.set.n_traces; i++) { /* with --holdout, of the held-back parts only */
            size_t first = a->holdout > 0 ? holdout_start(&s.set.traces[i], a->holdout, (size_t)cal->segment) /
                                                (size_t)cal->segment : 0;
            for (size_t seg = first; seg < s.scores[i].n_segments; seg++)
                segments++, flagged += s.scores[i].flagged[seg];
        }
        bool templates_copied; /* the model's raw-log templates go along, as its windows do */
        ok = model_save(&s.model, out, err) && copy_windows(cmd, &s.model, a->model.path, out, err) &&
             model_templates_copy(a->model.path, out, &templates_copied, err);
        char threshold[32], rule[160], n_segments[32], length[32], traces[32], above[32];
        calibration_describe(cal, rule, sizeof rule);
        if (ok)
            printf("calibrated on %s segments of %s events in %s clean trace%s: threshold %s (%s); %s clean "
                   "segments above it; wrote %s\n", format_count(n_segments, sizeof n_segments, segments),
                   format_count(length, sizeof length, (uint64_t)cal->segment),
                   format_count(traces, sizeof traces, s.set.n_traces), s.set.n_traces == 1 ? "" : "s",
                   scores_format(cal->score, cal->threshold, 4, threshold, sizeof threshold), rule,
                   format_count(above, sizeof above, flagged), out);
    }
    scored_set_free(&s);
    return ok ? EXIT_OK : EXIT_ERROR;
}

static CalibrateArgs args = {.calibration = CALIBRATION_REQUEST_NONE};

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SEGMENT_ARG_SPEC(&args.model),
    CALIBRATION_ARG_SPECS(&args.calibration),
    {"output", 'o', ARG_STRING, &args.out, "MODEL", "write the calibrated model here (the model itself)"},
    {"holdout", 0, ARG_FLOAT(0, 0.9), &args.holdout, "SHARE",
     "calibrate on the last SHARE of each trace only: the part train held back of its traces (all)"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    return calibrate(cmd, cmd->args, inputs, err);
}

const Command cmd_calibrate = {
    .name = "calibrate",
    .usage = "calibrate --model MODEL [--score miss|nll] [--smooth R] [--threshold-rule std|quantile] [--k K] "
             "[--quantile Q] [--margin M] [--segment N] CLEAN...",
    .summary = "set the model's threshold from clean traces: mean + k std (or a quantile) of their segment scores",
    .details =
        "Scores the clean traces (use ones the model was not trained on), and stores in the model\n"
        "the segment length, the score and threshold rules and the threshold: by the std rule,\n"
        "mean + K population standard deviations of the clean segments' scores; by the quantile\n"
        "rule, their Q-quantile (linearly interpolated) + M interquartile ranges. A rule not given\n"
        "keeps the model's. traceaid score then flags segments above the threshold.\n\n"
        "Example:\n  traceaid calibrate --model flight.safetensors samples/traces/clean-09.csv samples/traces/clean-10.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
