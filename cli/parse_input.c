#include "parse_input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/clock.h"
#include "../io/input.h"

#define CHUNK (1u << 20)

void parse_input_init(ParseInput *in, const char *path)
{
    in->path = path;
    in->spool_fd = -1;
}

void parse_input_close(ParseInput *in)
{
    if (in->spool_fd >= 0)
        close(in->spool_fd);
    in->spool_fd = -1;
}

/* Only a regular file can be read again. */
static bool needs_spool(const char *path)
{
    struct stat st;
    return strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode);
}

static bool open_spool(ParseInput *in, Error *err)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/traceaid-parse-XXXXXX", dir && *dir ? dir : "/tmp");
    in->spool_fd = mkstemp(path);
    if (in->spool_fd < 0)
        return error_set_code(err, ERROR_IO, "%s: cannot make a temporary copy of %s: %s", path,
                              in->path, strerror(errno));
    unlink(path); /* gone with the descriptor, whatever happens */
    return true;
}

static bool write_all(int fd, const char *buf, size_t len, const char *path, Error *err)
{
    while (len) {
        ssize_t put = write(fd, buf, len);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return error_set_code(err, ERROR_IO, "a temporary copy of %s: %s", path,
                                  strerror(errno));
        buf += put;
        len -= (size_t)put;
    }
    return true;
}

typedef struct LineSplitter {
    char *buf;
    size_t cap, have, start;
    size_t line_no;
    bool pending_cr;            /* the last chunk ended with "\r": a "\n" next belongs to it */
    bool first;                 /* no line given yet: a byte-order mark may start it */
} LineSplitter;

static bool give_line(LineSplitter *s, size_t from, size_t to, ParseLineFn fn, void *ctx,
                      Error *err)
{
    const char *line = s->buf + from;
    size_t len = to - from;
    if (s->first && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3, len -= 3;
    s->first = false;
    return fn(ctx, ++s->line_no, line, len, err);
}

/* The lines complete in buf[start..have), given to fn; the rest moved to the front. Ctrl-C is
 * looked at every 1,024 lines: a chunk's lines may take seconds to mine. */
static bool split_lines(LineSplitter *s, size_t from, const CancelFlag *cancel, ParseLineFn fn,
                        void *ctx, Error *err)
{
    if (s->pending_cr && from < s->have && s->buf[from] == '\n')
        s->start = ++from;
    s->pending_cr = false;
    for (size_t i = from; i < s->have; i++) {
        char c = s->buf[i];
        if (c != '\n' && c != '\r')
            continue;
        if (!give_line(s, s->start, i, fn, ctx, err))
            return false;
        if (s->line_no % 1024 == 0 && cancel && *cancel)
            return error_interrupted(err);
        if (c == '\r' && i + 1 < s->have && s->buf[i + 1] == '\n')
            i++;
        else if (c == '\r' && i + 1 == s->have)
            s->pending_cr = true;
        s->start = i + 1;
    }
    memmove(s->buf, s->buf + s->start, s->have - s->start);
    s->have -= s->start;
    s->start = 0;
    return true;
}

static void show_progress(const ParseReading *how, const InputStream *stream, size_t line_no)
{
    if (!how->progress || clock_seconds() - how->start < 1.0)
        return;
    if (stream->size)
        progress_show(how->progress, false, "%s %s: %.0f%% (%zu lines)", how->what,
                      stream->path, 100.0 * (double)input_consumed(stream) / (double)stream->size,
                      line_no);
    else
        progress_show(how->progress, false, "%s %s: %zu lines", how->what, stream->path, line_no);
}

static bool read_stream(ParseInput *in, InputStream *stream, bool second, bool spool,
                        const ParseReading *how, ParseLineFn fn, void *ctx, Error *err)
{
    LineSplitter s = {.cap = CHUNK, .first = true};
    s.buf = malloc(s.cap);
    if (!s.buf)
        return error_nomem(err);
    bool ok = true;
    uint64_t total = 0;
    for (;;) {
        if (how->cancel && *how->cancel) {
            ok = error_interrupted(err);
            break;
        }
        if (s.cap - s.have < CHUNK / 2) { /* a long line: room for more of it */
            char *more = realloc(s.buf, s.cap * 2);
            if (!more) {
                ok = error_nomem(err);
                break;
            }
            s.buf = more;
            s.cap *= 2;
        }
        size_t room = s.cap - s.have;
        if (second && in->bytes - total < room)
            room = (size_t)(in->bytes - total);
        ssize_t got = room ? input_read(stream, s.buf + s.have, room) : 0;
        if (got < 0) {
            ok = errno == EINTR && how->cancel && *how->cancel ? error_interrupted(err)
                                                               : input_read_error(stream, err);
            break;
        }
        if (got == 0)
            break;
        total += (size_t)got;
        if (spool && !(ok = write_all(in->spool_fd, s.buf + s.have, (size_t)got, in->path, err)))
            break;
        size_t from = s.have;
        s.have += (size_t)got;
        if (!(ok = split_lines(&s, from, how->cancel, fn, ctx, err)))
            break;
        show_progress(how, stream, s.line_no);
    }
    if (ok && s.have > 0)
        ok = give_line(&s, 0, s.have, fn, ctx, err);
    if (ok && how->cancel && *how->cancel) /* it came with the last chunk */
        ok = error_interrupted(err);
    if (!second)
        in->bytes = total;
    free(s.buf);
    return ok;
}

bool parse_input_read(ParseInput *in, bool second, const ParseReading *how, ParseLineFn fn,
                      void *ctx, Error *err)
{
    InputStream stream;
    bool spool = !second && needs_spool(in->path);
    if (spool && !open_spool(in, err))
        return false;
    bool opened;
    if (second && in->spool_fd >= 0) {
        int fd = dup(in->spool_fd);
        if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) {
            if (fd >= 0)
                close(fd);
            return error_set_code(err, ERROR_IO, "the temporary copy of %s: %s", in->path,
                                  strerror(errno));
        }
        /* the copy holds what was read, decompressed: however it starts, it is read as is */
        opened = input_open_fd_as_is(&stream, in->path, fd, true, how->cancel, err);
    } else {
        opened = input_open(&stream, in->path, how->cancel, err);
    }
    if (!opened)
        return false;
    bool ok = read_stream(in, &stream, second, spool, how, fn, ctx, err);
    input_close(&stream);
    return ok;
}
