/* The interpretation pane: Ano. | Meaning | Diff. | Ref. | Meaning* for the window at the cursor,
 * the changed rows highlighted, the probabilities and the fidelity verdict. */
#include <stdio.h>
#include <string.h>

#include "../core/keys.h"
#include "draw.h"

static const char *name_of(const App *app, uint32_t key) { return key_label(&app->scored->set, key); }
static const char *meaning_of(const App *app, uint32_t key) { return key_meaning(&app->scored->set, key); }

static void explain_draw(const App *app, Rect r)
{
    Rect in = draw_frame(app, r, "interpretation (i: the window at the cursor)", app->focus == PANE_EXPLAIN);
    if (!app->has_interp) {
        draw_text(app, in, 1, 1, EL_DIM, "press i on an event to set its window beside");
        draw_text(app, in, 2, 1, EL_DIM, "the closest window the model deems normal");
        return;
    }
    const Interpretation *it = &app->interp;
    bool meanings = meanings_count(&app->scored->set.meanings) > 0 && in.w >= 60;
    int key_w = meanings ? (in.w - 12) / 4 : (in.w - 12) / 2, mean_w = meanings ? key_w : 0;
    key_w = key_w > 26 ? 26 : key_w;
    draw_text(app, in, 0, 0, EL_TITLE, "%3s %-*s%s%-*s %4s %-*s%s%-*s", "#", key_w, "Ano.", meanings ? " " : "", mean_w,
              meanings ? "Meaning" : "", "Diff", key_w, "Ref.", meanings ? " " : "", mean_w, meanings ? "Meaning*" : "");
    int rows = in.h - 4;
    for (int i = 0; i < it->n_keys && i < rows; i++) {
        bool differs = it->keys[i] != it->reference[i];
        ThemeElement style = differs ? EL_DIFF : EL_NORMAL;
        draw_fill(app, in, i + 1, style);
        draw_text(app, in, i + 1, 0, style, "%2d%c %-*.*s%s%-*.*s %4s %-*.*s%s%-*.*s", i + 1, i >= it->n_inputs ? '>' : ' ',
                  key_w, key_w, name_of(app, it->keys[i]), meanings ? " " : "", mean_w, mean_w,
                  meanings ? meaning_of(app, it->keys[i]) : "", differs ? "*" : "", key_w, key_w,
                  name_of(app, it->reference[i]), meanings ? " " : "", mean_w, mean_w,
                  meanings ? meaning_of(app, it->reference[i]) : "");
    }
    int y = (it->n_keys < rows ? it->n_keys : rows) + 1;
    if (!it->anomalous) {
        draw_text(app, in, y, 1, EL_NORMAL, "the model deems this window normal");
        return;
    }
    draw_text(app, in, y, 1, EL_NORMAL, "p %.4f -> %.4f; %d change%s%s", it->p_before, it->p_after, it->changes,
              it->changes == 1 ? "" : "s", it->target_changed ? " (what came next is the anomaly)" : " (inputs)");
    draw_text(app, in, y + 1, 1, it->fidelity ? EL_NORMAL : EL_MISS, "fidelity %s", it->fidelity ? "passed" : "FAILED");
}

const PaneOps explain_ops = {.draw = explain_draw};
