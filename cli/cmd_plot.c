/* traceaid plot: a trace's segment scores, the threshold and the flags, as SVG. */
#include <stdlib.h>
#include <string.h>

#include "../io/svg_plot.h"
#include "../io/truth.h"
#include "../core/model_args.h"
#include "../core/outputs.h"
#include "commands.h"
#include "../io/format.h"
#include "../core/scored_set.h"

typedef struct PlotArgs {
    ModelRequest model;
    TraceRequest traces;
    const char *out, *truth;
} PlotArgs;

static int plot(const Command *cmd, PlotArgs *a, const ArgInputs *inputs, Error *err)
{
    if (!a->model.path)
        return args_usage_error(cmd, "name the model with --model MODEL");
    if (inputs->n != 1)
        return args_usage_error(cmd, "name one trace to plot");
    if (!a->out)
        return args_usage_error(cmd, "name the SVG file to write with -o FILE");
    NamedPath reads[] = {{"--model", a->model.path}, {"--meanings", a->traces.meanings_path}, {"--truth", a->truth}};
    NamedPath writes[] = {{"-o", a->out}};
    if (!outputs_check(inputs, reads, 3, writes, 1, err))
        return EXIT_ERROR;
    ScoredSet s;
    if (!scored_args_load(&s, &a->model, &a->traces, inputs, err)) {
        scored_set_free(&s);
        return EXIT_ERROR;
    }
    const Scores *sc = &s.scores[0];
    uint8_t *bad = a->truth ? calloc(sc->n_segments + 1, 1) : NULL;
    bool ok = !a->truth || (bad ? truth_mark_segments(a->truth, &s.set.traces[0], sc->segment_len, sc->n_segments, bad, err)
                                : error_nomem(err));
    char title[512], line_label[64], x_label[64];
    char n_flagged[32], n_segments[32], length[32];
    snprintf(title, sizeof title, "%s: %s of %s segments flagged (%s model)", format_basename(s.set.traces[0].path),
             format_count(n_flagged, sizeof n_flagged, sc->n_flagged),
             format_count(n_segments, sizeof n_segments, sc->n_segments), model_kind_name(&s.model));
    char threshold[32];
    snprintf(line_label, sizeof line_label, "threshold %s", scores_format(sc->rule, sc->threshold, 2, threshold, sizeof threshold));
    snprintf(x_label, sizeof x_label, "event (segments of %s)", format_count(length, sizeof length, sc->segment_len));
    bool nll = sc->rule == SCORE_NLL;
    SvgPlot p = {.title = title, .x_label = x_label,
                 .y_label = nll ? "mean negative log-likelihood" : "misclassification rate", .plain = nll,
                 .n_points = sc->n_segments, .values = sc->score, .marked = sc->flagged, .shaded = bad,
                 .shaded_label = "injected (ground truth)", .x_step = (double)sc->segment_len,
                 .has_line = sc->has_threshold, .line = sc->threshold, .line_label = line_label};
    ok = ok && svg_plot_write(&p, a->out, err);
    free(bad);
    size_t flagged = sc->n_flagged;
    scored_set_free(&s);
    return !ok ? EXIT_ERROR : flagged ? EXIT_ANOMALY : EXIT_OK;
}

static PlotArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SEGMENT_ARG_SPEC(&args.model),
    SCORE_OVERRIDE_ARG_SPECS(&args.model),
    {"output", 'o', ARG_STRING, &args.out, "FILE", "the SVG file to write"},
    {"truth", 0, ARG_STRING, &args.truth, "FILE", "shade the segments this ground truth marks (the files eval --truth reads)"},
    TRACE_ARG_SPECS(&args.traces),
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    return plot(cmd, cmd->args, inputs, err);
}

const Command cmd_plot = {
    .name = "plot",
    .usage = "plot --model MODEL TRACE -o FILE.svg [--truth FILE]",
    .summary = "the segment scores of a trace with the threshold line and the flags, as SVG",
    .details = "Exit status 1 when a segment is flagged, as for score.\n\n"
               "Example:\n  traceaid plot --model flight.safetensors samples/traces/full-while-01.csv -o full-while.svg \\\n"
               "      --truth samples/traces/full-while-01.truth\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
