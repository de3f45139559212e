/* traceaid TRACE...: what was loaded, a line per file. */
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "../tui/explorer.h"
#include "../tui/loader.h"
#include "commands.h"
#include "format.h"
#include "scoring.h"

static const char *format_name(const Trace *t)
{
    if (t->format == TRACE_FORMAT_SESSIONS)
        return "sessions";
    return t->structured_log ? "log" : "csv";
}

static void print_trace(const Trace *t, const Vocab *vocab, int path_width)
{
    char events[32], sessions[32];
    uint8_t *seen = calloc(vocab_size(vocab) + 1, 1);
    size_t distinct = 0;
    for (size_t i = 0; seen && i < t->n_events; i++) {
        distinct += !seen[t->key_id[i]];
        seen[t->key_id[i]] = 1;
    }
    free(seen);
    printf("  %-*s  %-8s %11s events %7s session%s %5zu keys", path_width, t->path, format_name(t),
           format_count(events, sizeof events, t->n_events),
           format_count(sessions, sizeof sessions, t->n_sessions), t->n_sessions == 1 ? " " : "s",
           distinct);
    if (t->format == TRACE_FORMAT_CSV && !t->structured_log && t->n_events > 1)
        printf("  %.3f s", (double)(t->time[t->n_events - 1] - t->time[0]) / 1e9);
    printf("\n");
}

static int summary(const Command *cmd, TraceArgs *ta, const ArgInputs *inputs)
{
    TraceSet set;
    trace_set_init(&set);
    if (!trace_args_load(cmd, ta, inputs, &set)) {
        trace_set_free(&set);
        return EXIT_ERROR;
    }
    char total[32];
    printf("Loaded %zu file%s: %s events, %u distinct keys\n", set.n_traces,
           set.n_traces == 1 ? "" : "s", format_count(total, sizeof total, trace_set_events(&set)),
           vocab_size(&set.vocab));
    int path_width = 0;
    for (size_t i = 0; i < set.n_traces; i++) {
        int len = (int)strlen(set.traces[i].path);
        path_width = len > path_width ? len : path_width;
    }
    for (size_t i = 0; i < set.n_traces; i++)
        print_trace(&set.traces[i], &set.vocab, path_width);
    printf("Compare keys across them with 'traceaid stats'; see 'traceaid help'.\n");
    trace_set_free(&set);
    return EXIT_OK;
}

typedef struct OpenArgs {
    ModelArgs model;
    TraceArgs traces;
    const char *theme, *script;
} OpenArgs;

/* The explorer over the traces, loaded and scored in a worker while it draws. */
static int explore(OpenArgs *a, const ArgInputs *inputs, Error *err)
{
    Loader loader;
    ExplorerOptions opt = {.theme = a->theme, .script = a->script};
    bool ok = loader_start(&loader, &a->model, &a->traces, inputs, err) &&
              explorer_run(&loader, a->model.path != NULL, &opt, err);
    loader_free(&loader);
    return ok ? EXIT_OK : EXIT_ERROR; /* failed: main reports err, cancelled ones with 130 */
}

static int open_traces(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    OpenArgs *a = cmd->args;
    if (inputs->n == 0)
        return args_usage_error(cmd, "name at least one trace");
    if (a->script || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)))
        return explore(a, inputs, err);
    return summary(cmd, &a->traces, inputs);
}

static OpenArgs args;

static const ArgSpec specs[] = {
    MODEL_ARG_SPECS(&args.model),
    SEGMENT_ARG_SPEC(&args.model),
    {"theme", 0, ARG_STRING, &args.theme, "NAME|PATH", "default, dark, light, high-contrast, mono, or a theme file"},
    {"script", 0, ARG_STRING, &args.script, "FILE", "run the explorer headless from a script of keys and dumps"},
    TRACE_ARG_SPECS(&args.traces),
};

const Command cmd_summary = {
    .name = "open",
    .usage = "TRACE... [--model MODEL] [--theme NAME] [OPTIONS]",
    .summary = "open the traces in the explorer (on a terminal), or summarise them (piped)",
    .details = "On a terminal, the explorer: the segment chart, the event timeline, the flagged\n"
               "segments and the interpretation pane; ? lists the keys (docs/KEYS.md). Piped, a\n"
               "summary of each file. NO_COLOR selects the mono theme.\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = open_traces,
};
