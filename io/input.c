#include "input.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

/* One read(2), retried when a signal interrupts it, unless that signal cancelled the load. */
static ssize_t read_fd(InputStream *in, void *buf, size_t cap)
{
    for (;;) {
        ssize_t n = read(in->fd, buf, cap);
        if (n >= 0 || errno != EINTR || (in->cancel && *in->cancel))
            return n;
    }
}

bool input_open(InputStream *in, const char *path, const CancelFlag *cancel, Error *err)
{
    if (strcmp(path, "-") == 0) {
        uint64_t size;
        return text_stat_fd(path, STDIN_FILENO, &size, err) &&
               input_open_fd(in, path, STDIN_FILENO, false, cancel, err);
    }
    int fd;
    uint64_t size;
    return text_open_fd(path, &fd, &size, err) && input_open_fd(in, path, fd, true, cancel, err);
}

bool input_open_fd(InputStream *in, const char *path, int fd, bool owns_fd,
                   const CancelFlag *cancel, Error *err)
{
    struct stat st;
    in->path = path;
    in->cancel = cancel;
    in->prefix_len = in->prefix_pos = 0;
    in->ended = false;
    in->fd = fd;
    in->owns_fd = owns_fd;
    in->size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    /* A pipe gives what its writer has written so far: read on until the prefix is full, so
     * that what the sniffers see does not depend on the writer's timing. */
    while (in->prefix_len < sizeof in->prefix) {
        ssize_t n = read_fd(in, in->prefix + in->prefix_len, sizeof in->prefix - in->prefix_len);
        if (n < 0) {
            bool interrupted = errno == EINTR;
            int saved = errno;
            input_close(in);
            return interrupted ? error_set_code(err, ERROR_INTERRUPTED, "%s: interrupted", path)
                               : error_set(err, "%s: read error: %s", path, strerror(saved));
        }
        if (n == 0) {
            in->ended = true;
            break;
        }
        in->prefix_len += (size_t)n;
    }
    return true;
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
        if (given == cap || in->ended)
            return (ssize_t)given;
    } else if (in->ended) {
        return 0;
    }
    ssize_t n = read_fd(in, (char *)buf + given, cap - given);
    if (n < 0)
        return given ? (ssize_t)given : -1; /* a lasting error shows again on the next call */
    return (ssize_t)given + n;
}

void input_close(InputStream *in)
{
    if (in->owns_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
}
