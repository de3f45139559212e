/* The explorer's main loop, and the headless script runner the screen tests use: a script is
 * lines of `size WxH`, `key NAME` (Tab, Enter, Up, Down, Left, Right, PgUp, PgDn, Home, End,
 * S-Tab, or one character), `keys TEXT` (each character a key), `click X Y`, `wheel ROW up|down`
 * and `dump` (the screen as text to standard output); # starts a comment. */
#include "explorer.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

static bool start_theme(App *app, const char *name, Error *err)
{
    const char *wanted = name ? name : getenv("NO_COLOR") ? "mono" : "default";
    if (!theme_load(&app->theme, wanted, err))
        return false;
    for (int i = 0; i < theme_builtin_count; i++)
        if (strcmp(theme_builtin[i], app->theme.name) == 0)
            app->theme_index = i;
    app->color = has_colors() && !getenv("NO_COLOR");
    if (app->color) {
        start_color();
        use_default_colors();
    }
    draw_apply_theme(&app->theme, app->color);
    return true;
}

static int key_code(const char *name)
{
    static const struct { const char *name; int code; } names[] = {
        {"Tab", '\t'}, {"Enter", '\n'}, {"Up", KEY_UP}, {"Down", KEY_DOWN}, {"Left", KEY_LEFT},
        {"Right", KEY_RIGHT}, {"PgUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE}, {"Home", KEY_HOME},
        {"End", KEY_END}, {"S-Tab", KEY_BTAB}, {"Space", ' '}, {"Esc", 27}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].code;
    return strlen(name) == 1 ? (unsigned char)name[0] : -1;
}

static void dump(App *app, int number)
{
    app_draw(app);
    printf("--- screen %d (%dx%d) ---\n", number, app->cols, app->rows);
    char line[1024];
    for (int y = 0; y < app->rows; y++) {
        int n = mvinnstr(y, 0, line, app->cols < 1023 ? app->cols : 1023);
        while (n > 0 && line[n - 1] == ' ')
            n--;
        printf("%.*s\n", n < 0 ? 0 : n, line);
    }
}

static bool run_script_line(App *app, char *line, const char *path, int line_no, int *dumps, Error *err)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *arg = strchr(line, ' ');
    if (arg)
        *arg++ = '\0';
    if (line[0] == '\0' || line[0] == '#')
        return true;
    int w, h;
    if (strcmp(line, "size") == 0 && arg && sscanf(arg, "%dx%d", &w, &h) == 2) {
        resizeterm(h, w);
        return true;
    }
    if (strcmp(line, "key") == 0 && arg && key_code(arg) >= 0) {
        app_draw(app); /* what the user saw before pressing it */
        app_key(app, key_code(arg));
        return true;
    }
    if (strcmp(line, "keys") == 0 && arg) {
        for (const char *c = arg; *c; c++) {
            app_draw(app);
            app_key(app, (unsigned char)*c);
        }
        return true;
    }
    int y, x;
    if (strcmp(line, "click") == 0 && arg && sscanf(arg, "%d %d", &x, &y) == 2) {
        app_draw(app);
        app_click(app, y, x);
        return true;
    }
    if (strcmp(line, "wheel") == 0 && arg && sscanf(arg, "%d", &y) == 1) {
        app_draw(app);
        app_wheel(app, y, strstr(arg, "up") ? -3 : 3);
        return true;
    }
    if (strcmp(line, "dump") == 0) {
        dump(app, ++*dumps);
        return true;
    }
    return error_set(err, "%s:%d: expected size WxH, key NAME, keys TEXT, click X Y, wheel ROW up|down or dump",
                     path, line_no);
}

static bool run_script(App *app, const char *path, Error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return error_set(err, "%s: cannot open the script", path);
    char line[512];
    int line_no = 0, dumps = 0;
    bool ok = true;
    while (ok && !app->quit && fgets(line, sizeof line, fp))
        ok = run_script_line(app, line, path, ++line_no, &dumps, err);
    fclose(fp);
    return ok;
}

static void run_terminal(App *app)
{
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    while (!app->quit) {
        app_draw(app);
        refresh();
        int key = getch();
        MEVENT ev;
        if (key == KEY_RESIZE)
            continue;
        if (key == KEY_MOUSE && getmouse(&ev) == OK) {
            if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
                app_click(app, ev.y, ev.x);
            else if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
                app_wheel(app, ev.y, ev.bstate & BUTTON4_PRESSED ? -3 : 3);
            continue;
        }
        app_key(app, key);
    }
}

bool explorer_run(ScoredSet *scored, bool has_model, const ExplorerOptions *opt, Error *err)
{
    App app;
    app_init(&app, scored, has_model);
    FILE *null_out = NULL, *null_in = NULL;
    SCREEN *screen;
    if (opt->script) { /* a fixed-size terminal of its own, drawing nowhere */
        setenv("LINES", "24", 0);
        setenv("COLUMNS", "80", 0);
        use_env(TRUE);
        null_out = fopen("/dev/null", "w");
        null_in = fopen("/dev/null", "r");
        screen = null_out && null_in ? newterm("xterm-256color", null_out, null_in) : NULL;
    } else {
        screen = newterm(NULL, stdout, stdin);
    }
    bool ok = screen != NULL || error_set(err, "cannot start the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
    if (ok) {
        ok = start_theme(&app, opt->theme, err);
        if (ok && opt->script)
            ok = run_script(&app, opt->script, err);
        else if (ok)
            run_terminal(&app);
        endwin();
        delscreen(screen);
    }
    if (null_out)
        fclose(null_out);
    if (null_in)
        fclose(null_in);
    app_free(&app);
    return ok;
}
