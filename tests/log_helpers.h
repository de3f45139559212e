/* What the raw-log tests (test_log_trace.c, test_log_sniff.c) share: loghub's samples and a
 * line of a command's output. */
#ifndef TRACEAID_TEST_LOG_HELPERS_H
#define TRACEAID_TEST_LOG_HELPERS_H

#include "test_util.h"

#define LOGHUB "tests/data/loghub"
#define HDFS LOGHUB "/HDFS/HDFS_2k.log.xz"

/* The line of text holding fragment, copied into line; fails when there is none. */
static inline const char *line_with(const char *text, const char *fragment, char *line, size_t size)
{
    const char *at = strstr(text, fragment);
    if (!at)
        fail_msg("no line holds \"%s\" in:\n%s", fragment, text);
    const char *start = at;
    while (start > text && start[-1] != '\n')
        start--;
    snprintf(line, size, "%.*s", (int)strcspn(start, "\n"), start);
    return line;
}

#endif
