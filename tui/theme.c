#include "theme.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../io/text.h"

#ifndef THEMES_DIR
#define THEMES_DIR "themes"
#endif

const char *const theme_builtin[] = {"default", "dark", "light", "high-contrast", "mono"};
const int theme_builtin_count = 5;

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

static char *read_file(const char *path, Error *err)
{
    FILE *fp;
    if (!text_open(path, &fp, err))
        return NULL;
    char *buf = malloc(65537);
    size_t n = buf ? fread(buf, 1, 65536, fp) : 0;
    fclose(fp);
    if (!buf) {
        error_set_code(err, ERROR_NOMEM, "out of memory");
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

bool theme_load(Theme *theme, const char *name_or_path, Error *err)
{
    char path[1024];
    if (strchr(name_or_path, '/')) {
        snprintf(path, sizeof path, "%s", name_or_path);
    } else {
        snprintf(path, sizeof path, "%s/%s.theme", THEMES_DIR, name_or_path);
        FILE *probe = fopen(path, "r");
        if (!probe)
            snprintf(path, sizeof path, "themes/%s.theme", name_or_path);
        else
            fclose(probe);
    }
    char *text = read_file(path, err);
    if (!text)
        return error_prefix(err, "theme %s: ", name_or_path);
    bool ok = theme_parse(theme, text, path, err);
    free(text);
    return ok;
}
