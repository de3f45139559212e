/* Statistics of the selected segment: each key's count beside its mean over the segments that are
 * not flagged, sorted by how far it strays: the first thing to look at after a flag. They scan the
 * whole trace, so they are computed again only when the trace, the segment, the segment length
 * or the flags change, not at every redraw. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

static int by_stray(const void *a, const void *b)
{
    const KeyStat *x = a, *y = b;
    double dx = fabs(x->here - x->clean_mean), dy = fabs(y->here - y->clean_mean);
    return (dx < dy) - (dx > dy);
}

static void compute(App *app);

/* Do the statistics hold for what is on show? */
static bool stats_current(const App *app)
{
    const SegmentStats *st = &app->stats;
    const Scores *sc = app_scores(app);
    return st->valid && st->trace == app->trace && st->segment == app->segment &&
           st->segment_len == app_segment_len(app) && st->scored == (sc != NULL) &&
           st->has_threshold == (sc && sc->has_threshold) && st->threshold == (sc ? sc->threshold : 0);
}

/* The keys the pane lists: those in the segment or in clean ones (sorted, they come first). */
static int listed_keys(const SegmentStats *st)
{
    size_t n = 0;
    while (n < st->n_keys && (st->keys[n].here != 0 || st->keys[n].clean_mean != 0))
        n++;
    return (int)n;
}

/* The scroll stays while the statistics are of the same segment (the threshold may move). */
static void bound_scroll(App *app, Rect r)
{
    PaneScroll *scroll = &app->stats_scroll;
    scroll->lines = app->stats.keys ? listed_keys(&app->stats) : 0;
    scroll->rows = r.h > 2 ? r.h - 2 : 0; /* below the title and the column heads */
    int max = scroll->lines > scroll->rows ? scroll->lines - scroll->rows : 0;
    scroll->top = scroll->top > max ? max : scroll->top < 0 ? 0 : scroll->top;
}

static void stats_update(App *app, Rect r)
{
    if (!stats_current(app) && (app->stats.trace != app->trace || app->stats.segment != app->segment))
        app->stats_scroll.top = 0;
    if (!stats_current(app))
        compute(app);
    bound_scroll(app, r);
}

static void compute(App *app)
{
    const Trace *t = app_trace(app);
    const Scores *sc = app_scores(app);
    size_t len = app_segment_len(app), n_keys = vocab_size(&app->scored->set.vocab), clean = 0;
    SegmentStats *st = &app->stats;
    free(st->keys);
    *st = (SegmentStats){.keys = calloc(n_keys + 1, sizeof *st->keys), .n_keys = n_keys};
    KeyStat *stats = st->keys;
    if (!stats)
        return;
    for (size_t k = 0; k < n_keys; k++)
        stats[k].key = (uint32_t)k;
    for (size_t e = 0; e < t->n_events; e++) {
        size_t seg = e / len;
        if (seg == app->segment)
            stats[t->key_id[e]].here++;
        else if (!sc || !sc->flagged[seg])
            stats[t->key_id[e]].clean_mean++;
    }
    for (size_t seg = 0; seg * len < t->n_events; seg++)
        clean += seg != app->segment && (!sc || !sc->flagged[seg]);
    for (size_t k = 0; k < n_keys; k++)
        stats[k].clean_mean /= clean ? (double)clean : 1.0;
    qsort(stats, n_keys, sizeof *stats, by_stray);
    st->valid = true;
    st->trace = app->trace, st->segment = app->segment, st->segment_len = len;
    st->scored = sc != NULL, st->has_threshold = sc && sc->has_threshold, st->threshold = sc ? sc->threshold : 0;
}

static void stats_draw(const App *app, Rect r)
{
    const PaneScroll *scroll = &app->stats_scroll;
    char title[128];
    int len = snprintf(title, sizeof title, "segment statistics");
    if (scroll->lines > scroll->rows) /* where the view is, and how to move it: before what a narrow pane cuts */
        len += snprintf(title + len, sizeof title - (size_t)len, " (j/k: %d-%d of %d)", scroll->top + 1,
                        scroll->top + scroll->rows, scroll->lines);
    snprintf(title + len, sizeof title - (size_t)len, " (s: back to the interpretation)");
    Rect in = draw_frame(app, r, title, app->focus == PANE_EXPLAIN);
    const KeyStat *stats = app->stats.keys;
    size_t n_keys = app->stats.n_keys;
    if (!stats)
        return;
    draw_text(app, in, 0, 0, EL_TITLE, " %-*s %7s %8s %8s", in.w - 28 > 8 ? in.w - 28 : 8, "key", "here", "clean", "diff");
    for (int row = 1; row < in.h && (size_t)(row - 1 + scroll->top) < n_keys; row++) {
        const KeyStat *s = &stats[row - 1 + scroll->top];
        if (s->here == 0 && s->clean_mean == 0)
            break;
        draw_text(app, in, row, 0, fabs(s->here - s->clean_mean) > 3 * sqrt(s->clean_mean + 1) ? EL_MISS : EL_NORMAL,
                  " %-*.*s %7.0f %8.1f %+8.1f", in.w - 28 > 8 ? in.w - 28 : 8, in.w - 28 > 8 ? in.w - 28 : 8,
                  vocab_name(&app->scored->set.vocab, s->key), s->here, s->clean_mean, s->here - s->clean_mean);
    }
}

const PaneOps stats_ops = {.update = stats_update, .draw = stats_draw};
