/* ? shows the keys (docs/KEYS.md has them all). */
#include "draw.h"

void help_draw(const App *app, Rect r)
{
    static const char *const lines[] = {
        "Keys (? or any key closes this)",
        "",
        "j/k, arrows     move in the focused pane",
        "PgUp/PgDn g/G   page, first, last",
        "Tab, S-Tab      next, previous pane",
        "n / N           next / previous flagged segment",
        "Enter           from a bar or flagged row to its events",
        "i               interpret the window at the cursor",
        "/ then n, N     search a key or process; repeat",
        "f               filter by class, process or pid",
        "m / '           bookmark the event / next bookmark",
        "w / W           write the flagged segments (CSV / JSON)",
        "z / Z           zoom the chart in / out",
        "[ / ]           halve / double the segment length",
        "+ / -           raise / lower the threshold",
        "s               segment statistics",
        "t               next theme",
        "< / >           previous / next trace",
        "q               quit",
    };
    for (int y = 0; y < r.h; y++)
        draw_fill(app, r, y, EL_SELECTED);
    for (int i = 0; i < (int)(sizeof lines / sizeof lines[0]) && i + 1 < r.h; i++)
        draw_text(app, r, i + 1, 2, EL_SELECTED, "%s", lines[i]);
}
