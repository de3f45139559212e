#include "follow.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "marks_keys.h"
#include "preview.h"

/* Until the traces are in: a progress bar with the rate and what is left. */
static void draw_progress(App *app, const LoadStatus *st)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    erase();
    Rect screen = {0, 0, rows, cols};
    double share = st->bytes_total ? (double)st->bytes_done / (double)st->bytes_total : 0;
    double rate = st->elapsed_s > 0 ? (double)st->bytes_done / st->elapsed_s / 1e6 : 0;
    double eta = rate > 0 ? ((double)(st->bytes_total - st->bytes_done) / 1e6) / rate : 0;
    int y = rows / 2 - 1, width = cols - 20 > 10 ? cols - 20 : 10;
    draw_text(app, screen, y - 1, 10, EL_TITLE, "loading the traces: %.0f%%  %.0f MB/s  %.1f s left   (Esc cancels)",
              100 * share, rate, eta);
    int filled = (int)(share * width);
    for (int x = 0; x < width; x++)
        draw_text(app, screen, y + 1, 10 + x, x < filled ? EL_PROGRESS : EL_DIM, "%c", x < filled ? ' ' : '.');
}

/* Loading's first warning (a key given two templates, a grouping that matched nothing), cut to
 * the status line; the commands print them all. */
void follow_append_warning(App *app, const Loader *loader)
{
    const Warnings *w = &loader->scored.set.warnings;
    size_t len = strlen(app->message);
    if (w->n == 0 || len + 12 >= sizeof app->message)
        return;
    snprintf(app->message + len, sizeof app->message - len, "%swarning: %s%s", len ? "; " : "", w->items[0],
             w->n > 1 ? " (and more: traceaid stats lists them)" : "");
}


static void say_scored(App *app, const Loader *loader)
{
    int len = snprintf(app->message, sizeof app->message, "scored in %.2f s", loader->scored.seconds);
    if (loader->truth_note[0] && len > 0 && (size_t)len < sizeof app->message)
        len += snprintf(app->message + len, sizeof app->message - (size_t)len, "; %s", loader->truth_note);
    if (app->marks_note[0] && len > 0 && (size_t)len < sizeof app->message)
        snprintf(app->message + len, sizeof app->message - (size_t)len, "; %s", app->marks_note);
    follow_append_warning(app, loader);
}

/* The whole trace is in, and scored when it will be (or its scoring ended without scores). */
static bool whole_done(const LoadStatus *st, bool has_model)
{
    return st->traces_ready && (!has_model || st->scores_ready || st->stage == LOAD_FAILED || st->stage == LOAD_CANCELLED);
}

static void show_preview(App *app, Loader *loader, bool has_model, Follow *f)
{
    f->app_ready = f->previewing = true;
    app->scored = &loader->preview;
    app->truths = NULL; /* until it is read (follow_preview) */
    app->has_model = has_model;
    app->focus = has_model ? PANE_CHART : PANE_TIMELINE;
    f->update_src = app->update_src;
    app->update_src = NULL; /* U would score the whole in the head's place: with the whole only */
    app_open_marks(app);
    app->message[0] = '\0';
}

/* The whole trace's scores so far in the chart, as far as its first events (SIZE_MAX: all
 * those scored); the status line says how far. Only while the head's segments are the whole's
 * (the same length: the head's segment i is the whole's): after the user resegments the head,
 * app->segment counts the head's segments, and the chart shows the head's own scores. */
void follow_fill_chart(App *app, Loader *loader, size_t events)
{
    const Scores *whole = &loader->scored.scores[0];
    if (whole->segment_len != app_scores(app)->segment_len) {
        app->filling = NULL;
        return;
    }
    size_t scored = loader_scored_events(loader);
    scored = scored < events ? scored : events;
    app->filling = whole;
    app->filling_done = loader_final_segments(loader, scored);
}

