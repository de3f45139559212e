#include "draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void draw_apply_theme(const Theme *theme, bool color)
{
    if (!color)
        return;
    bool wide = COLORS >= 256;
    for (int el = 0; el < EL_COUNT; el++) {
        const ThemeStyle *st = &theme->style[el];
        init_pair((short)(el + 1), wide ? st->fg.wide : st->fg.narrow, wide ? st->bg.wide : st->bg.narrow);
    }
}

attr_t draw_attr(const App *app, ThemeElement el)
{
    return (app->color ? COLOR_PAIR(el + 1) : 0) | app->theme.style[el].attrs;
}

void draw_text(const App *app, Rect r, int y, int x, ThemeElement el, const char *fmt, ...)
{
    if (y < 0 || y >= r.h || x >= r.w)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    attrset(draw_attr(app, el));
    mvaddnstr(r.y + y, r.x + x, buf, r.w - x);
    attrset(A_NORMAL);
}

void draw_cell(const App *app, Rect r, int y, int x, ThemeElement el, const char *glyph)
{
    if (y < 0 || y >= r.h || x < 0 || x >= r.w)
        return;
    attrset(draw_attr(app, el));
    mvaddstr(r.y + y, r.x + x, glyph);
    attrset(A_NORMAL);
}

void draw_fill(const App *app, Rect r, int y, ThemeElement el)
{
    if (y < 0 || y >= r.h)
        return;
    attrset(draw_attr(app, el));
    mvhline(r.y + y, r.x, ' ', r.w);
    attrset(A_NORMAL);
}

Rect draw_frame(const App *app, Rect r, const char *title, bool focused)
{
    draw_fill(app, r, 0, focused ? EL_SELECTED : EL_BORDER);
    draw_text(app, r, 0, 1, focused ? EL_SELECTED : EL_BORDER, "%s", title);
    return (Rect){r.y + 1, r.x, r.h - 1, r.w};
}
