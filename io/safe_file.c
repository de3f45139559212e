#include "safe_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_stdout(const SafeFile *sf) { return sf->tmp_path == NULL; }

bool safe_file_open(SafeFile *sf, const char *path, Error *err)
{
    memset(sf, 0, sizeof *sf);
    if (strcmp(path, "-") == 0) {
        sf->fp = stdout;
        return true;
    }
    sf->path = strdup(path);
    size_t tmp_len = strlen(path) + 32;
    sf->tmp_path = malloc(tmp_len);
    if (!sf->path || !sf->tmp_path) {
        safe_file_abort(sf);
        return error_set_code(err, ERROR_NOMEM, "%s: out of memory", path);
    }
    snprintf(sf->tmp_path, tmp_len, "%s.tmp.%ld", path, (long)getpid());
    sf->fp = fopen(sf->tmp_path, "wb");
    if (!sf->fp) {
        int saved = errno;
        error_set(err, "%s: cannot write: %s", path, strerror(saved));
        safe_file_abort(sf);
        return false;
    }
    return true;
}

bool safe_file_commit(SafeFile *sf, Error *err)
{
    if (is_stdout(sf))
        return fflush(stdout) == 0 ? true : error_set(err, "standard output: %s", strerror(errno));
    bool ok = fflush(sf->fp) == 0 && !ferror(sf->fp) && fsync(fileno(sf->fp)) == 0;
    int saved = errno;
    ok = (fclose(sf->fp) == 0) && ok;
    sf->fp = NULL;
    if (!ok) {
        error_set(err, "%s: write failed: %s", sf->path, strerror(saved));
        safe_file_abort(sf);
        return false;
    }
    if (rename(sf->tmp_path, sf->path) != 0) {
        saved = errno;
        error_set(err, "%s: cannot rename into place: %s", sf->path, strerror(saved));
        safe_file_abort(sf);
        return false;
    }
    free(sf->tmp_path);
    free(sf->path);
    memset(sf, 0, sizeof *sf);
    return true;
}

void safe_file_abort(SafeFile *sf)
{
    if (!is_stdout(sf)) {
        if (sf->fp)
            fclose(sf->fp);
        unlink(sf->tmp_path);
    }
    free(sf->tmp_path);
    free(sf->path);
    memset(sf, 0, sizeof *sf);
}