/* The preview while the rest loads; the whole in its place once in. */
static void follow_preview(App *app, Loader *loader, bool has_model, Follow *f, const LoadStatus *st)
{
    if (has_model && st->traces_ready && st->stage == LOAD_SCORING && !f->filling_fixed)
        follow_fill_chart(app, loader, SIZE_MAX);
    /* Esc while the whole was scored: the head, scored, stays (as Esc while loading), not the
     * whole without scores */
    bool scoring_cancelled = has_model && st->stage == LOAD_CANCELLED && !st->scores_ready;
    bool swap = whole_done(st, has_model) && !scoring_cancelled;
    if (st->preview_truth_ready && !app->truths && !swap) {
        app->truths = &loader->preview_truth;
        app->truth_marks.valid = false;
    }
    if (!swap) {
        bool failed = st->stage == LOAD_FAILED || st->stage == LOAD_CANCELLED;
        if (failed)
            app->filling = NULL;
        if (failed && !f->stopped)
            snprintf(app->message, sizeof app->message, "%s %s: the first %.1f%% of the trace only%s%.150s",
                     st->traces_ready ? "scoring" : "loading", st->stage == LOAD_CANCELLED ? "cancelled" : "failed",
                     st->bytes_total ? 100.0 * (double)st->preview_bytes / (double)st->bytes_total : 100.0,
                     st->stage == LOAD_FAILED ? ": " : "", st->stage == LOAD_FAILED ? st->err.msg : "");
        else if (!failed && (!app->message[0] || strcmp(app->message, f->said) == 0)) {
            preview_message(loader, st, f->timing, SIZE_MAX, app->message, sizeof app->message);
            snprintf(f->said, sizeof f->said, "%s", app->message);
        }
        f->stopped = failed;
        return;
    }
    f->previewing = false;
    app->update_src = f->update_src;
    app->filling = NULL;
    app->has_model = has_model && st->scores_ready;
    if (!app->has_model && app->focus == PANE_CHART)
        app->focus = PANE_TIMELINE;
    preview_swap(app, loader);
    if (app->has_model)
        say_scored(app, loader);
    else if (has_model)
        snprintf(app->message, sizeof app->message, "scoring %s: the events alone", st->stage == LOAD_CANCELLED ? "cancelled" : "failed");
    else
        snprintf(app->message, sizeof app->message, "%s", loader->truth_note), follow_append_warning(app, loader);
}

/* Follows the loader: the preview when there is one, the traces when they are in, the scores
 * when they are. Returns false when the loading ended without traces. */
bool follow_loader(App *app, Loader *loader, bool has_model, Follow *f, Error *err)
{
    LoadStatus st = loader_status(loader);
    if (!f->app_ready && st.preview_ready && !whole_done(&st, has_model))
        show_preview(app, loader, has_model, f);
    if (f->previewing) {
        follow_preview(app, loader, has_model, f, &st);
        return true;
    }
    if (!st.traces_ready && (st.stage == LOAD_FAILED || st.stage == LOAD_CANCELLED)) {
        *err = st.err;
        if (st.stage == LOAD_CANCELLED)
            error_set_code(err, ERROR_INTERRUPTED, "cancelled");
        return false;
    }
    if (st.traces_ready && !f->app_ready) {
        f->app_ready = true;
        app->focus = PANE_TIMELINE;
        app->truths = loader->truths;
        snprintf(app->message, sizeof app->message, "%s", has_model ? "scoring... (Esc cancels)" : loader->truth_note);
        if (!has_model)
            follow_append_warning(app, loader);
        app_open_marks(app); /* what did not apply is said until the scores are in */
    }
    if (st.scores_ready && has_model && !app->has_model) {
        app->has_model = true;
        app->focus = PANE_CHART;
        say_scored(app, loader);
    }
    if (has_model && !app->has_model && (st.stage == LOAD_FAILED || st.stage == LOAD_CANCELLED))
        snprintf(app->message, sizeof app->message, "scoring %s: the events alone", st.stage == LOAD_CANCELLED ? "cancelled" : "failed");
    if (!f->app_ready)
        draw_progress(app, &st);
    return true;
}

