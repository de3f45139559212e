#include "input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"
#include "text.h"

/* Compressed bytes read at a time: the decoder's input. */
#define RAW_CHUNK (64 * 1024)

/* A compressed input's state: its decoder, and the compressed bytes read but not yet decoded. */
typedef struct InputDecompress {
    Decoder *decoder;
    size_t raw_pos, raw_len;
    bool raw_ended;             /* the descriptor is at its end: raw holds the last bytes */
    bool done;                  /* the decoder said DONE: nothing more comes */
    int failed;                 /* errno of a failure, which every later read gives again: a
                                 * decoder is not to be trusted past an error */
    unsigned char raw[RAW_CHUNK];
} InputDecompress;

/* One read(2), retried when a signal interrupts it, unless that signal cancelled the load. */
static ssize_t read_fd(InputStream *in, void *buf, size_t cap)
{
    for (;;) {
        ssize_t n = read(in->fd, buf, cap);
        if (n >= 0 || errno != EINTR || (in->cancel && *in->cancel))
            return n;
    }
}

static ssize_t fail_read(InputStream *in, int code)
{
    in->read_errno = code;
    errno = code;
    return -1;
}

/* Refills the raw buffer once it is all decoded, unless the descriptor has ended. */
static bool refill_raw(InputStream *in, InputDecompress *z)
{
    if (z->raw_pos < z->raw_len || z->raw_ended)
        return true;
    ssize_t n = read_fd(in, z->raw, sizeof z->raw);
    if (n < 0)
        return false;
    z->raw_pos = 0;
    z->raw_len = (size_t)n;
    z->raw_ended = n == 0;
    in->consumed += (uint64_t)n;
    return true;
}

/* Up to cap decompressed bytes: 0 at the end of the last stream, -1 on a read error, corrupt or
 * truncated data (in->error says which), or cancellation, checked between steps since a small
 * input can decompress to a great deal. */
static ssize_t read_decompressed(InputStream *in, void *buf, size_t cap)
{
    InputDecompress *z = in->z;
    while (!z->done) {
        if (z->failed)
            return fail_read(in, z->failed);
        if (in->cancel && *in->cancel)
            return fail_read(in, z->failed = EINTR);
        if (!refill_raw(in, z))
            return fail_read(in, z->failed = errno);
        size_t used, made;
        const char *why = NULL;
        DecodeStatus s = decoder_step(z->decoder, z->raw + z->raw_pos, z->raw_len - z->raw_pos,
                                      z->raw_ended, buf, cap, &used, &made, &why);
        z->raw_pos += used;
        if (s == DECODE_CORRUPT || s == DECODE_TRUNCATED) {
            if (s == DECODE_CORRUPT)
                snprintf(in->error, sizeof in->error, "%s data is corrupt: %s", in->compression, why);
            else
                snprintf(in->error, sizeof in->error, "%s data is truncated: the input ends "
                         "inside a compressed stream", in->compression);
            return fail_read(in, z->failed = EIO);
        }
        z->done = s == DECODE_DONE;
        if (made)
            return (ssize_t)made;
    }
    return 0;
}

/* Reads past the prefix: from the descriptor, or through the decoder. */
static ssize_t read_more(InputStream *in, void *buf, size_t cap)
{
    if (in->z)
        return read_decompressed(in, buf, cap);
    ssize_t n = read_fd(in, buf, cap);
    return n < 0 ? fail_read(in, errno) : n;
}

/* Fills the prefix from read_more until it is full or the input ends. A pipe gives what its
 * writer has written so far: read on, so that what the sniffers see does not depend on the
 * writer's timing. */
static bool fill_prefix(InputStream *in, Error *err)
{
    while (in->prefix_len < sizeof in->prefix) {
        ssize_t n = read_more(in, in->prefix + in->prefix_len, sizeof in->prefix - in->prefix_len);
        if (n < 0) {
            if (in->read_errno == EINTR)
                return error_set_code(err, ERROR_INTERRUPTED, "%s: interrupted", in->path);
            return input_read_error(in, err);
        }
        if (n == 0) {
            in->ended = true;
            break;
        }
        in->prefix_len += (size_t)n;
    }
    return true;
}

