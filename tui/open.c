/* traceaid open TRACE... (or traceaid TRACE...): the explorer on a terminal, a summary piped or
 * on a terminal that cannot place the cursor (TERM=dumb). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "../core/model_args.h"
#include "../core/summary.h"
#include "explorer.h"
#include "loader.h"

/* Piped: what was loaded, a line per file. */
static int summary(TraceRequest *tr, const ArgInputs *inputs, Error *err)
{
    TraceSet set;
    trace_set_init(&set);
    bool ok = trace_args_load(tr, inputs, &set, err);
    if (ok)
        summary_print(stdout, &set);
    trace_set_free(&set);
    return ok ? EXIT_OK : EXIT_ERROR;
}

typedef struct OpenArgs {
    ModelRequest model;
    TraceRequest traces;
    const char *theme, *script;
    const char *normal, *abnormal;  /* labelled files, as eval names them */
} OpenArgs;

/* The traces named, then --normal's and --abnormal's files, each labelled; labels NULL when
 * neither was given (the loader then reads labels from the names, when they tell). */
typedef struct LabelledInputs {
    TraceInput *items;
    uint8_t *labels;
    size_t n;
} LabelledInputs;

static void add_input(LabelledInputs *in, TraceInput input, TraceLabel label)
{
    in->items[in->n] = input;
    in->labels[in->n++] = (uint8_t)label;
}

/* The explorer over the traces, loaded and scored in a worker while it draws. */
static int explore(OpenArgs *a, const LabelledInputs *in, Error *err)
{
    bool labelled = a->normal || a->abnormal;
    Loader loader;
    ExplorerOptions opt = {.theme = a->theme, .script = a->script};
    const uint8_t *labels = labelled ? in->labels : NULL;
    /* a script's worker holds after the preview: its `wait` commands say when it goes on */
    bool ok = (a->script ? loader_start_held(&loader, &a->model, &a->traces, in->items, labels, in->n, err)
                         : loader_start_labelled(&loader, &a->model, &a->traces, in->items, labels, in->n, err)) &&
              explorer_run(&loader, a->model.path != NULL, &opt, err);
    loader_free(&loader);
    return ok ? EXIT_OK : EXIT_ERROR; /* failed: main reports err, cancelled ones with 130 */
}

static int open_labelled(OpenArgs *a, LabelledInputs *in, const ArgInputs *inputs, Error *err)
{
    for (size_t i = 0; i < inputs->n; i++)
        add_input(in, inputs->items[i], TRACE_UNLABELLED);
    if (a->normal)
        add_input(in, (TraceInput){a->normal, TRACE_FORMAT_AUTO}, TRACE_NORMAL);
    if (a->abnormal)
        add_input(in, (TraceInput){a->abnormal, TRACE_FORMAT_AUTO}, TRACE_ABNORMAL);
    ArgInputs all = {.items = in->items, .n = in->n, .cap = in->n};
    if (a->script)
        return explore(a, in, err);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return summary(&a->traces, &all, err);
    char why[128];
    if (explorer_terminal_usable(why, sizeof why))
        return explore(a, in, err);
    /* a terminal that cannot draw the explorer: what the explorer would have opened, in lines */
    fprintf(stderr, "traceaid: %s: a summary in place of the explorer\n", why);
    return summary(&a->traces, &all, err);
}

static int open_traces(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    OpenArgs *a = cmd->args;
    if (inputs->n == 0 && !a->normal && !a->abnormal)
        return args_usage_error(cmd, "name at least one trace");
    LabelledInputs in = {malloc((inputs->n + 2) * sizeof *in.items), malloc(inputs->n + 2), 0};
    int status = in.items && in.labels ? open_labelled(a, &in, inputs, err) : (error_nomem(err), EXIT_ERROR);
    free(in.items);
    free(in.labels);
    return status;
}

static OpenArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SEGMENT_ARG_SPEC(&args.model),
    SCORE_OVERRIDE_ARG_SPECS(&args.model),
    {"theme", 0, ARG_STRING, &args.theme, "NAME|PATH", "default, dark, light, high-contrast, mono, or a theme file"},
    {"script", 0, ARG_STRING, &args.script, "FILE", "run the explorer headless from a script of keys and dumps"},
    {"normal", 0, ARG_STRING, &args.normal, "FILE", "sessions known to be normal: opened too, its flagged sessions false positives"},
    {"abnormal", 0, ARG_STRING, &args.abnormal, "FILE", "sessions known to be anomalous: opened too, counted as eval counts"},
    TRACE_ARG_SPECS(&args.traces),
};

const Command cmd_open = {
    .name = "open",
    .usage = "TRACE... [--model MODEL] [--normal FILE --abnormal FILE] [--theme NAME] [OPTIONS]",
    .summary = "open the traces in the explorer (on a terminal), or summarise them (piped)",
    .details = "On a terminal, the explorer: the segment chart, the event timeline, the flagged\n"
               "segments and the interpretation pane; ? lists the keys (docs/KEYS.md). Piped, or\n"
               "on a terminal that cannot place the cursor (TERM=dumb), a summary of each file.\n"
               "NO_COLOR selects the mono theme; a UTF-8 locale gets the chart in block characters.\n"
               "Traces of sessions are judged session by session; --normal and --abnormal open labelled\n"
               "files, and the header shows FP, FN, TP and F1 over distinct sessions, as eval counts.\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = open_traces,
};
