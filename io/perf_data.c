/* perf.data, read by running `perf script` on it and reading its text as perf script text is
 * read. perf needs a file it can seek: standard input, a pipe or a compressed perf.data is
 * copied to a temporary file first, removed afterwards whatever happens. perf's standard error
 * goes to another temporary file, whose last line tells why when perf fails; its warnings
 * (missing build-ids, kallsyms) are not errors. */
#include "perf_script.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input_file.h"
#include "text.h"

#define PERF_MAGIC "PERFILE2"
#define NO_PERF_MESSAGE                                                                            \
    "%s: a perf.data file needs 'perf' to read it (Debian: apt-get install linux-perf), or give "  \
    "the text of 'perf script'"

SniffScore perf_sniff(const char *prefix, size_t len)
{
    if (len >= 8 && memcmp(prefix, PERF_MAGIC, 8) == 0)
        return SNIFF_SURE;
    return perf_script_sniff(prefix, len);
}

bool perf_load(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab,
               Meanings *meanings, Error *err)
{
    (void)meanings;
    const char *path = in->path;
    if (!trace_begin(t, path, TRACE_FORMAT_PERF, err))
        return false;
    t->timed = true;
    bool data = in->prefix_len >= 8 && memcmp(in->prefix, PERF_MAGIC, 8) == 0;
    bool ok = data ? perf_data_read(t, in, opt, vocab, err)
                   : perf_script_read(t, in, path, opt, vocab, err);
    return trace_end_load(t, ok, data ? "perf script printed none" : "no perf script event lines",
                          err);
}

/* ---- the perf.data perf reads ------------------------------------------------------------- */

/* perf's path in $PATH, or false when it is not installed. */
static bool find_perf(char *out, size_t cap)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *dir = path;;) {
        const char *colon = strchr(dir, ':');
        size_t len = colon ? (size_t)(colon - dir) : strlen(dir);
        if (len > 0 && (size_t)snprintf(out, cap, "%.*s/perf", (int)len, dir) < cap &&
            access(out, X_OK) == 0)
            return true;
        if (!colon)
            return false;
        dir = colon + 1;
    }
}

typedef struct PerfChild {
    pid_t pid;
    int out;        /* its standard output, read end */
    int err_fd;     /* its standard error: an unlinked temporary file */
} PerfChild;

/* The columns asked for are the ones the text reader reads, so that a perf.data gives what its
 * perf script text would; typed -F keeps perf from printing an ip after each tracepoint. */
static bool start_perf(const char *perf, const char *file, PerfChild *c, const char *path, Error *err)
{
    char err_name[4096];
    int fds[2];
    c->err_fd = input_temp_file(err_name, sizeof err_name, "perf");
    if (c->err_fd < 0)
        return error_set_code(err, ERROR_IO, "%s: cannot make a temporary file: %s", path, strerror(errno));
    unlink(err_name);
    if (pipe(fds) != 0) {
        close(c->err_fd);
        return error_set_code(err, ERROR_IO, "%s: pipe: %s", path, strerror(errno));
    }
    char *const argv[] = {
        (char *)"perf", (char *)"script", (char *)"-f", (char *)"--ns", (char *)"-i", (char *)file,
        (char *)"-F", (char *)"trace:comm,pid,tid,cpu,time,event,trace",
        (char *)"-F", (char *)"sw:comm,pid,tid,cpu,time,event,ip,sym,dso,period",
        (char *)"-F", (char *)"hw:comm,pid,tid,cpu,time,event,ip,sym,dso,period", NULL,
    };
    c->pid = fork();
    if (c->pid < 0) {
        close(fds[0]);
        close(fds[1]);
        close(c->err_fd);
        return error_set_code(err, ERROR_IO, "%s: fork: %s", path, strerror(errno));
    }
    if (c->pid == 0) { /* only async-signal-safe calls until exec */
        /* its own process group: Ctrl-C reaches traceaid, which stops it, reaps it and says
         * "interrupted", rather than perf dying first and its end looking like the trace's */
        setpgid(0, 0);
        /* the explorer's loader thread blocks SIGINT and SIGTERM: perf must not inherit that */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(fds[1], STDOUT_FILENO) < 0 ||
            dup2(c->err_fd, STDERR_FILENO) < 0)
            _exit(126); /* not 127, which says perf could not be run */
        /* what was dup2'd is closed, unless it was already one of the three */
        int spare[] = {null, c->err_fd, fds[0], fds[1]};
        for (int k = 0; k < 4; k++)
            if (spare[k] > STDERR_FILENO)
                close(spare[k]);
        execv(perf, argv);
        _exit(127);
    }
    close(fds[1]);
    c->out = fds[0];
    return true;
}

/* The last non-empty line of what perf wrote to its standard error, into out. */
static const char *last_err_line(int fd, char *out, size_t cap)
{
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)cap - 1 ? end - (off_t)cap + 1 : 0;
    ssize_t n = pread(fd, out, cap - 1, from);
    n = n < 0 ? 0 : n;
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' '))
        n--;
    out[n] = '\0';
    char *nl = strrchr(out, '\n');
    return nl ? nl + 1 : out;
}

static int reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

/* After the text is read (ok) or not: perf is reaped, killed first unless it is done. */
static bool finish_perf(PerfChild *c, bool ok, const TraceOptions *opt, const char *path,
                        Error *err)
{
    if (ok && opt->cancel && *opt->cancel)
        ok = error_set_code(err, ERROR_INTERRUPTED, "%s: interrupted", path);
    if (!ok)
        kill(c->pid, SIGKILL);
    int status = reap(c->pid);
    if (ok && status == -1)
        ok = error_set(err, "%s: waiting for perf script: %s", path, strerror(errno));
    else if (ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        char tail[512];
        const char *why = last_err_line(c->err_fd, tail, sizeof tail);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !*why)
            ok = error_set(err, NO_PERF_MESSAGE, path);
        else if (WIFEXITED(status))
            ok = error_set(err, "%s: perf script failed (exit status %d): %s", path,
                           WEXITSTATUS(status), *why ? why : "no message");
        else
            ok = error_set(err, "%s: perf script was killed by signal %d", path,
                           WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    close(c->err_fd);
    return ok;
}

bool perf_data_read(Trace *t, InputStream *in, const TraceOptions *opt, Vocab *vocab, Error *err)
{
    const char *path = in->path;
    char perf[4096];
    if (!find_perf(perf, sizeof perf))
        return error_set(err, NO_PERF_MESSAGE, path);
    InputFile file;
    if (!input_file(&file, in, "perf", err))
        return false;
    PerfChild child = {0};
    bool ok = start_perf(perf, file.path, &child, path, err);
    if (ok) {
        char name[4096];
        snprintf(name, sizeof name, "%s (perf script)", path);
        InputStream out;
        ok = input_open_fd(&out, name, child.out, true, opt->cancel, err);
        if (ok) {
            ok = perf_script_read(t, &out, name, opt, vocab, err);
            input_close(&out);
        } /* else input_open_fd closed it */
        ok = finish_perf(&child, ok, opt, path, err);
    }
    input_file_release(&file);
    return ok;
}
