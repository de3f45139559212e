/* Number formatting for tables a person reads. */
#ifndef TRACEAID_FORMAT_H
#define TRACEAID_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* 1234567 -> "1,234,567" in buf; returns buf. */
const char *format_count(char *buf, size_t size, uint64_t n);
/* The last part of a path, for column headings. */
const char *format_basename(const char *path);

#endif
