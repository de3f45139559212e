/* The generator's public functions (samples/gen.h). The generator is a small discrete-event
 * simulation of the board rather than a script of canned event sequences: threads with
 * priorities on two CPUs, message passing, pulses, interrupts, timers and a preemptive
 * scheduler. Every row is an event the simulated kernel logs as it happens, so timing jitter,
 * drifting sensor clocks and contention reorder the concurrent activities the way they do on
 * a real target, and an injected process disturbs the normal ones through the same scheduler
 * rather than by decree.
 *
 * Where the rest lives, by concern:
 *   rng.h, event_queue.c   random numbers; what is due next
 *   system.h, setup.c      the board's processes and threads; how the trace starts
 *   simulation.c           the loop: take the next event, act, reschedule
 *   scheduler.c            priorities, dispatch, preemption, blocking
 *   timers.c               the clock tick, sleeps, the control loop's timer
 *   interrupts.c           the IMU, GPS UART and network interrupts
 *   messages.c, sync.c     message passing and pulses; the mutex and condition variable
 *   servers.c              the resource managers (drivers, procnto, slogger2)
 *   flight_stack.c         the control loop and its helpers: the clean trace's steady work
 *   injected.c             episodes, and the shell, ls and busy loop that carry them
 *   writer.c               the CSV rows and the ground truth */
#include <stdlib.h>
#include <string.h>

#include "../../io/safe_file.h"
#include "gen_internal.h"

static const char *const kind_names[GEN_KIND_COUNT] = {
    [GEN_CLEAN] = "clean",
    [GEN_FIFO_LS] = "fifo-ls",
    [GEN_FIFO_LS_SPORADIC] = "fifo-ls-sporadic",
    [GEN_FULL_WHILE] = "full-while",
    [GEN_HALF_WHILE] = "half-while",
};

bool gen_kind_parse(const char *name, GenKind *kind)
{
    for (int i = 0; i < GEN_KIND_COUNT; i++) {
        if (name && strcmp(name, kind_names[i]) == 0) {
            *kind = (GenKind)i;
            return true;
        }
    }
    return false;
}

const char *gen_kind_name(GenKind kind)
{
    return (unsigned)kind < GEN_KIND_COUNT ? kind_names[kind] : "unknown";
}

static bool generate(const GenOptions *opt, FILE *trace, FILE *truth, const char *trace_name,
                     const char *truth_name, Error *err)
{
    if (!opt || !trace)
        return error_set(err, "generator: no options or no trace stream");
    if ((unsigned)opt->kind >= GEN_KIND_COUNT)
        return error_set(err, "generator: unknown kind %d", (int)opt->kind);
    Gen *g = malloc(sizeof *g);
    if (!g)
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", trace_name);
    bool ok = gen_init(g, opt, trace, truth) ? simulate(g, trace_name, truth_name, err)
                                             : error_set_code(err, ERROR_NOMEM, "%s: out of memory", trace_name);
    queue_free(&g->queue);
    free(g);
    return ok;
}

bool gen_write_streams(const GenOptions *opt, FILE *trace, FILE *truth, Error *err)
{
    return generate(opt, trace, truth, "trace stream", "truth stream", err);
}

bool gen_write(const GenOptions *opt, const char *trace_path, const char *truth_path, Error *err)
{
    if (!trace_path)
        return error_set(err, "generator: no trace path");
    if (truth_path && strcmp(trace_path, truth_path) == 0)
        return error_set(err, "%s: trace and truth cannot be the same file", trace_path);
    SafeFile trace, truth;
    if (!safe_file_open(&trace, trace_path, err))
        return false;
    if (truth_path && !safe_file_open(&truth, truth_path, err)) {
        safe_file_abort(&trace);
        return false;
    }
    FILE *truth_fp = truth_path ? truth.fp : NULL;
    if (!generate(opt, trace.fp, truth_fp, trace_path, truth_path ? truth_path : "truth", err)) {
        safe_file_abort(&trace);
        if (truth_path)
            safe_file_abort(&truth);
        return false;
    }
    if (!safe_file_commit(&trace, err)) {
        if (truth_path)
            safe_file_abort(&truth);
        return false;
    }
    return !truth_path || safe_file_commit(&truth, err);
}
