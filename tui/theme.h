/* Colour themes: plain text files, one `element fg bg attributes` a line, in the spirit of tig's
 * colour lines. A colour is a name (default, black, red, green, yellow, blue, magenta, cyan,
 * white) or colorN for 256-colour terminals, optionally with a fallback for 8-colour ones
 * (color208/yellow). Attributes: normal, bold, dim, underline, reverse, standout. */
#ifndef TRACEAID_THEME_H
#define TRACEAID_THEME_H

#include <stdbool.h>

#include "../io/error.h"

typedef enum ThemeElement {
    EL_NORMAL, EL_TITLE, EL_HEADER, EL_BORDER, EL_SELECTED, EL_CURSOR, EL_BAR, EL_BAR_ALERT,
    EL_THRESHOLD, EL_MISS, EL_SEGMENT, EL_DIFF, EL_STATUS, EL_STATUS_KEY, EL_DIM, EL_PROGRESS,
    EL_COUNT
} ThemeElement;

typedef struct ThemeColor {
    short wide;     /* colour on 256-colour terminals (-1: default) */
    short narrow;   /* on 8-colour ones */
} ThemeColor;

typedef struct ThemeStyle {
    ThemeColor fg, bg;
    unsigned attrs; /* A_BOLD, ... */
    bool set;
} ThemeStyle;

typedef struct Theme {
    char name[64];
    ThemeStyle style[EL_COUNT];
} Theme;

/* The file at a path (containing '/'), or the theme named: NAME.theme in the first folder that
 * has one of $XDG_CONFIG_HOME/traceaid/themes (or ~/.config/traceaid/themes), the installed
 * share/traceaid/themes and the source tree's themes/ (TRACEAID_THEMES_DIR, when set, in place
 * of these two), else the one compiled in by that name. */
bool theme_load(Theme *theme, const char *name_or_path, Error *err);
bool theme_parse(Theme *theme, const char *text, const char *path, Error *err);
const char *theme_element_name(ThemeElement el);
/* The text of a theme compiled in ("default", "mono"); NULL for other names. */
const char *theme_compiled_in(const char *name);
/* The themes t goes through, in this order. */
extern const char *const theme_cycle[];
extern const int theme_cycle_count;

#endif
