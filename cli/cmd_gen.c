/* traceaid gen: writes a sample QNX-style kernel-event trace and its ground truth. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../io/clock.h"
#include "../samples/gen.h"
#include "commands.h"
#include "../io/format.h"
#include "../core/interrupt.h"
#include "../core/outputs.h"

typedef struct Progress {
    double start;
    bool shown;
} Progress;

static void show_progress(uint64_t done, uint64_t total, void *ctx)
{
    Progress *p = ctx;
    double elapsed = clock_seconds() - p->start;
    if (elapsed < 0.5)
        return;
    double rate = (double)done / elapsed;
    fprintf(stderr, "\rgen: %5.1f%%  %.2f M events/s  ETA %.1f s ", 100.0 * (double)done / (double)total,
            rate / 1e6, rate > 0 ? (double)(total - done) / rate : 0.0);
    p->shown = true;
}

/* "dir/name.csv" -> "dir/name.truth" */
static char *default_truth_path(const char *trace_path)
{
    size_t len = strlen(trace_path);
    const char *dot = strrchr(trace_path, '.');
    if (dot && !strchr(dot, '/'))
        len = (size_t)(dot - trace_path);
    char *path = malloc(len + sizeof ".truth");
    if (path)
        sprintf(path, "%.*s.truth", (int)len, trace_path);
    return path;
}

static int generate(const Command *cmd, GenOptions *opt, const char *out, const char *truth)
{
    Progress progress = {.start = clock_seconds()};
    if (isatty(STDERR_FILENO)) {
        opt->progress = show_progress;
        opt->progress_ctx = &progress;
    }
    opt->cancel = interrupt_install();
    /* Standard output gets no ground truth unless a file is named for it. */
    bool to_stdout = strcmp(out, "-") == 0;
    char *truth_path = truth || to_stdout ? NULL : default_truth_path(out);
    Error err = {0};
    NamedPath writes[] = {{"-o", out}, {truth ? "--truth" : "the ground truth", truth ? truth : truth_path}};
    if (!outputs_check(NULL, NULL, 0, writes, 2, &err)) {
        free(truth_path);
        return args_report_error(cmd, &err);
    }
    bool ok = gen_write(opt, out, truth ? truth : truth_path, &err);
    if (progress.shown)
        fprintf(stderr, "\r%60s\r", "");
    free(truth_path);
    if (!ok) {
        fprintf(stderr, "traceaid %s: %s\n", cmd->name, err.msg);
        return *opt->cancel ? interrupt_exit_status() : EXIT_ERROR;
    }
    return EXIT_OK;
}

typedef struct GenArgs {
    const char *kind, *out, *truth;
    uint64_t events, seed;
} GenArgs;

static int gen(const Command *cmd, const GenArgs *a, const ArgInputs *inputs)
{
    GenOptions opt = {.n_events = a->events, .seed = a->seed};
    if (inputs->n > 0)
        return args_usage_error(cmd, "unexpected argument '%s'", inputs->items[0].path);
    if (!a->out)
        return args_usage_error(cmd, "name the output file with -o FILE");
    if (!gen_kind_parse(a->kind, &opt.kind))
        return args_usage_error(cmd, "unknown kind '%s' (clean, fifo-ls, fifo-ls-sporadic, "
                                     "full-while, half-while)", a->kind);
    return generate(cmd, &opt, a->out, a->truth);
}

static GenArgs args = {.kind = "clean", .events = 50000, .seed = 1};

static const ArgSpec specs[] = {
    {"kind", 'k', ARG_STRING, &args.kind, "KIND", "clean, fifo-ls, fifo-ls-sporadic, full-while or half-while"},
    {"events", 'n', ARG_UINT(1, 10000000000), &args.events, "N", "number of events (50000)"},
    {"seed", 's', ARG_UINT(0, UINT64_MAX), &args.seed, "S", "random seed: the same seed gives the same trace (1)"},
    {"output", 'o', ARG_STRING, &args.out, "FILE", "the trace CSV to write ('-' for standard output)"},
    {"truth", 0, ARG_STRING, &args.truth, "FILE", "the ground truth to write (FILE's name with .truth)"},
};

static int run(const Command *cmd, const ArgInputs *inputs, Error *err)
{
    (void)err; /* gen prints its own errors */
    return gen(cmd, cmd->args, inputs);
}

const Command cmd_gen = {
    .name = "gen",
    .usage = "gen [--kind KIND] [--events N] [--seed S] -o FILE",
    .summary = "write a sample QNX-style kernel trace of a hexacopter flight controller",
    .details =
        "The trace is a CSV (timestamp,cpu,class,event,pid,tid,process,detail): a flight\n"
        "controller run hardware-in-the-loop, its control loop driven by a timer pulse. The\n"
        "anomalous kinds start clean; the injected behaviour then comes and goes in episodes:\n"
        "  fifo-ls           a shell runs ls at FIFO priority, over and over\n"
        "  fifo-ls-sporadic  the same in sporadic bursts\n"
        "  full-while        a busy loop hogs the CPU and preempts the control loop\n"
        "  half-while        the busy loop at half duty cycle\n"
        "Beside the trace goes its ground truth (CSV: first_event,last_event,episode), the runs\n"
        "of events the injected behaviour produced. Same kind, events and seed: same bytes.\n\n"
        "Example:\n  traceaid gen --kind full-while --events 50000 --seed 7 -o full-while.csv\n",
    .specs = specs,
    .n_specs = ARG_COUNT(specs),
    .args = &args,
    .run = run,
};