/* When the raw prefix starts with a compression's magic number, moves it to the decoder's input
 * and fills the prefix again with the decompressed bytes, which the sniffers need to see. */
static bool start_decompressing(InputStream *in, Error *err)
{
    in->compression = decompress_sniff(in->prefix, in->prefix_len);
    if (!in->compression)
        return true;
    in->z = malloc(sizeof *in->z);
    if (!in->z || !(in->z->decoder = decoder_new(in->compression))) {
        free(in->z);
        in->z = NULL;
        return error_nomem(err);
    }
    memcpy(in->z->raw, in->prefix, in->prefix_len);
    in->z->raw_pos = 0;
    in->z->raw_len = in->prefix_len;
    in->z->raw_ended = in->ended;
    in->consumed = in->prefix_len; /* the raw prefix: read, and now the decoder's */
    in->z->done = false;
    in->z->failed = 0;
    in->prefix_len = 0;
    in->ended = false;
    return fill_prefix(in, err);
}

bool input_open(InputStream *in, const char *path, const CancelFlag *cancel, Error *err)
{
    uint64_t size;
    if (strcmp(path, "-") == 0)
        return text_stat_fd(path, STDIN_FILENO, &size, err) &&
               input_open_fd(in, path, STDIN_FILENO, false, cancel, err);
    int fd;
    return text_open_fd(path, &fd, &size, err) && input_open_fd(in, path, fd, true, cancel, err);
}

static bool open_fd(InputStream *in, const char *path, int fd, bool owns_fd, bool detect,
                    const CancelFlag *cancel, Error *err)
{
    struct stat st;
    in->path = path;
    in->cancel = cancel;
    in->prefix_len = in->prefix_pos = 0;
    in->ended = false;
    in->compression = NULL;
    in->z = NULL;
    in->consumed = 0;
    in->read_errno = 0;
    in->error[0] = '\0';
    in->fd = fd;
    in->owns_fd = owns_fd;
    in->size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    if (fill_prefix(in, err) && (!detect || start_decompressing(in, err)))
        return true;
    input_close(in);
    return false;
}

bool input_open_fd(InputStream *in, const char *path, int fd, bool owns_fd,
                   const CancelFlag *cancel, Error *err)
{
    return open_fd(in, path, fd, owns_fd, true, cancel, err);
}

bool input_open_fd_as_is(InputStream *in, const char *path, int fd, bool owns_fd,
                         const CancelFlag *cancel, Error *err)
{
    return open_fd(in, path, fd, owns_fd, false, cancel, err);
}

ssize_t input_read(InputStream *in, void *buf, size_t cap)
{
    size_t given = 0;
    if (in->prefix_pos < in->prefix_len) {
        given = in->prefix_len - in->prefix_pos;
        if (given > cap)
            given = cap;
        memcpy(buf, in->prefix + in->prefix_pos, given);
        in->prefix_pos += given;
        if (given == cap || in->ended) {
            if (!in->z)
                in->consumed += given;
            return (ssize_t)given;
        }
    } else if (in->ended) {
        return 0;
    }
    ssize_t n = read_more(in, (char *)buf + given, cap - given);
    if (n < 0 && !given)
        return -1;
    n = n < 0 ? 0 : n; /* a lasting error shows again on the next call */
    if (!in->z)
        in->consumed += given + (size_t)n;
    return (ssize_t)given + n;
}

uint64_t input_consumed(const InputStream *in)
{
    return in->consumed;
}

bool input_read_error(const InputStream *in, Error *err)
{
    if (in->error[0])
        return error_set(err, "%s: %s", in->path, in->error);
    return error_set(err, "%s: read error: %s", in->path, strerror(in->read_errno));
}

void input_close(InputStream *in)
{
    if (in->owns_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    if (in->z)
        decoder_free(in->z->decoder);
    free(in->z);
    in->z = NULL;
}
