#include "theme.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../io/text.h"

/* The Makefile sets both: the source tree's folder, and the installed one under PREFIX. */
#ifndef THEMES_DIR
#define THEMES_DIR "themes"
#endif
#ifndef THEMES_SHARE_DIR
#define THEMES_SHARE_DIR "/usr/local/share/traceaid/themes"
#endif

const char *const theme_cycle[] = {"default", "dark", "light", "high-contrast", "mono"};
const int theme_cycle_count = 5;

/* The themes that need no file, so the explorer starts without any themes folder: the default,
 * and mono for NO_COLOR. Their text is themes/default.theme's and themes/mono.theme's (which
 * tests/test_themes.c checks). */
static const struct {
    const char *name, *text;
} compiled_in[] = {
    {"default",
     "# traceaid's default theme: element foreground background [attributes]\n"
     "normal      default      default\n"
     "title       default      default       bold\n"
     "header      white        blue          bold\n"
     "border      color244/white default\n"
     "selected    black        cyan\n"
     "cursor      black        white\n"
     "bar         color39/cyan default\n"
     "bar-alert   color196/red default       bold\n"
     "threshold   color214/yellow default    bold\n"
     "miss        color203/red default       bold\n"
     "segment     default      color236/black\n"
     "diff        black        color214/yellow bold\n"
     "status      black        white\n"
     "status-key  blue         white         bold\n"
     "dim         color244/white default\n"
     "progress    black        green\n"},
    {"mono",
     "# mono: attributes only, for monochrome terminals (also what NO_COLOR gets)\n"
     "normal      default default\n"
     "title       default default bold\n"
     "header      default default reverse bold\n"
     "border      default default dim\n"
     "selected    default default reverse\n"
     "cursor      default default reverse bold\n"
     "bar         default default\n"
     "bar-alert   default default bold\n"
     "threshold   default default underline\n"
     "miss        default default bold\n"
     "segment     default default dim\n"
     "diff        default default reverse bold\n"
     "status      default default reverse\n"
     "status-key  default default reverse bold\n"
     "dim         default default dim\n"
     "progress    default default reverse\n"},
};

const char *theme_compiled_in(const char *name)
{
    for (size_t i = 0; i < sizeof compiled_in / sizeof compiled_in[0]; i++)
        if (strcmp(compiled_in[i].name, name) == 0)
            return compiled_in[i].text;
    return NULL;
}

static const char *const element_names[EL_COUNT] = {
    "normal", "title", "header", "border", "selected", "cursor", "bar", "bar-alert",
    "threshold", "miss", "segment", "diff", "status", "status-key", "dim", "progress",
};

const char *theme_element_name(ThemeElement el) { return element_names[el]; }

static bool parse_color_name(const char *s, short *color)
{
    static const char *const names[] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};
    if (strcasecmp(s, "default") == 0) {
        *color = -1;
        return true;
    }
    for (short i = 0; i < 8; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *color = i;
            return true;
        }
    char *end;
    if (strncasecmp(s, "color", 5) == 0) {
        long n = strtol(s + 5, &end, 10);
        if (*end == '\0' && end != s + 5 && n >= 0 && n <= 255) {
            *color = (short)n;
            return true;
        }
    }
    return false;
}

