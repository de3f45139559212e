/* The explorer's main loop, and the headless script runner the screen tests use: a script is
 * lines of `size WxH`, `key NAME` (Tab, Enter, Up, Down, Left, Right, PgUp, PgDn, Home, End,
 * S-Tab, or one character), `keys TEXT` (each character a key), `click X Y`, `wheel [COL] ROW up|down`,
 * `dump` (the screen as text to standard output) and `wait preview|loaded` (the preview of a big
 * trace, its rest held back until `wait loaded` or another command); # starts a comment. */
#include "explorer.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "../core/interrupt.h"
#include "draw.h"
#include "loader.h"
#include "marks_keys.h"
#include "follow.h"
#include "preview.h"
#include "updater.h"
#include "script.h"
#include <term.h> /* after every other header: it defines short macros (lines, columns) */

static bool start_theme(App *app, const char *name, Error *err)
{
    const char *wanted = name ? name : getenv("NO_COLOR") ? "mono" : "default";
    if (!theme_load(&app->theme, wanted, err))
        return false;
    for (int i = 0; i < theme_cycle_count; i++)
        if (strcmp(theme_cycle[i], app->theme.name) == 0)
            app->theme_index = i;
    app->color = has_colors() && !getenv("NO_COLOR");
    if (app->color) {
        start_color();
        use_default_colors();
    }
    draw_apply_theme(&app->theme, app->color);
    return true;
}

/* The whole screen at the terminal's size: the layout and the panes' data, then the drawing. */
static void render(App *app)
{
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    app_update(app, rows, cols);
    app_draw(app);
}

/* What a key, a click or the wheel changed, before the next screen: a new theme's colours. */
static Reaction react(App *app, Reaction r)
{
    if (r & REACT_THEME)
        draw_apply_theme(&app->theme, app->color);
    return r;
}

/* Row y of the screen as text, wide characters as the locale encodes them (UTF-8 ones). */
static int screen_line(int y, int cols, char *line, size_t size)
{
    cchar_t cells[1024];
    int n = cols < 1023 ? cols : 1023, len = 0;
    if (mvin_wchnstr(y, 0, cells, n) == ERR)
        return 0;
    for (int x = 0; x < n && (size_t)len + MB_LEN_MAX < size; x++) {
        wchar_t wide[CCHARW_MAX + 1];
        attr_t attrs;
        short pair;
        if (getcchar(&cells[x], wide, &attrs, &pair, NULL) == ERR || !wide[0])
            wide[0] = L' ', wide[1] = L'\0';
        for (int i = 0; wide[i]; i++) {
            mbstate_t state = {0};
            size_t bytes = wcrtomb(line + len, wide[i], &state);
            len += bytes == (size_t)-1 ? (line[len] = '?', 1) : (int)bytes;
        }
    }
    return len;
}

static void dump(App *app, int number)
{
    render(app);
    printf("--- screen %d (%dx%d) ---\n", number, app->layout.cols, app->layout.rows);
    char line[1024 * MB_LEN_MAX];
    for (int y = 0; y < app->layout.rows; y++) {
        int n = screen_line(y, app->layout.cols, line, sizeof line);
        while (n > 0 && line[n - 1] == ' ')
            n--;
        printf("%.*s\n", n < 0 ? 0 : n, line);
    }
}

/* A script's run: the explorer, the loader it follows, and where the script is. */
typedef struct ScriptRun {
    App *app;
    Loader *loader;
    bool has_model;
    Follow follow;
    int dumps;
    bool quit;
} ScriptRun;

/* The status line a script sees: no timing, so its screens repeat. */
static void script_message(App *app, const Loader *loader)
{
    snprintf(app->message, sizeof app->message, "%s", loader->truth_note);
    if (app->marks_note[0]) /* rows of a marks file that did not apply */
        snprintf(app->message, sizeof app->message, "%s", app->marks_note);
    follow_append_warning(app, loader);
}

/* The whole trace loaded and scored (a script's commands see it unless `wait preview` came
 * first). */
static bool script_wait_loaded(ScriptRun *run, Error *err)
{
    if (run->follow.app_ready && !run->follow.previewing)
        return true;
    loader_release(run->loader);
    loader_join(run->loader);
    bool ok = follow_loader(run->app, run->loader, run->has_model, &run->follow, err) &&
              (run->has_model == run->app->has_model || error_set(err, "%s", loader_status(run->loader).err.msg));
    script_message(run->app, run->loader);
    return ok;
}

