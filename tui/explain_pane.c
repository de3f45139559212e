/* The interpretation pane: the anomalous window beside its reference, position by position, the
 * probabilities and the fidelity verdict, and the nearest normal window of the training data when
 * the interpretation has one. Its lines scroll below the column heads (j/k, PgUp/PgDn while it is
 * focused; o zooms it to the screen), and the scroll stays while the pane is away.
 *
 * Two layouts, by the pane's width. Wide (WIDE_COLS and more: the pane zoomed on a wide terminal)
 * is the table `explain` prints, a row per position: Ano. | Meaning | Diff. | Ref. | Meaning*.
 * Narrow (the side pane at 80 and at 200 columns) puts the two keys side by side and the meaning
 * on its own line under them: two meanings beside two keys in 40-odd columns leave each a dozen
 * characters, which say nothing, while a line of its own holds most of a meaning; there a
 * position whose keys agree shows its meaning once (the Ref. column would repeat it), beside its
 * keys when every such meaning fits there whole (short keys, as HDFS's numbers). In both, an
 * agreeing position's meaning is cut to one line and a differing position's two meanings are
 * whole, wrapped: the changed keys are what the reader has come to understand, the others are
 * context, and an 80x24 pane has no rows to spare for them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/keys.h"
#include "../io/format.h"
#include "draw.h"

#define WIDE_COLS 120
#define KEY_MAX_W 28
#define MEANING_X 5     /* narrow: a meaning's line starts under the Ano. key */

static const char *name_of(const App *app, uint32_t key) { return key_label(&app->scored->set, key); }
static const char *meaning_of(const App *app, uint32_t key) { return key_meaning(&app->scored->set, key); }

/* The pane's lines, drawn or only counted (app_update counts them to bound the scroll). */
typedef struct Lines {
    const App *app;
    Rect body;          /* the rows below the column heads */
    int top;            /* the first line in view */
    int n;              /* lines so far */
    bool draw;
} Lines;

/* One line at column x; a changed position's lines are tinted across the pane. */
static void put(Lines *l, int x, ThemeElement style, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(Lines *l, int x, ThemeElement style, const char *fmt, ...)
{
    int y = l->n++ - l->top;
    if (!l->draw || y < 0 || y >= l->body.h)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (style == EL_DIFF)
        draw_fill(l->app, l->body, y, style);
    draw_text(l->app, l->body, y, x, style, "%s", text);
}

/* text from column x of the last line put (which is not counted again). */
static void put_beside(Lines *l, int x, ThemeElement style, const char *text)
{
    int y = l->n - 1 - l->top;
    if (l->draw && y >= 0 && y < l->body.h)
        draw_text(l->app, l->body, y, x, style, "%s", text);
}

/* The next line of *text in width columns, broken at a space where there is one; *text moves on. */
static void next_piece(const char **text, int width, char *buf, size_t size)
{
    const char *s = *text;
    while (*s == ' ')
        s++;
    size_t len = strlen(s), cut = len;
    if (width < 1)
        width = 1;
    if (len > (size_t)width) {
        cut = (size_t)width;
        while (cut > 0 && s[cut] != ' ')
            cut--;
        if (cut == 0) /* a word longer than the line */
            cut = (size_t)width;
    }
    snprintf(buf, size, "%.*s", (int)(cut < size ? cut : size - 1), s);
    *text = s + cut;
}

/* text on one line of width columns: cut at a word and "..." when it is longer. */
static const char *one_line(const char *text, int width, char *buf, size_t size)
{
    if ((int)strlen(text) <= width || width < 8) {
        snprintf(buf, size, "%.*s", width > 0 ? width : 0, text);
        return buf;
    }
    const char *rest = text;
    next_piece(&rest, width - 3, buf, size);
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "...");
    return buf;
}

/* label, then text wrapped in the columns from x + the label's width to the pane's edge. */
static void put_wrapped(Lines *l, int x, ThemeElement style, const char *label, const char *text)
{
    char piece[512];
    int indent = (int)strlen(label), width = l->body.w - x - indent;
    bool first = true;
    while (*text) {
        next_piece(&text, width, piece, sizeof piece);
        put(l, x, style, "%*s%s", indent, first ? label : "", piece);
        first = false;
        while (*text == ' ')
            text++;
    }
}

