/* CSV output, a row at a time: every text field goes through libcsv's writer, quoted with its
 * quotes doubled (RFC 4180), so keys and paths holding commas, quotes or newlines stay one
 * field; numbers go as formatted. Every CSV traceaid writes is built here. */
#ifndef TRACEAID_CSV_WRITE_H
#define TRACEAID_CSV_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct CsvRow {
    FILE *out;
    size_t n_fields;    /* written so far: a separator goes before each but the first */
} CsvRow;

CsvRow csv_row_begin(FILE *out);
/* A text field, quoted. */
void csv_row_text(CsvRow *row, const char *s);
void csv_row_text_n(CsvRow *row, const char *s, size_t len);
/* A field formatted as printf does, written as it is: for numbers only. */
void csv_row_number(CsvRow *row, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* One of traceaid's own words (an outcome such as hit or miss), never data: written bare, as
 * readers of the existing output expect. */
void csv_row_word(CsvRow *row, const char *word);
/* An empty field (a value that does not exist, such as a threshold never calibrated). */
void csv_row_empty(CsvRow *row);
void csv_row_end(CsvRow *row);
/* A header row from a comma-separated list of plain names. */
void csv_header(FILE *out, const char *names);

#endif