/* The preview, when the trace is big enough for one (TRACEAID_PREVIEW_BYTES); else the whole. */
static bool script_wait_preview(ScriptRun *run, Error *err)
{
    if (run->follow.app_ready)
        return true;
    LoadStatus st = loader_wait_preview(run->loader);
    if (!st.preview_ready)
        return script_wait_loaded(run, err);
    return follow_loader(run->app, run->loader, run->has_model, &run->follow, err);
}

/* The head's chart filled in as far as the whole trace's first events: fixed there, so the
 * screens repeat. Over no head (a small trace): the whole trace. */
static bool script_wait_scored(ScriptRun *run, size_t events, Error *err)
{
    if (!run->follow.previewing || !loader_wait_scored(run->loader, events))
        return script_wait_loaded(run, err);
    run->follow.filling_fixed = true;
    follow_fill_chart(run->app, run->loader, events);
    LoadStatus st = loader_status(run->loader);
    preview_message(run->loader, &st, false, events, run->app->message, sizeof run->app->message);
    return true;
}

/* Esc over the head while the whole loads or is scored: cancelled, as at the terminal (the worker
 * held where the script's wait left it, so the screens repeat). */
static bool script_cancel(ScriptRun *run, Error *err)
{
    loader_cancel(run->loader);
    loader_join(run->loader);
    return follow_loader(run->app, run->loader, run->has_model, &run->follow, err);
}

/* A script draws the screen before each key, click and wheel, as the user would see it; a key
 * that quits ends the script. */
static bool run_script_line(ScriptRun *run, char *line, const char *path, int line_no, Error *err)
{
    ScriptCommand cmd;
    if (!script_parse_line(line, &cmd))
        return error_set(err, "%s:%d: expected size WxH, key NAME, keys TEXT, click X Y, wheel [COL] ROW up|down, "
                         "wait preview|loaded|scored N or dump", path, line_no);
    App *app = run->app;
    if (cmd.kind == SCRIPT_WAIT && strcmp(cmd.text, "scored") == 0)
        return script_wait_scored(run, (size_t)cmd.x, err);
    if (cmd.kind == SCRIPT_WAIT)
        return strcmp(cmd.text, "preview") == 0 ? script_wait_preview(run, err) : script_wait_loaded(run, err);
    if (cmd.kind != SCRIPT_NONE && !run->follow.app_ready && !script_wait_loaded(run, err))
        return false;
    LoadStage stage = loader_status(run->loader).stage;
    if (cmd.kind == SCRIPT_KEY && cmd.key == 27 && run->follow.previewing &&
        (stage == LOAD_TRACES || stage == LOAD_SCORING))
        return script_cancel(run, err);
    switch (cmd.kind) {
    case SCRIPT_SIZE: resizeterm(cmd.h, cmd.w); break;
    case SCRIPT_KEY: render(app), run->quit = react(app, app_key(app, cmd.key)) & REACT_QUIT, app_wait_update(app); break;
    case SCRIPT_KEYS:
        for (const char *c = cmd.text; *c && !run->quit; c++)
            render(app), run->quit = react(app, app_key(app, (unsigned char)*c)) & REACT_QUIT, app_wait_update(app);
        break;
    case SCRIPT_CLICK: render(app), app_click(app, cmd.y, cmd.x); break;
    case SCRIPT_WHEEL: render(app), app_wheel(app, cmd.y, cmd.x, cmd.w); break;
    case SCRIPT_DUMP: dump(app, ++run->dumps); break;
    case SCRIPT_WAIT: case SCRIPT_NONE: break;
    }
    return true;
}

static bool run_script(ScriptRun *run, const char *path, Error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return error_set(err, "%s: cannot open the script", path);
    /* Whole lines of any length: a fixed buffer would split a long line, and its tail (of a
     * comment, say) would run as a command of its own. */
    char *line = NULL;
    size_t cap = 0;
    int line_no = 0;
    bool ok = true;
    while (ok && !run->quit && getline(&line, &cap, fp) >= 0)
        ok = run_script_line(run, line, path, ++line_no, err);
    if (ok && !run->quit && !feof(fp))
        ok = errno == ENOMEM ? error_nomem(err) : error_set_code(err, ERROR_IO, "%s: read error", path);
    free(line);
    fclose(fp);
    /* A script of comments alone still loads everything, as it always did; one that ended over
     * the preview leaves the rest unread. */
    if (ok && !run->follow.app_ready)
        ok = script_wait_loaded(run, err);
    return ok;
}

/* Ctrl-C or SIGTERM: the loop ends, the worker is told to stop, and explorer_run restores the
 * terminal before main reports it (130 or 143). */
