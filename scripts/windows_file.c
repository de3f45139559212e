/* Writes a model's training windows file (MODEL.windows.safetensors, model/training_windows.h)
 * from normal traces, for a model that has none: one trained before the file existed, or in
 * PyTorch. `make fixture-windows` makes the test fixture model's with it.
 *
 *   windows_file MODEL TRACE...     every window of each trace, as the model reads windows */
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
    ok = ok && training_windows_save(&m, &ws, out, err);
    if (ok)
        printf("%s: %zu distinct windows of %zu\n", out, ws.n, ws.total);
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
