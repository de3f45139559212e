#include "svg_plot.h"

#include <math.h>
#include <stdio.h>

#include "safe_file.h"

enum { WIDTH = 900, HEIGHT = 440, LEFT = 70, RIGHT = 30, TOP = 64, BOTTOM = 60 };

typedef struct Frame {
    double x_max, y_max;        /* data ranges: x from 0, y from 0 (a share, 0..1) */
} Frame;

static double px(const Frame *f, double x) { return LEFT + x / f->x_max * (WIDTH - LEFT - RIGHT); }
static double py(const Frame *f, double y) { return HEIGHT - BOTTOM - y / f->y_max * (HEIGHT - TOP - BOTTOM); }

/* A round step giving about n ticks over range: 1, 2 or 5 times a power of ten. */
static double tick_step(double range, int n)
{
    double raw = range / n, power = pow(10, floor(log10(raw))), unit = raw / power;
    return power * (unit < 1.5 ? 1 : unit < 3.5 ? 2 : unit < 7.5 ? 5 : 10);
}

static void escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '>')
            fputs("&gt;", out);
        else if (*s == '&')
            fputs("&amp;", out);
        else
            fputc(*s, out);
    }
}

static void axes(FILE *out, const SvgPlot *p, const Frame *f)
{
    double scale = p->plain ? 1 : 100; /* tick steps are round in the units shown */
    double y_step = tick_step(f->y_max * scale, 5) / scale, x_step = tick_step(f->x_max, 8);
    for (double y = 0; y <= f->y_max + 1e-9; y += y_step) {
        fprintf(out, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#e5e5e5'/>\n", LEFT,
                WIDTH - RIGHT, py(f, y), py(f, y));
        fprintf(out, "<text x='%d' y='%.1f' text-anchor='end' dy='4'>%g%s</text>\n", LEFT - 6, py(f, y), y * scale,
                p->plain ? "" : "%");
    }
    for (double x = 0; x <= f->x_max + 1e-9; x += x_step)
        fprintf(out, "<text x='%.1f' y='%d' text-anchor='middle'>%g</text>\n", px(f, x), HEIGHT - BOTTOM + 18, x);
    fprintf(out, "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#333'/>\n", LEFT, WIDTH - RIGHT,
            HEIGHT - BOTTOM, HEIGHT - BOTTOM);
    fprintf(out, "<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#333'/>\n", LEFT, LEFT, TOP, HEIGHT - BOTTOM);
    fprintf(out, "<text x='%d' y='%d' text-anchor='middle'>", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 18);
    escape(out, p->x_label);
    fprintf(out, "</text>\n<text transform='translate(18 %d) rotate(-90)' text-anchor='middle'>",
            (TOP + HEIGHT - BOTTOM) / 2);
    escape(out, p->y_label);
    fprintf(out, "</text>\n<text x='%d' y='24' font-size='15' font-weight='bold'>", LEFT);
    escape(out, p->title);
    fprintf(out, "</text>\n");
}

static void series(FILE *out, const SvgPlot *p, const Frame *f)
{
    double band = p->x_step;
    for (size_t i = 0; p->shaded && i < p->n_points; i++)
        if (p->shaded[i])
            fprintf(out, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='#fde2c8'/>\n", px(f, i * band),
                    TOP, px(f, (i + 1) * band) - px(f, i * band), HEIGHT - TOP - BOTTOM);
    fprintf(out, "<polyline fill='none' stroke='#1f77b4' stroke-width='1.8' points='");
    for (size_t i = 0; i < p->n_points; i++)
        fprintf(out, "%.1f,%.1f ", px(f, (i + 0.5) * band), py(f, p->values[i]));
    fprintf(out, "'/>\n");
    for (size_t i = 0; p->marked && i < p->n_points; i++)
        if (p->marked[i])
            fprintf(out, "<circle cx='%.1f' cy='%.1f' r='4' fill='#d62728'/>\n", px(f, (i + 0.5) * band),
                    py(f, p->values[i]));
    if (p->has_line) {
        fprintf(out, "<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#d62728' stroke-dasharray='6 4'/>\n",
                LEFT, WIDTH - RIGHT, py(f, p->line), py(f, p->line));
        fprintf(out, "<text x='%d' y='%.1f' fill='#d62728'>", LEFT + 6, py(f, p->line) - 5);
        escape(out, p->line_label);
        fprintf(out, "</text>\n");
    }
}

static void legend(FILE *out, const SvgPlot *p)
{
    int x = LEFT;
    fprintf(out, "<circle cx='%d' cy='44' r='4' fill='#d62728'/><text x='%d' y='48'>flagged segment</text>\n", x + 4, x + 12);
    fprintf(out, "<line x1='%d' x2='%d' y1='44' y2='44' stroke='#d62728' stroke-dasharray='6 4'/><text x='%d' y='48'>threshold</text>\n",
            x + 130, x + 160, x + 166);
    if (p->shaded) {
        fprintf(out, "<rect x='%d' y='37' width='14' height='14' fill='#fde2c8'/><text x='%d' y='48'>", x + 250, x + 268);
        escape(out, p->shaded_label);
        fprintf(out, "</text>\n");
    }
}

bool svg_plot_write(const SvgPlot *p, const char *path, Error *err)
{
    Frame f = {.x_max = p->n_points * p->x_step, .y_max = p->has_line ? p->line : 0};
    for (size_t i = 0; i < p->n_points; i++)
        f.y_max = p->values[i] > f.y_max ? p->values[i] : f.y_max;
    f.y_max = f.y_max > 0 ? f.y_max * 1.15 : 0.01;
    f.x_max = f.x_max > 0 ? f.x_max : 1;
    SafeFile sf;
    if (!safe_file_open(&sf, path, err))
        return false;
    FILE *out = sf.fp;
    fprintf(out, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' "
            "font-family='sans-serif' font-size='12'>\n<rect width='100%%' height='100%%' fill='white'/>\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    axes(out, p, &f);
    series(out, p, &f);
    legend(out, p);
    fprintf(out, "</svg>\n");
    return safe_file_commit(&sf, err);
}
