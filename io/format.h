/* Number formatting for tables a person reads. */
#ifndef TRACEAID_FORMAT_H
#define TRACEAID_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* 1234567 -> "1,234,567" in buf; returns buf. */
const char *format_count(char *buf, size_t size, uint64_t n);
/* The last part of a path, for column headings. */
const char *format_basename(const char *path);
/* text as it fits in width characters: past it, the start and the end with "..." between (the
 * start says where a file lives, the end which one it is), so table columns stay aligned. */
const char *format_shorten(char *buf, size_t size, const char *text, size_t width);
/* The widest a file name gets in a table column before format_shorten cuts its middle. */
#define FORMAT_NAME_WIDTH 40

#endif
