/* ? shows the keys, as the key table describes them (docs/KEYS.md has them all). */
#include "draw.h"
#include "keys.h"

void help_draw(const App *app, Rect r)
{
    for (int y = 0; y < r.h; y++)
        draw_fill(app, r, y, EL_SELECTED);
    draw_text(app, r, 1, 2, EL_SELECTED, "Keys (? or any key closes this)");
    char line[128];
    for (int i = 0; i + 3 < r.h && keys_help_line((size_t)i, line, sizeof line); i++)
        draw_text(app, r, i + 3, 2, EL_SELECTED, "%s", line);
}
