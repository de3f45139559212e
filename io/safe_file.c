#include "safe_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_stdout(const SafeFile *sf) { return sf->path == NULL; }

/* The file the data is meant for: a symbolic link's target (so the link stays a link), else
 * the path as given (a file not yet there). */
static char *target_of(const char *path)
{
    char *resolved = realpath(path, NULL);
    return resolved ? resolved : strdup(path);
}

/* "dir/name" -> "dir/.name.XXXXXX": hidden, in the target's folder so the rename stays on one
 * file system, and unique per writer (mkstemp), so two writers never share a temporary file. */
static char *temp_template(const char *target)
{
    const char *slash = strrchr(target, '/');
    size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
    size_t len = strlen(target) + sizeof ".XXXXXX" + 1;
    char *tmp = malloc(len);
    if (tmp)
        snprintf(tmp, len, "%.*s.%s.XXXXXX", (int)dir_len, target, target + dir_len);
    return tmp;
}

/* A device or FIFO (/dev/null, a pipe's name) cannot be replaced by a rename; it is written
 * directly, as it has no contents to protect. */
static bool is_special(const char *target)
{
    struct stat st;
    return stat(target, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static bool open_direct(SafeFile *sf, const char *path, Error *err)
{
    sf->fp = fopen(sf->target, "wb");
    if (!sf->fp) {
        int saved = errno;
        error_set_code(err, ERROR_IO, "%s: cannot write: %s", path, strerror(saved));
        safe_file_abort(sf);
        return false;
    }
    return true;
}

/* An existing file keeps its mode (a model kept 0600 stays private); a new one gets the mode
 * fopen would give it, 0666 less the umask (mkstemp's is 0600). */
static bool set_mode(int fd, const char *target)
{
    struct stat st;
    if (stat(target, &st) == 0)
        return fchmod(fd, st.st_mode & 07777) == 0;
    mode_t mask = umask(0);
    umask(mask);
    return fchmod(fd, 0666 & ~mask) == 0;
}

bool safe_file_open(SafeFile *sf, const char *path, Error *err)
{
    memset(sf, 0, sizeof *sf);
    if (strcmp(path, "-") == 0) {
        sf->fp = stdout;
        return true;
    }
    sf->path = strdup(path);
    sf->target = sf->path ? target_of(path) : NULL;
    if (sf->target && is_special(sf->target))
        return open_direct(sf, path, err);
    sf->tmp_path = sf->target ? temp_template(sf->target) : NULL;
    if (!sf->target || !sf->tmp_path) {
        safe_file_abort(sf);
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    }
    int fd = mkstemp(sf->tmp_path);
    if (fd < 0) {
        int saved = errno;
        free(sf->tmp_path);
        sf->tmp_path = NULL; /* nothing was created to remove */
        safe_file_abort(sf);
        return error_set_code(err, ERROR_IO, "%s: cannot write: %s", path, strerror(saved));
    }
    if (!set_mode(fd, sf->target) || !(sf->fp = fdopen(fd, "wb"))) {
        int saved = errno;
        close(fd);
        error_set_code(err, ERROR_IO, "%s: cannot write: %s", path, strerror(saved));
        safe_file_abort(sf);
        return false;
    }
    return true;
}

static bool commit_direct(SafeFile *sf, Error *err)
{
    bool ok = fflush(sf->fp) == 0 && !ferror(sf->fp);
    int saved = errno;
    ok = fclose(sf->fp) == 0 && ok;
    sf->fp = NULL;
    if (!ok)
        error_set_code(err, ERROR_IO, "%s: write failed: %s", sf->path, strerror(saved ? saved : errno));
    safe_file_abort(sf);
    return ok;
}

bool safe_file_commit(SafeFile *sf, Error *err)
{
    if (is_stdout(sf)) {
        bool ok = fflush(stdout) == 0 && !ferror(stdout);
        return ok ? true : error_set_code(err, ERROR_IO, "standard output: %s", strerror(errno));
    }
    if (!sf->tmp_path)
        return commit_direct(sf, err);
    bool ok = fflush(sf->fp) == 0 && !ferror(sf->fp) && fsync(fileno(sf->fp)) == 0;
    int saved = errno;
    ok = (fclose(sf->fp) == 0) && ok;
    sf->fp = NULL;
    if (!ok) {
        error_set_code(err, ERROR_IO, "%s: write failed: %s", sf->path, strerror(saved ? saved : errno));
        safe_file_abort(sf);
        return false;
    }
    if (rename(sf->tmp_path, sf->target) != 0) {
        saved = errno;
        error_set_code(err, ERROR_IO, "%s: cannot rename into place: %s", sf->path, strerror(saved));
        safe_file_abort(sf);
        return false;
    }
    free(sf->tmp_path);
    free(sf->target);
    free(sf->path);
    memset(sf, 0, sizeof *sf);
    return true;
}

void safe_file_abort(SafeFile *sf)
{
    if (!is_stdout(sf)) {
        if (sf->fp && sf->fp != stdout)
            fclose(sf->fp);
        if (sf->tmp_path)
            unlink(sf->tmp_path);
    }
    free(sf->tmp_path);
    free(sf->target);
    free(sf->path);
    memset(sf, 0, sizeof *sf);
}
