#include "truth.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* Whether nothing follows: a full buffer without a newline may be the last line, unended. */
static bool at_end(FILE *fp)
{
    int c = getc(fp);
    if (c == EOF)
        return !ferror(fp);
    ungetc(c, fp);
    return false;
}

bool truth_mark_segments(const char *path, size_t segment_len, size_t n_segments, uint8_t *segment_bad,
                         Error *err)
{
    FILE *fp;
    if (!text_open(path, &fp, err))
        return false;
    char line[256];
    size_t line_no = 0;
    bool ok = true;
    memset(segment_bad, 0, n_segments);
    while (ok && fgets(line, sizeof line, fp)) {
        line_no++;
        if (!strchr(line, '\n') && !at_end(fp)) { /* else the rest would pass for the next line */
            ok = error_set(err, "%s:%zu: a line longer than %zu bytes", path, line_no, sizeof line - 2);
            break;
        }
        unsigned long long first, last;
        unsigned episode;
        if (line_no == 1 && strncmp(line, "first_event,", 12) == 0)
            continue;
        if (sscanf(line, "%llu,%llu,%u", &first, &last, &episode) != 3 || last < first)
            ok = error_set(err, "%s:%zu: expected first_event,last_event,episode", path, line_no);
        for (size_t s = (size_t)first / segment_len; ok && s <= (size_t)last / segment_len && s < n_segments; s++)
            segment_bad[s] = 1;
    }
    if (ok && ferror(fp)) /* fgets ends alike on end of file and on a read error */
        ok = error_set_code(err, errno == ENOMEM ? ERROR_NOMEM : ERROR_IO, "%s:%zu: read error: %s",
                            path, line_no + 1, strerror(errno));
    fclose(fp);
    return ok;
}