/* The widest key label of the window and its reference, up to KEY_MAX_W. */
static int keys_width(const App *app, const Interpretation *it)
{
    int width = 4;
    for (int i = 0; i < it->n_keys; i++) {
        int a = (int)strlen(name_of(app, it->keys[i])), b = (int)strlen(name_of(app, it->reference[i]));
        width = a > width ? a : width, width = b > width ? b : width;
    }
    return width > KEY_MAX_W ? KEY_MAX_W : width;
}

/* A key in width columns: its middle cut when longer (KER_CALL/MSG_RE...IVEV keeps both ends). */
static const char *key_cell(const App *app, uint32_t key, int width, char *buf, size_t size)
{
    return format_shorten(buf, size, name_of(app, key), width > 4 ? (size_t)width : 4);
}

/* ---- narrow: the keys side by side, the meanings on their own lines ---------------------- */

static int narrow_key_width(const App *app, const Interpretation *it, int cols)
{
    int fit = (cols - 8) / 2, widest = keys_width(app, it);
    return fit < widest ? fit : widest;
}

static void narrow_heads(const App *app, const Interpretation *it, Rect heads)
{
    int key_w = narrow_key_width(app, it, heads.w);
    draw_text(app, heads, 0, 0, EL_TITLE, "%3s  %-*s %s %-*s", "#", key_w, "Ano.", "*", key_w, "Ref.");
}

/* Where an agreeing position's meaning starts beside its keys. */
#define MEANINGS_BESIDE_X(key_w) (2 * (key_w) + 10)

/* Do the agreeing positions' meanings all fit whole beside their keys (HDFS's short keys in the
 * zoomed pane)? Then each goes there: a line a position, the table whole at 80x24. All or none,
 * so that the meanings stand in one column. */
static bool meanings_beside(const App *app, const Interpretation *it, int key_w, int cols)
{
    for (int i = 0; i < it->n_keys; i++)
        if (it->keys[i] == it->reference[i] &&
            (int)strlen(meaning_of(app, it->keys[i])) > cols - MEANINGS_BESIDE_X(key_w))
            return false;
    return true;
}

static void narrow_position(Lines *l, const Interpretation *it, int i, int key_w, bool beside)
{
    const App *app = l->app;
    char a[64], b[64], cut[512];
    bool differs = it->keys[i] != it->reference[i];
    ThemeElement style = differs ? EL_DIFF : EL_NORMAL;
    put(l, 0, style, "%3d%c %-*s %c %-*s", i + 1, i >= it->n_inputs ? '>' : ' ', key_w,
        key_cell(app, it->keys[i], key_w, a, sizeof a), differs ? '*' : ' ', key_w,
        key_cell(app, it->reference[i], key_w, b, sizeof b));
    const char *ano = meaning_of(app, it->keys[i]), *ref = meaning_of(app, it->reference[i]);
    if (!differs && beside) {
        put_beside(l, MEANINGS_BESIDE_X(key_w), EL_DIM, ano);
        return;
    }
    if (!differs) {
        if (*ano)
            put(l, MEANING_X, EL_DIM, "%s", one_line(ano, l->body.w - MEANING_X, cut, sizeof cut));
        return;
    }
    put_wrapped(l, MEANING_X, style, "Ano. ", *ano ? ano : "(no meaning known)");
    put_wrapped(l, MEANING_X, style, "Ref. ", *ref ? ref : "(no meaning known)");
}

/* ---- wide: the table as `explain` prints it ------------------------------------------------ */

typedef struct WideColumns {
    int key_w, mean_w;
} WideColumns;

static WideColumns wide_columns(const App *app, const Interpretation *it, int cols)
{
    WideColumns c = {.key_w = keys_width(app, it)};
    c.mean_w = (cols - 16 - 2 * c.key_w) / 2;
    c.mean_w = c.mean_w > 400 ? 400 : c.mean_w; /* within next_piece's line */
    return c;
}

static void wide_heads(const App *app, const Interpretation *it, Rect heads)
{
    WideColumns c = wide_columns(app, it, heads.w);
    draw_text(app, heads, 0, 0, EL_TITLE, "%3s %-*s  %-*s %5s  %-*s  %-*s", "#", c.key_w, "Ano.", c.mean_w, "Meaning",
              "Diff.", c.key_w, "Ref.", c.mean_w, "Meaning*");
}

