/* ? shows the keys, as the key table describes them (docs/KEYS.md has them all). */
#include "draw.h"
#include "keys.h"

void help_draw(const App *app, Rect r)
{
    for (int y = 0; y < r.h; y++)
        draw_fill(app, r, y, EL_SELECTED);
    draw_text(app, r, 0, 1, EL_SELECTED, "Keys (? or any key closes this)");
    char line[128];
    int rows = r.h - 2; /* the title above, a spare row below */
    for (int i = 0; i < rows && keys_help_line((size_t)i, line, sizeof line); i++) {
        /* a terminal too short for every key still says where the rest are */
        bool last_fits = i + 1 < rows || !keys_help_line((size_t)i + 1, line, sizeof line);
        if (last_fits)
            keys_help_line((size_t)i, line, sizeof line);
        draw_text(app, r, i + 1, 2, EL_SELECTED, "%s", last_fits ? line : "... more keys in man traceaid");
    }
}
