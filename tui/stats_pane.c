/* Statistics of the selected segment: each key's count beside its mean over the segments that are
 * not flagged, sorted by how far it strays: the first thing to look at after a flag. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

typedef struct KeyStat {
    uint32_t key;
    double here, clean_mean;
} KeyStat;

static int by_stray(const void *a, const void *b)
{
    const KeyStat *x = a, *y = b;
    double dx = fabs(x->here - x->clean_mean), dy = fabs(y->here - y->clean_mean);
    return (dx < dy) - (dx > dy);
}

void stats_draw(const App *app, Rect r)
{
    Rect in = draw_frame(app, r, "segment statistics (s: back to the interpretation)", app->focus == PANE_EXPLAIN);
    const Trace *t = app_trace(app);
    const Scores *sc = app_scores(app);
    size_t len = app_segment_len(app), n_keys = vocab_size(&app->scored->set.vocab), clean = 0;
    KeyStat *stats = calloc(n_keys + 1, sizeof *stats);
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
    draw_text(app, in, 0, 0, EL_TITLE, " %-*s %7s %8s %8s", in.w - 28 > 8 ? in.w - 28 : 8, "key", "here", "clean", "diff");
    for (int row = 1; row < in.h && (size_t)(row - 1) < n_keys; row++) {
        const KeyStat *s = &stats[row - 1];
        if (s->here == 0 && s->clean_mean == 0)
            break;
        draw_text(app, in, row, 0, fabs(s->here - s->clean_mean) > 3 * sqrt(s->clean_mean + 1) ? EL_MISS : EL_NORMAL,
                  " %-*.*s %7.0f %8.1f %+8.1f", in.w - 28 > 8 ? in.w - 28 : 8, in.w - 28 > 8 ? in.w - 28 : 8,
                  vocab_name(&app->scored->set.vocab, s->key), s->here, s->clean_mean, s->here - s->clean_mean);
    }
    free(stats);
}
