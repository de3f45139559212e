/* The flagged segments: segment, event range, rate, margin over the threshold. */
#include <stdio.h>

#include "draw.h"

/* The first flagged row in view when the pane shows rows of them: the selected row stays in view. */
static size_t first_shown(const App *app, int rows)
{
    return app->flagged_row >= (size_t)rows ? app->flagged_row - (size_t)rows + 1 : 0;
}

static void flagged_draw(const App *app, Rect r)
{
    const Scores *sc = app_scores(app);
    char title[96];
    snprintf(title, sizeof title, "flagged segments (%zu)", sc ? sc->n_flagged : 0);
    Rect in = draw_frame(app, r, title, app->focus == PANE_FLAGGED);
    if (!sc || !sc->has_threshold) {
        draw_text(app, in, 0, 1, EL_DIM, sc ? "no threshold: calibrate the model" : "no model: nothing scored");
        return;
    }
    draw_text(app, in, 0, 0, EL_TITLE, " %5s  %-15s %7s %8s", "seg", "events",
              sc->rule == SCORE_NLL ? "NLL" : sc->smooth ? "score" : "rate", "margin");
    int rows = in.h - 1;
    size_t first = first_shown(app, rows), row = 0;
    for (size_t s = 0; s < sc->n_segments; s++) {
        if (!sc->flagged[s])
            continue;
        if (row >= first && row < first + (size_t)rows) {
            int y = (int)(row - first) + 1;
            ThemeElement style = row == app->flagged_row ? (app->focus == PANE_FLAGGED ? EL_SELECTED : EL_CURSOR) : EL_NORMAL;
            char range[40];
            size_t first_event, last_event;
            scores_segment_range(sc, s, &first_event, &last_event);
            snprintf(range, sizeof range, "%zu-%zu", first_event, last_event);
            draw_fill(app, in, y, style);
            char value[32];
            float margin = sc->score[s] - sc->threshold;
            draw_text(app, in, y, 0, style, " %5zu  %-15s %7s %+7.*f", s + 1, range,
                      scores_format(sc->rule, sc->score[s], 2, value, sizeof value), sc->rule == SCORE_NLL ? 3 : 2,
                      sc->rule == SCORE_NLL ? margin : 100 * margin);
        }
        row++;
    }
    char threshold[32];
    if (sc->n_flagged == 0)
        draw_text(app, in, 1, 1, EL_DIM, "none above %s",
                  scores_format(sc->rule, sc->threshold, 2, threshold, sizeof threshold));
}

/* A click on a flagged segment's row selects it. */
static void flagged_click(App *app, Rect r, int y, int x)
{
    (void)x;
    int row = y - 2; /* below the title and the column heads */
    if (row < 0 || !app_scores(app))
        return;
    size_t first = first_shown(app, r.h - 2);
    if (first + (size_t)row < app_scores(app)->n_flagged)
        app->flagged_row = first + (size_t)row;
}

const PaneOps flagged_ops = {.draw = flagged_draw, .click = flagged_click};
