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
} OpenArgs;

/* The explorer over the traces, loaded and scored in a worker while it draws. */
static int explore(OpenArgs *a, const ArgInputs *inputs, Error *err)
{
    Loader loader;
    ExplorerOptions opt = {.theme = a->theme, .script = a->script};
    bool ok = loader_start(&loader, &a->model, &a->traces, inputs->items, inputs->n, err) &&
              explorer_run(&loader, a->model.path != NULL, &opt, err);
    loader_free(&loader);
    return ok ? EXIT_OK : EXIT_ERROR; /* failed: main reports err, cancelled ones with 130 */
}

static int open_traces(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    OpenArgs *a = cmd->args;
    if (inputs->n == 0)
        return args_usage_error(cmd, "name at least one trace");
    if (a->script)
        return explore(a, inputs, err);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return summary(&a->traces, inputs, err);
    char why[128];
    if (explorer_terminal_usable(why, sizeof why))
        return explore(a, inputs, err);
    /* a terminal that cannot draw the explorer: what the explorer would have opened, in lines */
    fprintf(stderr, "traceaid: %s: a summary in place of the explorer\n", why);
    return summary(&a->traces, inputs, err);
}

static OpenArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SEGMENT_ARG_SPEC(&args.model),
    SCORE_OVERRIDE_ARG_SPECS(&args.model),
    {"theme", 0, ARG_STRING, &args.theme, "NAME|PATH", "default, dark, light, high-contrast, mono, or a theme file"},
    {"script", 0, ARG_STRING, &args.script, "FILE", "run the explorer headless from a script of keys and dumps"},
    TRACE_ARG_SPECS(&args.traces),
};

const Command cmd_open = {
    .name = "open",
    .usage = "TRACE... [--model MODEL] [--theme NAME] [OPTIONS]",
    .summary = "open the traces in the explorer (on a terminal), or summarise them (piped)",
    .details = "On a terminal, the explorer: the segment chart, the event timeline, the flagged\n"
               "segments and the interpretation pane; ? lists the keys (docs/KEYS.md). Piped, or\n"
               "on a terminal that cannot place the cursor (TERM=dumb), a summary of each file.\n"
               "NO_COLOR selects the mono theme; a UTF-8 locale gets the chart in block characters.\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = open_traces,
};
