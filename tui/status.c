/* The bottom line: the keys that matter in the focused pane, or the last message. */
#include "draw.h"

void status_draw(const App *app, Rect r)
{
    static const char *const keys[PANE_COUNT] = {
        "<- -> segment  n/N flagged  Enter events  +/- threshold  Tab pane  ? help  q quit",
        "j/k move  / search  f filter  m mark  i interpret  n/N next  s stats  ? help  q quit",
        "j/k move  Enter events  n/N flagged  Tab pane  ? help  q quit",
        "i interpret at the cursor  s stats  Tab pane  t theme  ? help  q quit",
    };
    draw_fill(app, r, 0, EL_STATUS);
    if (app->prompt_for)
        draw_text(app, r, 0, 1, EL_STATUS_KEY, "%s%s_   (Enter: go, Esc: cancel)",
                  app->prompt_for == '/' ? "search key or process: " : "filter by class, process or pid: ", app->prompt);
    else if (app->message[0])
        draw_text(app, r, 0, 1, EL_STATUS_KEY, "%s", app->message);
    else
        draw_text(app, r, 0, 1, EL_STATUS, "%s", keys[app->focus]);
}
