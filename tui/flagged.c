/* The flagged segments: segment, event range, rate, margin over the threshold. A trace with
 * sessions lists its flagged distinct sessions instead: the session's index (from 1, as explain
 * --session counts), its length, how many sessions are the same, its first miss and why it is
 * flagged; in a trace labelled normal each is a false positive (FP), in one labelled abnormal a
 * true positive (TP). */
#include <stdint.h>
#include <stdio.h>

#include "../io/format.h"
#include "draw.h"
#include "marks_keys.h"

/* The first flagged row in view when the pane shows rows of them: the selected row stays in view. */
static size_t first_shown(const App *app, int rows)
{
    return app->flagged_row >= (size_t)rows ? app->flagged_row - (size_t)rows + 1 : 0;
}

/* The reasons in a word or two, for a narrow pane. */
static const char *reason_word(SessionReason reason)
{
    static const char *const words[] = {"", "short", "unkn", "miss", "over"};
    return reason <= SESSION_OVER_THRESHOLD ? words[reason] : "";
}

/* A row wide enough for the first miss's column in words and "over threshold" whole. */
#define WIDE_ROW 43

static void session_row(const App *app, Rect in, int y, size_t s, ThemeElement style)
{
    const SessionVerdicts *v = app_sessions(app);
    const SessionVerdict *sv = &v->session[s];
    TraceLabel label = app_label(app);
    const char *mark = !session_flagged(v, s) ? "" : label == TRACE_NORMAL ? "FP" : label == TRACE_ABNORMAL ? "TP" : "";
    char miss[24] = "-"; /* a session too short to predict has none */
    if (sv->first_miss != SESSION_NO_EVENT)
        snprintf(miss, sizeof miss, "%zu", sv->first_miss);
    draw_fill(app, in, y, style);
    draw_text(app, in, y, 0, label == TRACE_NORMAL && style == EL_NORMAL ? EL_MISS : style, "%2s", mark);
    int miss_w = in.w >= WIDE_ROW ? 8 : 6;
    /* the operator's word in place of the model's reason */
    int marked = app_session_mark(app, s);
    const char *why = in.w >= WIDE_ROW ? session_reason_label(sv->reason) : reason_word(sv->reason);
    if (marked != MARK_NONE)
        why = in.w >= WIDE_ROW ? (marked == LABEL_NORMAL ? "marked normal" : "marked anomalous")
                               : (marked == LABEL_NORMAL ? "ok" : "anom");
    draw_text(app, in, y, 2, style, " %5zu %4zu %5u %*s %s", s + 1, sv->length, v->distinct_count[sv->distinct], miss_w,
              miss, why);
}

static void sessions_draw(const App *app, Rect r, const SessionVerdicts *v)
{
    char title[160], flagged[32], distinct[32];
    TraceLabel label = app_label(app);
    format_count(flagged, sizeof flagged, v->n_flagged_distinct);
    format_count(distinct, sizeof distinct, v->n_distinct);
    /* labels guessed from the files' names are said so here too, as a narrow header has no room */
    bool by_name = label != TRACE_UNLABELLED && app->scored->labels_by_name;
    if (r.w >= 60)
        snprintf(title, sizeof title, "flagged sessions: %s of %s distinct%s%s", flagged, distinct,
                 label == TRACE_NORMAL ? ", false positives" : label == TRACE_ABNORMAL ? ", true positives" : "",
                 by_name ? " (labels by name)" : "");
    else if (by_name)
        snprintf(title, sizeof title, "flagged %s/%s %s by name", flagged, distinct, label == TRACE_NORMAL ? "FP" : "TP");
    else
        snprintf(title, sizeof title, "flagged sessions %s/%s%s", flagged, distinct,
                 label == TRACE_NORMAL ? " FP" : label == TRACE_ABNORMAL ? " TP" : "");
    Rect in = draw_frame(app, r, title, app->focus == PANE_FLAGGED);
    bool wide = in.w >= WIDE_ROW;
    draw_text(app, in, 0, 0, EL_TITLE, "   %5s %4s %5s %*s %s", "sess", "len", "count", wide ? 8 : 6, wide ? "1st miss" : "miss@",
              "why");
    int rows = in.h - 1;
    size_t first = first_shown(app, rows);
    for (size_t row = first; row < first + (size_t)(rows > 0 ? rows : 0); row++) {
        size_t s = app_flagged_session(app, row);
        if (s == SIZE_MAX)
            break;
        ThemeElement style = row == app->flagged_row ? (app->focus == PANE_FLAGGED ? EL_SELECTED : EL_CURSOR) : EL_NORMAL;
        session_row(app, in, (int)(row - first) + 1, s, style);
    }
    if (v->n_flagged_distinct == 0)
        draw_text(app, in, 1, 1, EL_DIM, "no session flagged");
}

static void flagged_draw(const App *app, Rect r)
{
    if (app_sessions(app)) {
        sessions_draw(app, r, app_sessions(app));
        return;
    }
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
    bool any_marks = marks_count_trace(&app->marks, app->trace) > 0;
    for (size_t s = 0; s < sc->n_segments; s++) {
        size_t seg_first, seg_last;
        scores_segment_range(sc, s, &seg_first, &seg_last);
        int marked = any_marks ? app_range_mark(app, seg_first, seg_last + 1) : MARK_NONE;
        if (!sc->flagged[s] && marked != LABEL_ANOMALOUS) /* unflagged, marked anomalous: listed too */
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
            if (marked != MARK_NONE) /* before the segment (N or A, as the events show it), in words after the figures */
                draw_text(app, in, y, 0, style, "%c", marked == LABEL_NORMAL ? 'N' : 'A');
            if (marked != MARK_NONE && in.w >= 57)
                draw_text(app, in, y, 40, style, "%s", marked == LABEL_NORMAL ? "marked normal" : "marked anomalous");
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
    size_t count = app_flagged_rows(app);
    if (first + (size_t)row < count)
        app->flagged_row = first + (size_t)row;
}

const PaneOps flagged_ops = {.draw = flagged_draw, .click = flagged_click};