static void wide_position(Lines *l, const Interpretation *it, int i, WideColumns c)
{
    const App *app = l->app;
    char a[64], b[64], ano_piece[512], ref_piece[512];
    bool differs = it->keys[i] != it->reference[i];
    const char *ano = meaning_of(app, it->keys[i]), *ref = meaning_of(app, it->reference[i]);
    if (!differs) {
        one_line(ano, c.mean_w, ano_piece, sizeof ano_piece);
        put(l, 0, EL_NORMAL, "%2d%c %-*s  %-*s %5s  %-*s  %s", i + 1, i >= it->n_inputs ? '>' : ' ', c.key_w,
            key_cell(app, it->keys[i], c.key_w, a, sizeof a), c.mean_w, ano_piece, "", c.key_w,
            key_cell(app, it->reference[i], c.key_w, b, sizeof b), ano_piece);
        return;
    }
    char position[16];
    snprintf(position, sizeof position, "%2d%c", i + 1, i >= it->n_inputs ? '>' : ' ');
    for (bool first = true; first || *ano || *ref; first = false) {
        next_piece(&ano, c.mean_w, ano_piece, sizeof ano_piece);
        next_piece(&ref, c.mean_w, ref_piece, sizeof ref_piece);
        put(l, 0, EL_DIFF, "%-3s %-*s  %-*s %5s  %-*s  %s", first ? position : "", c.key_w,
            first ? key_cell(app, it->keys[i], c.key_w, a, sizeof a) : "", c.mean_w, ano_piece, first ? "*" : "",
            c.key_w, first ? key_cell(app, it->reference[i], c.key_w, b, sizeof b) : "", ref_piece);
    }
}

/* ---- below the table: the verdict and the nearest normal window ---------------------------- */

/* As `explain` says it: a window of one ranked target by its rank, one of several by the targets
 * missed. */
static void put_verdict(Lines *l, const Interpretation *it)
{
    char text[512];
    int ty = it->n_keys - it->n_inputs;
    if (!it->anomalous) {
        if (it->ranked)
            snprintf(text, sizeof text, "the model deems this window normal: its next key ranks %d of top %d",
                     it->rank_before + 1, it->top_g);
        else
            snprintf(text, sizeof text, "the model deems this window normal: it predicts all %d keys", ty);
        put_wrapped(l, 1, EL_NORMAL, "", text);
        return;
    }
    const char *where = it->target_changed ? (ty == 1 ? " (the next key itself is the anomaly)" : " (the keys that came are the anomaly)")
                                           : " (in the inputs)";
    if (it->ranked)
        snprintf(text, sizeof text, "p(next key) %.4f (rank %d) -> reference %.4f (rank %d); %d change%s%s",
                 it->p_before, it->rank_before + 1, it->p_after, it->rank_after + 1, it->changes,
                 it->changes == 1 ? "" : "s", where);
    else
        snprintf(text, sizeof text, "mean p %.4f, %d of %d missed -> reference %.4f, %d missed; %d change%s%s",
                 it->p_before, it->missed_before, ty, it->p_after, it->missed_after, it->changes,
                 it->changes == 1 ? "" : "s", where);
    put_wrapped(l, 1, EL_NORMAL, "", text);
    if (it->ranked) /* as explain says it: where among the candidates */
        snprintf(text, sizeof text, "fidelity %s: the model %s the reference's next key among its top %d%s",
                 it->fidelity ? "passed" : "FAILED", it->fidelity ? "puts" : "does not put", it->top_g,
                 it->searched_inputs ? "; no single input change sufficed" : "");
    else
        snprintf(text, sizeof text, "fidelity %s: the model %s the reference's %s%s", it->fidelity ? "passed" : "FAILED",
                 it->fidelity ? "predicts" : "does not predict", ty == 1 ? "next key" : "keys",
                 it->searched_inputs ? "; no input change sufficed" : "");
    put_wrapped(l, 1, it->fidelity ? EL_NORMAL : EL_MISS, "", text);
}

/* The positions where the nearest normal window differs from the anomalous one, each with its
 * meaning (the others are Ano.'s keys). */
