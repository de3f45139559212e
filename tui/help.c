/* ? shows the keys, as the key table describes them (docs/KEYS.md has them all). */
#include "draw.h"
#include "keys.h"

/* The keys of help lines from i on, "l, q", for the last row of a screen too short for them. */
static void rest_keys(size_t i, char *out, size_t size)
{
    char line[128];
    size_t used = 0;
    out[0] = '\0';
    for (; keys_help_line(i, line, sizeof line) && used < size; i++) {
        int len = 16;
        while (len > 0 && line[len - 1] == ' ')
            len--;
        used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? ", " : "", len, line);
    }
}

void help_draw(const App *app, Rect r)
{
    for (int y = 0; y < r.h; y++)
        draw_fill(app, r, y, EL_SELECTED);
    draw_text(app, r, 0, 1, EL_SELECTED, "Keys (? or any key closes this)");
    char line[128], rest[96];
    int rows = r.h - 2; /* the title above, a spare row below */
    for (int i = 0; i < rows && keys_help_line((size_t)i, line, sizeof line); i++) {
        /* a terminal too short for every key still names the rest, and where they are told */
        bool last_fits = i + 1 < rows || !keys_help_line((size_t)i + 1, line, sizeof line);
        if (last_fits) {
            keys_help_line((size_t)i, line, sizeof line);
            draw_text(app, r, i + 1, 2, EL_SELECTED, "%s", line);
        } else {
            rest_keys((size_t)i, rest, sizeof rest);
            draw_text(app, r, i + 1, 2, EL_SELECTED, "and %s (docs/KEYS.md tells them all)", rest);
        }
    }
}
