#include "outputs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What makes two paths one file: an existing file's device and inode, or for a file not yet
 * there its folder's device and inode and its own name. */
typedef struct FileId {
    bool exists;
    bool special;       /* a device or FIFO: written directly, never replaced, so no clash */
    dev_t dev;
    ino_t ino;
    const char *name;   /* the last part of the path, for a file not yet there */
} FileId;

static const char *last_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The folder path is in ("." for a bare name), into buf. */
static const char *folder_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    size_t len = slash == path ? 1 : (size_t)(slash - path);
    snprintf(buf, size, "%.*s", (int)len, path);
    return buf;
}

static bool same_file(const FileId *a, const FileId *b)
{
    if (a->special || b->special || a->exists != b->exists || a->dev != b->dev || a->ino != b->ino)
        return false;
    return a->exists || strcmp(a->name, b->name) == 0;
}

/* An input's identity; false when it is not there (its reader will say so) or is a pipe. */
static bool input_id(const char *path, FileId *id)
{
    struct stat st;
    bool got = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) == 0 : stat(path, &st) == 0;
    if (!got || !S_ISREG(st.st_mode))
        return false;
    *id = (FileId){.exists = true, .dev = st.st_dev, .ino = st.st_ino};
    return true;
}

/* The folder the data will go to (a symbolic link's target's), into buf. */
static const char *write_folder(const char *path, char *buf, size_t size)
{
    char *resolved = realpath(path, NULL);
    const char *folder = folder_of(resolved ? resolved : path, buf, size);
    free(resolved);
    return folder;
}

/* An output's identity, after checking that it can be written: its folder exists and takes
 * new files, and it is no directory. */
static bool output_id(const NamedPath *out, FileId *id, Error *err)
{
    struct stat st;
    if (stat(out->path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return error_set_code(err, ERROR_IO, "%s %s: is a directory, not a file to write", out->option,
                                  out->path);
        *id = (FileId){.exists = true, .special = !S_ISREG(st.st_mode), .dev = st.st_dev, .ino = st.st_ino};
        if (id->special)
            return true; /* a device or FIFO is written directly, not replaced */
    }
    char buf[4096];
    const char *folder = write_folder(out->path, buf, sizeof buf);
    struct stat dir;
    if (stat(folder, &dir) != 0)
        return error_set_code(err, ERROR_IO, "%s %s: cannot write in %s: %s", out->option, out->path, folder,
                              strerror(errno));
    if (!S_ISDIR(dir.st_mode))
        return error_set_code(err, ERROR_IO, "%s %s: cannot write in %s: not a folder", out->option, out->path,
                              folder);
    if (access(folder, W_OK | X_OK) != 0)
        return error_set_code(err, ERROR_IO, "%s %s: cannot write in %s: %s", out->option, out->path, folder,
                              strerror(errno));
    if (!id->exists)
        *id = (FileId){.exists = false, .dev = dir.st_dev, .ino = dir.st_ino, .name = last_part(out->path)};
    return true;
}

/* Refuses out when it is the input in (named by its option, or as a trace). */
static bool differs_from_input(const NamedPath *out, const FileId *out_id, const NamedPath *in, Error *err)
{
    FileId in_id;
    if (!in->path || !input_id(in->path, &in_id) || !same_file(out_id, &in_id))
        return true;
    const char *in_name = strcmp(in->path, "-") == 0 ? "standard input" : in->path;
    return error_set_code(err, ERROR_USAGE, "%s %s is the same file as %s %s: it would be overwritten; "
                          "name another output", out->option, out->path, in->option, in_name);
}

static bool differs_from_inputs(const ArgInputs *inputs, const NamedPath *reads, size_t n_reads,
                                const NamedPath *out, const FileId *out_id, Error *err)
{
    for (size_t i = 0; inputs && i < inputs->n; i++) {
        NamedPath in = {inputs->items[i].format == TRACE_FORMAT_SESSIONS ? "--sessions" : "the trace",
                        inputs->items[i].path};
        if (!differs_from_input(out, out_id, &in, err))
            return false;
    }
    for (size_t i = 0; i < n_reads; i++)
        if (!differs_from_input(out, out_id, &reads[i], err))
            return false;
    return true;
}

bool outputs_check(const ArgInputs *inputs, const NamedPath *reads, size_t n_reads, const NamedPath *writes,
                   size_t n_writes, Error *err)
{
    FileId ids[8];
    if (n_writes > sizeof ids / sizeof ids[0])
        return error_set_code(err, ERROR_USAGE, "too many outputs");
    for (size_t i = 0; i < n_writes; i++) {
        const NamedPath *out = &writes[i];
        ids[i] = (FileId){0};
        if (!out->path || strcmp(out->path, "-") == 0)
            continue; /* standard output is no file of ours */
        if (!output_id(out, &ids[i], err) || !differs_from_inputs(inputs, reads, n_reads, out, &ids[i], err))
            return false;
        for (size_t j = 0; j < i; j++)
            if (writes[j].path && strcmp(writes[j].path, "-") != 0 && same_file(&ids[i], &ids[j]))
                return error_set_code(err, ERROR_USAGE, "%s %s and %s %s name the same file: name two files",
                                      writes[j].option, writes[j].path, out->option, out->path);
    }
    return true;
}