/* "color208/yellow": 256-colour choice, 8-colour fallback; a plain name serves both. */
static bool parse_color(const char *s, ThemeColor *c)
{
    char wide[32];
    const char *slash = strchr(s, '/');
    snprintf(wide, sizeof wide, "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
    if (!parse_color_name(wide, &c->wide))
        return false;
    if (slash)
        return parse_color_name(slash + 1, &c->narrow);
    c->narrow = c->wide > 7 ? (short)(c->wide % 8) : c->wide;
    return true;
}

static bool parse_attr(const char *s, unsigned *attrs)
{
    static const struct { const char *name; unsigned attr; } table[] = {
        {"normal", 0}, {"bold", A_BOLD}, {"dim", A_DIM}, {"underline", A_UNDERLINE},
        {"reverse", A_REVERSE}, {"standout", A_STANDOUT}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcasecmp(s, table[i].name) == 0) {
            *attrs |= table[i].attr;
            return true;
        }
    return false;
}

static bool parse_line(Theme *theme, char *line, const char *path, int line_no, Error *err)
{
    char *words[8];
    int n = 0;
    for (char *w = strtok(line, " \t\r\n"); w && n < 8; w = strtok(NULL, " \t\r\n"))
        words[n++] = w;
    if (n == 0 || words[0][0] == '#')
        return true;
    if (n < 3)
        return error_set(err, "%s:%d: expected: element foreground background [attributes]", path, line_no);
    int el = -1;
    for (int i = 0; i < EL_COUNT; i++)
        if (strcmp(words[0], element_names[i]) == 0)
            el = i;
    if (el < 0)
        return error_set(err, "%s:%d: '%s' is not an element (normal, title, header, ...)", path, line_no, words[0]);
    ThemeStyle st = {.set = true};
    if (!parse_color(words[1], &st.fg) || !parse_color(words[2], &st.bg))
        return error_set(err, "%s:%d: '%s %s': colours are default, black, red, ..., white or color0..color255",
                         path, line_no, words[1], words[2]);
    for (int i = 3; i < n; i++)
        if (!parse_attr(words[i], &st.attrs))
            return error_set(err, "%s:%d: '%s' is not an attribute (bold, dim, underline, reverse, standout)",
                             path, line_no, words[i]);
    theme->style[el] = st;
    return true;
}

bool theme_parse(Theme *theme, const char *text, const char *path, Error *err)
{
    memset(theme, 0, sizeof *theme);
    const char *base = strrchr(path, '/');
    snprintf(theme->name, sizeof theme->name, "%s", base ? base + 1 : path);
    char *dot = strrchr(theme->name, '.');
    if (dot && strcmp(dot, ".theme") == 0)
        *dot = '\0';
    char *copy = strdup(text);
    if (!copy)
        return error_set_code(err, ERROR_NOMEM, "out of memory");
    int line_no = 0;
    bool ok = true;
    for (char *line = copy, *next; ok && line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        ok = parse_line(theme, line, path, ++line_no, err);
    }
    free(copy);
    for (int i = 0; ok && i < EL_COUNT; i++)
        if (!theme->style[i].set)
            ok = error_set(err, "%s: no line for element '%s'", path, element_names[i]);
    return ok;
}

/* A theme is a few dozen short lines; anything much larger is not one, and is refused rather
 * than read in part (a cut file would lose its last lines silently). */
#define THEME_MAX_BYTES (1u << 20)

static char *read_file(const char *path, Error *err)
{
    FILE *fp;
    if (!text_open(path, &fp, err))
        return NULL;
    char *buf = malloc(THEME_MAX_BYTES + 2);
    size_t n = buf ? fread(buf, 1, THEME_MAX_BYTES + 1, fp) : 0;
    bool read_error = ferror(fp);
    fclose(fp);
    if (!buf) {
        error_nomem(err);
        return NULL;
    }
    if (read_error || n > THEME_MAX_BYTES) {
        if (read_error)
            error_set_code(err, ERROR_IO, "%s: read error", path);
        else
            error_set(err, "%s: larger than %u bytes: not a theme file", path, THEME_MAX_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* The folders a theme's name is looked for in, in order: the user's ($XDG_CONFIG_HOME, else
 * ~/.config), then the installed ones and the source tree's, or TRACEAID_THEMES_DIR in place of
 * those two (empty: none). Returns how many. */
static int theme_folders(char folders[][1024])
{
    const char *config = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME"), *instead = getenv("TRACEAID_THEMES_DIR");
    int n = 0;
    if (config && config[0] == '/') /* the XDG spec: a relative one is ignored */
        snprintf(folders[n++], 1024, "%s/traceaid/themes", config);
    else if (home && home[0])
        snprintf(folders[n++], 1024, "%s/.config/traceaid/themes", home);
    if (instead && instead[0])
        snprintf(folders[n++], 1024, "%s", instead);
    if (!instead) {
        snprintf(folders[n++], 1024, "%s", THEMES_SHARE_DIR);
        if (strcmp(THEMES_DIR, THEMES_SHARE_DIR) != 0) /* an installed binary has no source tree */
            snprintf(folders[n++], 1024, "%s", THEMES_DIR);
    }
    return n;
}

static bool load_file(Theme *theme, const char *path, const char *name_or_path, Error *err)
{
    char *text = read_file(path, err);
    if (!text)
        return error_prefix(err, "theme %s: ", name_or_path);
    bool ok = theme_parse(theme, text, path, err);
    free(text);
    return ok;
}

bool theme_load(Theme *theme, const char *name_or_path, Error *err)
{
    if (strchr(name_or_path, '/'))
        return load_file(theme, name_or_path, name_or_path, err);
    char folders[3][1024], path[2048], searched[3400] = "";
    int n = theme_folders(folders);
    for (int i = 0; i < n; i++) {
        int len = snprintf(path, sizeof path, "%s/%s.theme", folders[i], name_or_path);
        if (len < (int)sizeof path && access(path, F_OK) == 0) /* the first found is the one, errors and all */
            return load_file(theme, path, name_or_path, err);
        size_t used = strlen(searched);
        snprintf(searched + used, sizeof searched - used, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", folders[i]);
    }
    const char *text = theme_compiled_in(name_or_path);
    if (text)
        return theme_parse(theme, text, name_or_path, err);
    return error_set(err, "theme %s: no %s.theme in %s", name_or_path, name_or_path, n ? searched : "any folder");
}
