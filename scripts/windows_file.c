/* Writes a model's training windows file (MODEL.windows.safetensors, model/training_windows.h)
 * from normal traces, for a model that has none: one trained before the file existed, or in
 * PyTorch. `make fixture-windows` makes the test fixture model's with it.
 *
 *   windows_file MODEL TRACE...     every window of each trace, as the model reads windows
 *
 * A window holding a key the model does not know (DeepLog keeps such a key as an id past its
 * vocabulary) is left out, and the count of those said: the file holds the model's keys only. */
#include <stdio.h>

#include "../core/model_vocab.h"
#include "../io/trace_set.h"
#include "../model/training_windows.h"

static bool write_windows(const char *model_path, char **traces, int n_traces, Error *err)
{
    Model m;
    if (!model_load(&m, model_path, NULL, err))
        return false;
    TraceSet set;
    trace_set_init(&set);
    TraceOptions opt = {0};
    int tx, ty, stride;
    model_window_shape(&m, &tx, &ty, &stride);
    WindowSet ws;
    window_set_init(&ws, tx + ty);
    char out[4096];
    bool ok = model_vocab_seed(&set, &m, err);
    for (int i = 0; ok && i < n_traces; i++) {
        TraceInput input = {traces[i], TRACE_FORMAT_AUTO};
        size_t at = set.n_traces;
        ok = trace_set_load(&set, &input, 1, &opt, err) &&
             model_add_windows(&m, &set.traces[at], 0, set.traces[at].n_events, &ws, err);
    }
    ok = ok && (training_windows_path(model_path, out, sizeof out) ||
                error_set(err, "%s: the name is too long", model_path));
    WindowSet known = {0};
    size_t skipped = 0;
    ok = ok && training_windows_known(&m, &ws, &known, &skipped, err);
    ok = ok && (known.n > 0 || error_set(err, "%s: every window of the traces holds a key the model does not know; "
                                          "no file written", model_path));
    ok = ok && training_windows_save(&m, &known, out, err);
    if (ok)
        printf("%s: %zu distinct windows of %zu%s", out, known.n, known.total, skipped ? "" : "\n");
    if (ok && skipped)
        printf("; left out %zu windows holding a key the model does not know\n", skipped);
    window_set_free(&known);
    window_set_free(&ws);
    trace_set_free(&set);
    model_free(&m);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: windows_file MODEL TRACE...\n");
        return 2;
    }
    Error err = {0};
    if (!write_windows(argv[1], argv + 2, argc - 2, &err)) {
        fprintf(stderr, "windows_file: %s\n", err.msg);
        return 2;
    }
    return 0;
}