static void put_nearest(Lines *l, const Interpretation *it, int key_w)
{
    const App *app = l->app;
    char text[256], a[64], b[64];
    if (!it->has_nearest)
        return;
    if (it->nearest_distance)
        snprintf(text, sizeof text, "nearest normal window in the training data (Near.), %d key%s apart:",
                 it->nearest_distance, it->nearest_distance == 1 ? "" : "s");
    else
        snprintf(text, sizeof text, "nearest normal window in the training data: this very window");
    put_wrapped(l, 1, EL_TITLE, "", text);
    for (int i = 0; i < it->n_keys; i++) {
        if (it->nearest[i] == it->keys[i])
            continue;
        put(l, 0, EL_DIFF, "%3d%c %-*s * %-*s", i + 1, i >= it->n_inputs ? '>' : ' ', key_w,
            key_cell(app, it->keys[i], key_w, a, sizeof a), key_w, key_cell(app, it->nearest[i], key_w, b, sizeof b));
        const char *near = meaning_of(app, it->nearest[i]);
        if (*near)
            put_wrapped(l, MEANING_X, EL_DIFF, "Near. ", near);
    }
}

/* Every line of the interpretation below the column heads, in order. */
static void interpretation_lines(Lines *l)
{
    const Interpretation *it = &l->app->interp;
    bool wide = l->body.w >= WIDE_COLS;
    int key_w = narrow_key_width(l->app, it, l->body.w);
    bool beside = !wide && meanings_beside(l->app, it, key_w, l->body.w);
    WideColumns c = wide_columns(l->app, it, l->body.w);
    for (int i = 0; i < it->n_keys; i++) {
        if (wide)
            wide_position(l, it, i, c);
        else
            narrow_position(l, it, i, key_w, beside);
    }
    put_verdict(l, it);
    put_nearest(l, it, key_w);
}

/* The pane's inside below its title, then its column heads' row and the lines' rows. */
static Rect heads_of(Rect r) { return (Rect){r.y + 1, r.x, 1, r.w}; }
static Rect body_of(Rect r) { return (Rect){r.y + 2, r.x, r.h > 2 ? r.h - 2 : 0, r.w}; }

static void explain_update(App *app, Rect r)
{
    PaneScroll *scroll = &app->explain_scroll;
    if (!app->has_interp) {
        *scroll = (PaneScroll){0};
        return;
    }
    Lines count = {.app = app, .body = body_of(r)};
    interpretation_lines(&count);
    if (scroll->lines && count.n != scroll->lines) /* another width (o, a resize): about the same place */
        scroll->top = (int)((long)scroll->top * count.n / scroll->lines);
    scroll->lines = count.n, scroll->rows = count.body.h;
    int max = scroll->lines > scroll->rows ? scroll->lines - scroll->rows : 0;
    scroll->top = scroll->top > max ? max : scroll->top < 0 ? 0 : scroll->top;
}

static void explain_draw(const App *app, Rect r)
{
    const PaneScroll *scroll = &app->explain_scroll;
    char title[128];
    if (!app->has_interp) {
        Rect in = draw_frame(app, r, "interpretation (i: the window at the cursor)", app->focus == PANE_EXPLAIN);
        draw_text(app, in, 1, 1, EL_DIM, "press i on an event to set its window beside");
        draw_text(app, in, 2, 1, EL_DIM, "the closest window the model deems normal");
        return;
    }
    size_t last = app->interp_first + (size_t)app->interp.n_keys - 1;
    int len = snprintf(title, sizeof title, "interpretation of %zu-%zu", app->interp_first, last);
    if (scroll->lines > scroll->rows) /* where the view is, and how to move it */
        snprintf(title + len, sizeof title - (size_t)len, " (j/k: %d-%d of %d)", scroll->top + 1,
                 scroll->top + scroll->rows, scroll->lines);
    draw_frame(app, r, title, app->focus == PANE_EXPLAIN);
    if (r.w >= WIDE_COLS)
        wide_heads(app, &app->interp, heads_of(r));
    else
        narrow_heads(app, &app->interp, heads_of(r));
    Lines lines = {.app = app, .body = body_of(r), .top = scroll->top, .draw = true};
    interpretation_lines(&lines);
}

const PaneOps explain_ops = {.update = explain_update, .draw = explain_draw};
