/* The top line: the trace, its events, and the model, threshold and flagged segments. On a narrow
 * screen the right side gets shorter and the trace's name is shortened in its middle, so that
 * the model, the threshold and the flags stay in view. */
#include <stdio.h>
#include <string.h>

#include "../io/format.h"
#include "draw.h"

/* The name is not cut below this many characters to make room for the figures. */
#define NAME_MIN 12
#define RIGHT_FORMS 4

/* Sessions, labelled normal and abnormal (open's --normal and --abnormal, else the files' names):
 * the distinct sessions flagged counted as eval counts them. The last form leaves TP out. */
static int label_forms(const App *app, const EvalCounts *c, char right[RIGHT_FORMS][256])
{
    const char *model = model_kind_name(&app->scored->model), *theme = app->theme.name;
    bool by_name = app->scored->labels_by_name;
    char fp[24], fn[24], tp[24], counts[100];
    snprintf(counts, sizeof counts, "FP %s FN %s TP %s F1 %.2f%%", format_count(fp, sizeof fp, c->fp),
             format_count(fn, sizeof fn, c->fn), format_count(tp, sizeof tp, c->tp), 100 * session_counts_f1(c));
    snprintf(right[0], 256, "%s  sessions %s%s  theme %s ", model, counts, by_name ? " (labels from the names)" : "", theme);
    snprintf(right[1], 256, "%s  %s%s ", model, counts, by_name ? " (labels by name)" : "");
    snprintf(right[2], 256, "%s ", counts);
    snprintf(right[3], 256, "FP %s FN %s F1 %.1f%% ", fp, fn, 100 * session_counts_f1(c)); /* TP: F1 and FN say it */
    return 4;
}

/* Sessions without labels: how many of the trace's distinct sessions the model flags. */
static int session_forms(const App *app, const SessionVerdicts *v, char right[RIGHT_FORMS][256])
{
    const char *model = model_kind_name(&app->scored->model), *theme = app->theme.name;
    char flagged[32], distinct[32];
    format_count(flagged, sizeof flagged, v->n_flagged_distinct);
    format_count(distinct, sizeof distinct, v->n_distinct);
    snprintf(right[0], 256, "%s  %s of %s distinct sessions flagged  theme %s ", model, flagged, distinct, theme);
    snprintf(right[1], 256, "%s  %s/%s sessions flagged ", model, flagged, distinct);
    snprintf(right[2], 256, "%s/%s flagged ", flagged, distinct);
    return 3;
}

/* The right side in its forms, widest first; returns how many (0: no model, one form). */
static int right_forms(const App *app, char right[RIGHT_FORMS][256])
{
    const Scores *sc = app_scores(app);
    const char *theme = app->theme.name;
    EvalCounts counts;
    if (app_sessions(app) && scored_set_session_counts(app->scored, &counts))
        return label_forms(app, &counts, right);
    if (app_sessions(app))
        return session_forms(app, app_sessions(app), right);
    if (!app->has_model) {
        snprintf(right[0], 256, "no model  theme %s ", theme);
        snprintf(right[1], 256, "no model ");
        return 2;
    }
    const char *model = model_kind_name(&app->scored->model);
    if (!sc->has_threshold) {
        snprintf(right[0], 256, "%s  not calibrated  theme %s ", model, theme);
        snprintf(right[1], 256, "%s  not calibrated ", model);
        return 2;
    }
    char threshold[32];
    scores_format(sc->rule, sc->threshold, 2, threshold, sizeof threshold);
    const char *nll = sc->rule == SCORE_NLL ? "NLL " : "";
    snprintf(right[0], 256, "%s  threshold %s%s  %zu of %zu flagged  theme %s ", model, nll, threshold, sc->n_flagged,
             sc->n_segments, theme);
    snprintf(right[1], 256, "%s  %s%s  %zu/%zu flagged  %s ", model, nll, threshold, sc->n_flagged, sc->n_segments, theme);
    snprintf(right[2], 256, "%s  %s%s  %zu/%zu flagged ", model, nll, threshold, sc->n_flagged, sc->n_segments);
    return 3;
}

/* The right form to draw and the name's width (the name whole) when a form among [from, to)
 * leaves room for it after fixed_len columns; -1 when none does. */
static int whole_name_fit(Rect r, int fixed_len, int name_len, char right[RIGHT_FORMS][256], int from, int to)
{
    for (int f = from; f < to; f++)
        if (r.w - fixed_len - 2 - (int)strlen(right[f]) >= name_len)
            return f;
    return -1;
}

void header_draw(const App *app, Rect r)
{
    const Trace *t = app_trace(app);
    const char *brand = " traceaid  ", *name = format_basename(t->path);
    char events[32], tail[96], right[RIGHT_FORMS][256];
    int n_forms = right_forms(app, right), n_whole = n_forms == RIGHT_FORMS ? n_forms - 1 : n_forms;
    size_t n_marks = marks_count(&app->marks);
    for (int f = 0; f < n_forms && n_marks; f++) { /* the operator's marks, first of the figures */
        char with_marks[256];
        snprintf(with_marks, sizeof with_marks, "marks %zu  %.200s", n_marks, right[f]);
        snprintf(right[f], 256, "%s", with_marks);
    }
    int full_len = snprintf(tail, sizeof tail, " (%zu/%zu)  %s events", app->trace + 1, app->scored->set.n_traces,
                            format_count(events, sizeof events, t->n_events));
    int short_len = (int)strlen(" (/)") + snprintf(NULL, 0, "%zu%zu", app->trace + 1, app->scored->set.n_traces);
    int name_len = (int)strlen(name), brand_len = (int)strlen(brand), name_w = name_len;
    /* what goes first as the screen narrows: the theme's name, the model's, the event count (the
     * trace list has it), a form's lesser figures (TP beside FN and F1), and only then the
     * trace's name, cut in its middle but NAME_MIN characters kept: names that differ in their
     * middle (hdfs_test_normal, hdfs_test_abnormal) must stay apart */
    int form = whole_name_fit(r, brand_len + full_len, name_len, right, 0, n_whole), tail_len = full_len;
    if (form < 0) {
        tail_len = short_len;
        form = whole_name_fit(r, brand_len + short_len, name_len, right, 0, n_forms);
    }
    if (form < 0) {
        int room = r.w - brand_len - short_len - 2 - (int)strlen(right[n_forms - 1]);
        if (room >= NAME_MIN)
            form = n_forms - 1, name_w = room;
        else /* no figures fit: the name still leaves its place and count in view */
            name_w = r.w - brand_len - short_len > NAME_MIN ? r.w - brand_len - short_len : NAME_MIN;
        name_w = name_w < name_len ? name_w : name_len;
    }
    if (tail_len == short_len)
        snprintf(tail, sizeof tail, " (%zu/%zu)", app->trace + 1, app->scored->set.n_traces);
    char shortened[512];
    draw_fill(app, r, 0, EL_HEADER);
    draw_text(app, r, 0, 0, EL_HEADER, "%s%s%s", brand, format_shorten(shortened, sizeof shortened, name, (size_t)name_w), tail);
    if (form >= 0)
        draw_text(app, r, 0, r.w - (int)strlen(right[form]), EL_HEADER, "%s", right[form]);
}
