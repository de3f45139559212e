/* A line chart as SVG, no dependency: one value per point (a segment's rate), points marked
 * (flagged), shaded bands (segments the ground truth calls anomalous), a horizontal reference
 * line (the threshold), labelled axes. Written through a temporary file renamed into place. */
#ifndef TRACEAID_SVG_PLOT_H
#define TRACEAID_SVG_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct SvgPlot {
    const char *title;
    const char *x_label, *y_label;
    size_t n_points;
    const float *values;        /* shown as percentages, or as they are when plain */
    bool plain;
    const uint8_t *marked;      /* may be NULL */
    const uint8_t *shaded;      /* may be NULL */
    const char *shaded_label;
    double x_step;              /* x units per point (events per segment) */
    bool has_line;
    float line;
    const char *line_label;
} SvgPlot;

bool svg_plot_write(const SvgPlot *p, const char *path, Error *err);

#endif
