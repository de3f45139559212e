#include "input_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int input_temp_file(char *path, size_t cap, const char *name)
{
    const char *dir = getenv("TMPDIR");
    if ((size_t)snprintf(path, cap, "%s/traceaid-%s-XXXXXX", dir && *dir ? dir : "/tmp", name) >= cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkstemp(path);
}

/* True when the stream reads path's own bytes: not standard input, not decompressed, and the
 * descriptor it reads is the file the path names now. */
static bool reads_its_own_file(const InputStream *in)
{
    struct stat opened, named;
    return strcmp(in->path, "-") != 0 && !in->compression && fstat(in->fd, &opened) == 0 &&
           S_ISREG(opened.st_mode) && stat(in->path, &named) == 0 &&
           opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        buf += w;
        len -= (size_t)w;
    }
    return true;
}

static bool copy_stream(InputStream *in, int fd, const char *copy, Error *err)
{
    enum { CHUNK = 1 << 16 };
    char *buf = malloc(CHUNK);
    bool ok = buf || error_nomem(err);
    ssize_t n = 0;
    while (ok && (n = input_read(in, buf, CHUNK)) > 0) {
        if (in->cancel && *in->cancel)
            ok = error_set_code(err, ERROR_INTERRUPTED, "%s: interrupted", in->path);
        else if (!write_all(fd, buf, (size_t)n))
            ok = error_set_code(err, ERROR_IO, "%s: writing its temporary copy %s: %s", in->path,
                                copy, strerror(errno));
    }
    if (ok && n < 0)
        ok = errno == EINTR ? error_set_code(err, ERROR_INTERRUPTED, "%s: interrupted", in->path)
                            : input_read_error(in, err);
    free(buf);
    return ok;
}

bool input_file(InputFile *f, InputStream *in, const char *for_whom, Error *err)
{
    f->temporary = false;
    if (reads_its_own_file(in)) {
        snprintf(f->path, sizeof f->path, "%s", in->path);
        return true;
    }
    int fd = input_temp_file(f->path, sizeof f->path, for_whom);
    if (fd < 0)
        return error_set_code(err, ERROR_IO, "%s: cannot make a temporary copy for %s: %s",
                              in->path, for_whom, strerror(errno));
    f->temporary = true;
    bool ok = copy_stream(in, fd, f->path, err);
    if (close(fd) != 0 && ok)
        ok = error_set_code(err, ERROR_IO, "%s: writing its temporary copy %s: %s", in->path,
                            f->path, strerror(errno));
    if (!ok)
        input_file_release(f);
    return ok;
}

void input_file_release(InputFile *f)
{
    if (f->temporary)
        unlink(f->path);
    f->temporary = false;
}