static bool run_terminal(App *app, Loader *loader, bool has_model, const CancelFlag *stop, Error *err)
{
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    set_escdelay(25); /* Esc alone, not the start of an escape sequence, after 25 ms */
    Follow follow = {.timing = true};
    LoadStage last_stage = LOAD_TRACES;
    Reaction pending = REACT_VIEW; /* what to draw before waiting for the next key */
    while (!(pending & REACT_QUIT)) {
        if (*stop) {
            loader_cancel(loader);
            return error_interrupted(err);
        }
        LoadStatus st = loader_status(loader);
        bool updating = app_update_busy(app); /* U's worker: its epoch on the status line */
        bool busy = st.stage == LOAD_TRACES || st.stage == LOAD_SCORING || updating;
        /* Poll the loader while it works; idle, still wake now and then for the signal flag: a
         * signal taken by another thread (OpenBLAS's) does not interrupt getch. */
        timeout(busy ? 100 : 250);
        if (!follow_loader(app, loader, has_model, &follow, err))
            return false;
        bool app_ready = follow.app_ready;
        if (busy || st.stage != last_stage) /* the progress, or what the loader brought */
            pending |= REACT_VIEW;
        if (app_ready)
            pending |= app_follow_update(app);
        last_stage = st.stage;
        if (app_ready && pending & REACT_VIEW)
            render(app);
        else if (app_ready && pending & REACT_STATUS)
            app_draw_status(app);
        refresh();
        pending = REACT_NONE;
        int key = getch();
        MEVENT ev;
        if (key == ERR || key == KEY_RESIZE) {
            pending = key == KEY_RESIZE || busy ? REACT_VIEW : REACT_NONE;
            continue;
        }
        if (key == 27 && updating) {
            app_cancel_update(app);
            continue;
        }
        if (key == 27 && busy) {
            loader_cancel(loader);
            continue;
        }
        if (!app_ready)
            continue;
        if (key == KEY_MOUSE && getmouse(&ev) == OK) {
            if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
                pending = app_click(app, ev.y, ev.x);
            else if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
                pending = app_wheel(app, ev.y, ev.x, ev.bstate & BUTTON4_PRESSED ? -3 : 3);
            continue;
        }
        pending = react(app, app_key(app, key));
    }
    loader_cancel(loader); /* quitting mid-scoring: the worker stops at its next check */
    return true;
}

bool explorer_terminal_usable(char *why, size_t size)
{
    const char *term = getenv("TERM");
    if (!term || !*term) {
        snprintf(why, size, "TERM is not set");
        return false;
    }
    int status = 0;
    if (setupterm(term, STDOUT_FILENO, &status) != OK) {
        snprintf(why, size, "TERM=%.60s is not a terminal terminfo knows", term);
        return false;
    }
    const char *cup = tigetstr("cup");
    bool usable = cup && cup != (char *)-1;
    if (!usable)
        snprintf(why, size, "the terminal (TERM=%.60s) cannot place the cursor", term);
    del_curterm(cur_term);
    return usable;
}

/* The character set from the environment, so ncurses draws UTF-8 where the terminal takes it.
 * LC_CTYPE alone: numbers keep their C form ("0.5", not "0,5") in every pane. */
static bool locale_is_utf8(void)
{
    setlocale(LC_CTYPE, "");
    const char *codeset = nl_langinfo(CODESET);
    return strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0;
}

bool explorer_run(Loader *loader, bool has_model, const ExplorerOptions *opt, Error *err)
{
    App app;
    app_init(&app, &loader->scored, false);
    app.utf8 = locale_is_utf8();
    /* U reads and scores the traces again as they were opened, with the updated model */
    UpdateSource update_src = {loader->model, loader->traces, loader->inputs, loader->input_labels, loader->n_inputs};
    app.update_src = &update_src;
    if (loader->model.path)
        snprintf(app.model_path, sizeof app.model_path, "%s", loader->model.path);
    const CancelFlag *stop = interrupt_install(); /* before newterm, so ncurses keeps its own out */
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
        if (ok && opt->script) { /* scripts see each stage whole, so their screens repeat */
            ScriptRun run = {.app = &app, .loader = loader, .has_model = has_model};
            ok = run_script(&run, opt->script, err);
            loader_cancel(loader); /* a script that ended over the preview, or failed */
        } else if (ok) {
            ok = run_terminal(&app, loader, has_model, stop, err);
        }
        endwin();
        delscreen(screen);
    }
    if (null_out)
        fclose(null_out);
    if (null_in)
        fclose(null_in);
    if (app.sched)
        schedule_free(app.sched);
    free(app.sched);
    app_free(&app);
    return ok;
}
