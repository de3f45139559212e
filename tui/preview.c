#include "preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/format.h"
#include "marks_keys.h"

void preview_message(Loader *l, const LoadStatus *st, bool timing, size_t scored, char *out, size_t size)
{
    const Trace *head = &l->preview.set.traces[0];
    char events[32];
    double shown = st->bytes_total ? 100.0 * (double)st->preview_bytes / (double)st->bytes_total : 100;
    int len = snprintf(out, size, "%s: the first %.1f%% (%s events)", format_basename(head->path), shown,
                       format_count(events, sizeof events, head->n_events));
    if (len < 0 || (size_t)len >= size)
        return;
    size_t n = st->traces_ready ? l->scored.set.traces[0].n_events : 0;
    if (n && (st->stage == LOAD_SCORING || scored != SIZE_MAX)) { /* the whole is in: its chart fills in */
        size_t done = scored != SIZE_MAX ? scored : loader_scored_events(l);
        snprintf(out + len, size - (size_t)len, "; all in, %.0f%% scored so far%s",
                 100.0 * (double)(done < n ? done : n) / (double)n, timing ? " (Esc cancels)" : "");
        return;
    }
    len += snprintf(out + len, size - (size_t)len, "; the rest loading");
    if (!timing || len < 0 || (size_t)len >= size)
        return;
    double done = st->bytes_total ? 100.0 * (double)st->bytes_done / (double)st->bytes_total : 0;
    double loading_s = st->elapsed_s - st->preview_s;
    double per_byte = st->preview_bytes ? (double)head->n_events / (double)st->preview_bytes : 0;
    double rate = loading_s > 0 ? (double)st->bytes_done * per_byte / loading_s : 0;
    snprintf(out + len, size - (size_t)len, ": %.0f%% at %.1fM events/s (Esc cancels)", done, rate / 1e6);
}

/* The operator's threshold and segment length, set on the preview, set again on the whole. */
static void keep_settings(App *app, const ScoredSet *was)
{
    if (!app->has_model)
        return;
    const Calibration *before = model_calibration_const(&was->model), *now = model_calibration_const(&app->scored->model);
    if (before->calibrated && before->threshold != now->threshold)
        scored_set_set_threshold(app->scored, before->threshold);
    size_t len = was->scores ? was->scores[0].segment_len : 0;
    Error err = {0};
    if (len && app_segment_len(app) != len && !scored_set_resegment(app->scored, len, &err))
        snprintf(app->message, sizeof app->message, "segments of %zu not kept: %.180s", len, err.msg);
}

/* The bookmarks, per event, grown to the whole trace. */
static void keep_bookmarks(App *app, size_t head_events)
{
    if (!app->bookmarked)
        return;
    uint8_t *grown = calloc(app_trace(app)->n_events + 1, 1);
    if (grown)
        memcpy(grown, app->bookmarked, head_events);
    free(app->bookmarked);
    app->bookmarked = grown;
}

void preview_swap(App *app, Loader *l)
{
    size_t head_events = app_trace(app)->n_events;
    app->scored = &l->scored;
    app->truths = l->truths;
    app->trace = 0;
    keep_settings(app, &l->preview);
    keep_bookmarks(app, head_events);
    app_forget_derived(app);
    marks_free(&app->marks); /* saved after each change: opened again over the whole trace */
    memset(&app->marks, 0, sizeof app->marks);
    app_open_marks(app);
    if (app->filter[0]) {
        char message[sizeof app->message], filter[sizeof app->filter];
        snprintf(message, sizeof message, "%s", app->message);
        snprintf(filter, sizeof filter, "%s", app->filter);
        app_apply_filter(app, filter);
        snprintf(app->message, sizeof app->message, "%s", message);
    }
    loader_drop_preview(l);
}
