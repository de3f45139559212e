/* Small helpers shared by the readers of text input: opening with clear errors, BOM and line
 * ends, UTF-8 validation, integer fields. */
#ifndef TRACEAID_TEXT_H
#define TRACEAID_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

/* Opens path for reading; a directory, a missing or an unreadable file is an error naming it. */
bool text_open(const char *path, FILE **fp, Error *err);
/* Opens path as a file descriptor, with the same checks; *size gets the file's size (0 when it
 * is not a regular file: a pipe, FIFO or device, whose size is unknown). */
bool text_open_fd(const char *path, int *fd, uint64_t *size, Error *err);
/* The checks of text_open_fd on a descriptor already open (standard input), named path. */
bool text_stat_fd(const char *path, int fd, uint64_t *size, Error *err);

/* Removes a UTF-8 byte-order mark at the start of s in place; returns the new length. */
size_t text_skip_bom(char *s, size_t len);
/* Length of s without its trailing "\n" or "\r\n". */
size_t text_trim_newline(const char *s, size_t len);
/* True when s's first line ends with a bare CR (classic Mac OS line ends): the readers count
 * lines by LF, so such a file would be one long line and every error would name line 1. */
bool text_cr_line_ends(const char *s, size_t len);
/* What the readers say of such a file, given its path. */
#define CR_LINE_ENDS_MESSAGE "%s: line ends are CR only (classic Mac OS); convert them to LF, e.g. tr '\\r' '\\n'"
/* Index of the first byte of s that is not valid UTF-8, or len when all of it is. */
size_t text_invalid_utf8(const char *s, size_t len);
/* s for display: each byte that is not valid UTF-8 replaced by U+FFFD. out holds 3 * len bytes
 * (no NUL is added); returns the length written. */
size_t text_repair_utf8(const char *s, size_t len, char *out);

/* Parses a whole field as a signed decimal or 0x-hexadecimal integer, spaces around allowed. */
bool text_parse_int64(const char *s, size_t len, int64_t *value);

/* Parses a whole field of seconds with up to 9 decimals ("12345.678901", as perf and ftrace
 * print time) into nanoseconds, exactly (no floating point); false when it is not one or does
 * not fit. */
bool text_parse_seconds_ns(const char *s, size_t len, int64_t *ns);

/* Writes s[0..len) into out as a short printable excerpt for error messages: non-printable
 * bytes as \xNN, cut with "..." past about 40 characters. Returns out. */
const char *text_excerpt(char *out, size_t out_size, const char *s, size_t len);

/* Appends printf text to out (a string in a buffer of size), cut where it would not fit: a note
 * gathered over several checks. */
void text_append(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
