/* The bottom line: the keys that matter in the focused pane (from the key table), or the last
 * message, or the prompt being typed. */
#include "draw.h"
#include "keys.h"

void status_draw(const App *app, Rect r)
{
    draw_fill(app, r, 0, EL_STATUS);
    if (app->prompt_for) {
        draw_text(app, r, 0, 1, EL_STATUS_KEY, "%s%s_   (Enter: go, Esc: cancel)",
                  app->prompt_for == '/' ? "search key or process: " : "filter by class, process or pid: ", app->prompt);
    } else if (app->message[0]) {
        draw_text(app, r, 0, 1, EL_STATUS_KEY, "%s", app->message);
    } else {
        char hints[256];
        /* sessions are moved between in the chart; judged by a protocol (DeepLog's), no
         * threshold moves their flags */
        const SessionVerdicts *v = app_sessions(app);
        unsigned context = v ? HINTS_SESSIONS | (v->by_threshold ? 0 : HINTS_NO_THRESHOLD) : 0;
        keys_status_hints(keys_pane(app), context, hints, sizeof hints);
        draw_text(app, r, 0, 1, EL_STATUS, "%s", hints);
    }
}
