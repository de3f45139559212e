/* The top line: files, model, threshold, events, flagged segments. */
#include <stdio.h>
#include <string.h>

#include "../io/format.h"
#include "draw.h"

void header_draw(const App *app, Rect r)
{
    const Trace *t = app_trace(app);
    char events[32];
    draw_fill(app, r, 0, EL_HEADER);
    char left[512];
    int left_len = snprintf(left, sizeof left, " traceaid  %s (%zu/%zu)  %s events", format_basename(t->path),
                            app->trace + 1, app->scored->set.n_traces, format_count(events, sizeof events, t->n_events));
    draw_text(app, r, 0, 0, EL_HEADER, "%s", left);
    char right[256];
    const Scores *sc = app_scores(app);
    char threshold[32] = "";
    if (sc && sc->has_threshold)
        scores_format(sc->rule, sc->threshold, 2, threshold, sizeof threshold);
    if (!app->has_model)
        snprintf(right, sizeof right, "no model  theme %s ", app->theme.name);
    else if (sc->has_threshold)
        snprintf(right, sizeof right, "%s  threshold %s%s  %zu of %zu flagged  theme %s ",
                 model_kind_name(&app->scored->model), sc->rule == SCORE_NLL ? "NLL " : "", threshold, sc->n_flagged,
                 sc->n_segments, app->theme.name);
    else
        snprintf(right, sizeof right, "%s  not calibrated  theme %s ", model_kind_name(&app->scored->model), app->theme.name);
    int len = (int)strlen(right);
    if (left_len + 2 + len > r.w && sc && sc->has_threshold) /* narrow: the figures alone */
        len = snprintf(right, sizeof right, "%s  %zu/%zu flagged  %s ", threshold, sc->n_flagged,
                       sc->n_segments, app->theme.name);
    if (left_len + 2 + len <= r.w)
        draw_text(app, r, 0, r.w - len, EL_HEADER, "%s", right);
}
