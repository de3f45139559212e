#include "csv_write.h"

#include <csv.h>
#include <stdarg.h>
#include <string.h>

CsvRow csv_row_begin(FILE *out)
{
    return (CsvRow){.out = out};
}

static void separate(CsvRow *row)
{
    if (row->n_fields++)
        fputc(',', row->out);
}

void csv_row_text_n(CsvRow *row, const char *s, size_t len)
{
    separate(row);
    csv_fwrite(row->out, s, len);
}

void csv_row_text(CsvRow *row, const char *s)
{
    csv_row_text_n(row, s, strlen(s));
}

void csv_row_number(CsvRow *row, const char *format, ...)
{
    separate(row);
    va_list ap;
    va_start(ap, format);
    vfprintf(row->out, format, ap);
    va_end(ap);
}

void csv_row_word(CsvRow *row, const char *word)
{
    separate(row);
    fputs(word, row->out);
}

void csv_row_empty(CsvRow *row)
{
    separate(row);
}

void csv_row_end(CsvRow *row)
{
    fputc('\n', row->out);
    row->n_fields = 0;
}

void csv_header(FILE *out, const char *names)
{
    fputs(names, out);
    fputc('\n', out);
}
