/* Progress on standard error for long work: a line rewritten in place on a terminal, a line
 * every so often otherwise (logs). */
#ifndef TRACEAID_PROGRESS_H
#define TRACEAID_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ProgressLine {
    bool tty;
    bool shown;
    double last_print;
} ProgressLine;

void progress_init(ProgressLine *p);
/* Prints the text (no newline needed); on a non-terminal at most every few seconds unless force. */
void progress_show(ProgressLine *p, bool force, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Ends the line so that what follows starts clean. */
void progress_done(ProgressLine *p);
/* Scoring's progress: events scored of total since start (clock_seconds), their rate, the
 * time taken and the time left. */
void progress_scoring(ProgressLine *p, double start, size_t scored, size_t total);
/* "1h02m", "3m07s", "12.4s" */
const char *progress_duration(char *buf, int size, double seconds);

#endif
